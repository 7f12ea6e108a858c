package io.ferry.cli.analyze;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.Json;
import io.ferry.cli.setup.Endpoint;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlReader;
import io.ferry.core.thl.ThlRecord;
import io.ferry.mysql.BinlogExtractor;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.mysql.analysis.WorkloadAnalysis;
import io.ferry.mysql.source.SourceSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry analyze}: what a binlog or a THL holds. */
@Command(
    name = "analyze",
    header = "What a binlog or a THL holds, and what in it hurts replication.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Reads a server's binlog (with Ferry's own decoding, as a replica would) or a service's"
          + " THL and reports: span, transactions, row changes and bytes; average and peak per"
          + " second; the largest transactions and events; counts by event and statement kind;"
          + " per table the rows inserted, updated and deleted; what hurts replication (DDL, LOAD"
          + " DATA, temporary tables, changes outside a transaction, tables without a key, DML"
          + " logged as statements); and how parallel the workload is for parallel apply's shard"
          + " and key schedulers.",
      "",
      "A server's binlog is read from --from (default: its first file) up to where it ended when"
          + " the command started; binlog files (--files, a copy or a dead server's) to the end of"
          + " the last; a THL from --from to --to (seqnos).",
      "",
      "Examples:",
      "  ferry analyze --sandbox lab:1",
      "  ferry analyze --url mysql://ferry:pw@db1:3306 --from mysql-bin.000042:4 --json",
      "  ferry analyze --thl /var/lib/ferry/alpha/thl --html report.html",
      "  ferry analyze --files /mnt/db1/binlog --schema-from lab:2",
      ""
    })
public final class AnalyzeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  static final class Source {
    @Option(
        names = "--sandbox",
        paramLabel = "NAME:N",
        description = "A sandbox server, whose binlog is read.")
    String sandbox;

    @Option(
        names = "--url",
        paramLabel = "URL",
        description =
            "A MariaDB/MySQL server (mysql://USER:PASSWORD@HOST:PORT), whose binlog is read.")
    String url;

    @Option(names = "--thl", paramLabel = "DIR", description = "A service's THL directory.")
    Path thl;

    @Option(
        names = "--files",
        paramLabel = "DIR",
        description = "A server's binlog files (with --schema-from).")
    Path files;
  }

  @Option(
      names = "--schema-from",
      paramLabel = "DB",
      description =
          "With --files: a server of the same family (NAME:N or URL) whose collations decode the"
              + " files.")
  String schemaFrom;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--sandbox-home", paramLabel = "DIR", description = "Where sandboxes live.")
  Path sandboxHome;

  @Option(
      names = "--from",
      paramLabel = "POS",
      description = "Where to start: file:offset in a binlog, a seqno in a THL.")
  String from;

  @Option(names = "--to", paramLabel = "SEQNO", description = "The last seqno, in a THL.")
  Long to;

  @Option(
      names = "--top",
      paramLabel = "N",
      defaultValue = "10",
      description = "How many of the largest transactions and events to list (default 10).")
  int top;

  @Option(names = "--json", description = "The report as JSON.")
  boolean json;

  @Option(names = "--html", paramLabel = "FILE", description = "Also write an HTML report.")
  Path html;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (top < 1) {
      throw new CliException("--top must be at least 1", Cli.EXIT_USAGE);
    }
    WorkloadAnalysis analysis = new WorkloadAnalysis(top);
    String what;
    if (source.thl != null) {
      what = "THL " + source.thl;
      readThl(analysis);
    } else if (source.files != null) {
      if (schemaFrom == null) {
        throw new CliException(
            "--files needs --schema-from DB: a server of the same family (the collations it"
                + " names decode the files' strings)",
            Cli.EXIT_USAGE);
      }
      what = "the binlog files in " + source.files;
      readFiles(analysis, Endpoint.parse(schemaFrom, sandboxHome));
    } else {
      if (to != null) {
        throw new CliException("--to is a THL seqno: a binlog is read to its end", Cli.EXIT_USAGE);
      }
      Endpoint e =
          Endpoint.parse(source.sandbox != null ? source.sandbox : source.url, sandboxHome);
      what = "the binlog of " + e.address();
      readBinlog(analysis, e);
    }
    Map<String, Object> report = analysis.report();
    report.put("source", what);
    if (html != null) {
      try {
        Files.writeString(html, HtmlReport.of(report));
      } catch (IOException ex) {
        throw new CliException("cannot write " + html + ": " + ex.getMessage(), Cli.EXIT_FAILED);
      }
    }
    if (json) {
      Json.print(out, report);
    } else {
      TextReport.print(out, report);
      if (html != null) {
        out.println("HTML report: " + html);
      }
    }
    out.flush();
    return 0;
  }

  private void readThl(WorkloadAnalysis analysis) throws InterruptedException {
    if (!Files.isDirectory(source.thl)) {
      throw new CliException(
          "there is no THL directory " + source.thl + ": give a service's thl.dir", Cli.EXIT_USAGE);
    }
    long first;
    try {
      first = from == null ? -1 : Long.parseLong(from);
    } catch (NumberFormatException e) {
      throw new CliException("--from in a THL is a seqno, not '" + from + "'", Cli.EXIT_USAGE);
    }
    try (Thl thl = Thl.openReadOnly(source.thl)) {
      if (thl.firstSeqno().isEmpty()) {
        return;
      }
      long start = Math.max(first, thl.firstSeqno().getAsLong());
      long last = to == null ? Long.MAX_VALUE : to;
      try (ThlReader reader = thl.reader(start)) {
        ThlRecord rec;
        while ((rec = reader.next(0, TimeUnit.MILLISECONDS)) != null
            && rec.header().seqno() <= last) {
          if (rec.event() instanceof Transaction tx) {
            analysis.add(tx, rec.length());
          }
        }
      }
    }
  }

  private void readBinlog(WorkloadAnalysis analysis, Endpoint e) throws InterruptedException {
    SourceSettings settings =
        SourceSettings.of(e.host(), e.port(), e.user(), e.password())
            .withReplicaServerId(SourceSettings.defaultReplicaServerId("ferry-analyze", e.port()));
    BinlogPosition end = end(e);
    io.ferry.mysql.StartPosition start = start();
    ExtractorSettings es = ExtractorSettings.defaults().withStart(start);
    BinlogExtractor extractor = new BinlogExtractor(settings, es, Clock.systemUTC());
    try {
      extractor.seek(Checkpoint.NONE);
      long quietSince = System.nanoTime();
      while (true) {
        ReplEvent ev = extractor.next(200, TimeUnit.MILLISECONDS);
        if (ev == null) {
          if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(3)) {
            return; // nothing more before the end (the end held no transaction)
          }
          continue;
        }
        quietSince = System.nanoTime();
        if (ev instanceof Transaction tx) {
          analysis.add(tx, tx.estimatedBytes());
          if (tx.lastFrag()
              && tx.header().nativePosition() instanceof BinlogPosition p
              && p.compare(end).map(c -> c >= 0).orElse(false)) {
            return;
          }
        }
      }
    } catch (RuntimeException ex) {
      throw new CliException(
          "cannot read the binlog of " + e.address() + ": " + ex.getMessage(), Cli.EXIT_FAILED);
    } finally {
      extractor.close();
    }
  }

  private void readFiles(WorkloadAnalysis analysis, Endpoint schema) {
    io.ferry.mysql.StartPosition start = start();
    io.ferry.mysql.BinlogFileExtractor files =
        new io.ferry.mysql.BinlogFileExtractor(
            source.files,
            SourceSettings.of(schema.host(), schema.port(), schema.user(), schema.password()),
            start,
            1 << 20,
            Clock.systemUTC());
    try {
      files.seek(Checkpoint.NONE);
      ReplEvent ev;
      while ((ev = files.next(0, TimeUnit.MILLISECONDS)) != null) {
        if (ev instanceof Transaction tx) {
          analysis.add(tx, tx.estimatedBytes());
        }
      }
      if (files.endedInside() != null) {
        spec.commandLine().getErr().println("note: " + files.endedInside());
      }
    } catch (RuntimeException ex) {
      throw new CliException(
          "cannot read the binlog files in " + source.files + ": " + ex.getMessage(),
          Cli.EXIT_FAILED);
    } finally {
      files.close();
    }
  }

  /** Where a binlog is read from: --from, else its first file. */
  private io.ferry.mysql.StartPosition start() {
    try {
      return from == null
          ? new io.ferry.mysql.StartPosition.Beginning()
          : io.ferry.mysql.StartPosition.parse(from);
    } catch (IllegalArgumentException ex) {
      throw new CliException("--from: " + ex.getMessage(), Cli.EXIT_USAGE);
    }
  }

  /** Where the binlog ends now: the analysis stops there. */
  private static BinlogPosition end(Endpoint e) {
    try (java.sql.Connection c = e.connect();
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
      if (!rs.next()) {
        throw new CliException(
            "the server at " + e.address() + " has no binlog (log_bin is OFF)", Cli.EXIT_FAILED);
      }
      return new BinlogPosition(rs.getString(1), rs.getLong(2));
    } catch (java.sql.SQLException ex) {
      throw new CliException(
          "cannot ask " + e.address() + " where its binlog ends: " + ex.getMessage(),
          Cli.EXIT_FAILED);
    }
  }
}
