package io.ferry.cli.rescue;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.setup.Endpoint;
import io.ferry.core.event.Change;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.Pipeline;
import io.ferry.core.pipeline.RetryPolicy;
import io.ferry.core.pipeline.Stage;
import io.ferry.core.pipeline.StageStatus;
import io.ferry.mysql.BinlogFileExtractor;
import io.ferry.mysql.StartPosition;
import io.ferry.mysql.apply.ApplierSettings;
import io.ferry.mysql.apply.MySqlApplier;
import io.ferry.mysql.apply.TargetSettings;
import io.ferry.mysql.source.SourceException;
import io.ferry.mysql.source.SourceSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry rescue}: a dead master's last transactions, from its binlog files, to its successor.
 */
@Command(
    name = "rescue",
    header =
        "Apply the transactions a dead master's replica never received, from its binlog files.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Reads the failed master's binlog files from a directory (its disk, a copy of its binlogs)"
          + " with the same decoding as a live source, and applies to --target (the promoted"
          + " replica) every transaction after what the target already has: by default after its"
          + " replication position (MariaDB @@gtid_slave_pos, MySQL @@gtid_executed), else after"
          + " --from. Transactions are applied under the dead master's server id and GTID domain"
          + " and logged to the target's binlog, so its own replicas receive them.",
      "",
      "Crash-safe and repeatable: the position of the last rescued transaction is kept in the"
          + " target's catalog schema ferry_rescue, in the same transaction; a second run goes on"
          + " from there. A transaction the files end in the middle of (the master died before it"
          + " committed) is not applied. --dry-run lists what the files hold after the start"
          + " position (it does not read the catalog: after a partial rescue it lists what was"
          + " applied too).",
      "",
      "Needs binlog files written with binlog_row_metadata=FULL (column names in table maps).",
      "",
      "Examples:",
      "  ferry rescue --binlog-dir /mnt/db1/binlog --target lab:2 --dry-run",
      "  ferry rescue --binlog-dir /mnt/db1/binlog --target mysql://ferry:pw@db2:3306",
      ""
    })
public final class RescueCommand implements Callable<Integer> {
  static final String SERVICE = "rescue";

  @Spec CommandSpec spec;

  @Option(
      names = "--binlog-dir",
      required = true,
      paramLabel = "DIR",
      description = "The dead master's binlog files.")
  Path binlogDir;

  @Option(
      names = "--target",
      required = true,
      paramLabel = "DB",
      description = "The promoted replica: a sandbox server (NAME:N) or mysql://USER:PW@HOST:PORT.")
  String target;

  @Option(
      names = "--from",
      paramLabel = "POS",
      description =
          "Apply what comes after this GTID position or file:offset (default: the target's"
              + " replication position).")
  String from;

  @Option(names = "--dry-run", description = "List the transactions; apply nothing.")
  boolean dryRun;

  @Option(names = "--sandbox-home", paramLabel = "DIR", description = "Where sandboxes live.")
  Path sandboxHome;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Endpoint db = Endpoint.parse(target, sandboxHome);
    StartPosition start = start(db);
    SourceSettings schemaServer = SourceSettings.of(db.host(), db.port(), db.user(), db.password());
    BinlogFileExtractor files =
        new BinlogFileExtractor(binlogDir, schemaServer, start, 1 << 20, Clock.systemUTC());
    try {
      return dryRun ? list(out, files, db, start) : apply(out, files, db);
    } catch (SourceException e) {
      throw new CliException(e.getMessage(), Cli.EXIT_FAILED);
    } finally {
      files.close();
    }
  }

  /** After --from, or after what the target received by replication. */
  private StartPosition start(Endpoint db) {
    if (from != null) {
      try {
        return StartPosition.parse(from);
      } catch (IllegalArgumentException e) {
        throw new CliException("--from: " + e.getMessage(), Cli.EXIT_USAGE);
      }
    }
    try (java.sql.Connection c = db.connect();
        java.sql.Statement st = c.createStatement()) {
      String pos = null;
      try (java.sql.ResultSet rs = st.executeQuery("SELECT @@gtid_slave_pos")) {
        if (rs.next()) {
          pos = rs.getString(1);
        }
      } catch (java.sql.SQLException mysql) {
        try (java.sql.ResultSet rs = st.executeQuery("SELECT @@gtid_executed")) {
          rs.next();
          pos = rs.getString(1);
        }
      }
      if (pos == null || pos.isBlank()) {
        throw new CliException(
            "the target at "
                + db.address()
                + " has no replication position (gtid_slave_pos is empty): give --from with the"
                + " GTID position or file:offset after which the dead master's transactions are"
                + " missing",
            Cli.EXIT_USAGE);
      }
      return StartPosition.parse(pos.replace("\n", ""));
    } catch (java.sql.SQLException e) {
      throw new CliException(
          "cannot read the replication position of " + db.address() + ": " + e.getMessage(),
          Cli.EXIT_FAILED);
    }
  }

  private int list(PrintWriter out, BinlogFileExtractor files, Endpoint db, StartPosition start) {
    files.seek(Checkpoint.NONE);
    int n = 0;
    ReplEvent e;
    while ((e = files.next(0, TimeUnit.MILLISECONDS)) != null) {
      if (e instanceof Transaction tx && tx.lastFrag()) {
        n++;
        out.println(describe(tx));
      }
    }
    if (files.endedInside() != null) {
      out.println("note: " + files.endedInside());
    }
    out.println(
        n
            + " transaction(s) in "
            + binlogDir
            + " after "
            + describe(start)
            + " would be applied to "
            + db.address()
            + " (dry run: nothing applied)");
    return 0;
  }

  /** The files are read to their end and the stage has committed the last transaction read. */
  private static boolean caughtUp(BinlogFileExtractor files, Pipeline pipeline) {
    if (!files.atEnd()) {
      return false;
    }
    if (files.lastRead() == null) {
      return true; // nothing after the start
    }
    StageStatus s = pipeline.status().get(0);
    return s.committed() != null && files.lastRead().equals(s.committed().nativePosition());
  }

  private static String describe(StartPosition start) {
    if (start instanceof StartPosition.AfterGtids g) {
      return "GTID position " + g.gtids().text();
    }
    if (start instanceof StartPosition.At at) {
      return at.position().text();
    }
    return "the first file's beginning";
  }

  private static String describe(Transaction tx) {
    StringBuilder b = new StringBuilder();
    b.append(tx.header().nativePosition() == null ? "?" : tx.header().nativePosition().text());
    b.append("  ");
    for (Change c : tx.changes()) {
      if (c instanceof RowChanges rc) {
        b.append(rc.action().name().toLowerCase(java.util.Locale.ROOT))
            .append(' ')
            .append(rc.rows().size())
            .append(" row(s) ")
            .append(rc.schema())
            .append('.')
            .append(rc.table())
            .append("; ");
      } else if (c instanceof SqlStatement s) {
        String sql = s.text().replaceAll("\\s+", " ").strip();
        b.append(sql.length() > 80 ? sql.substring(0, 77) + "..." : sql).append("; ");
      }
    }
    return b.toString().strip();
  }

  private int apply(PrintWriter out, BinlogFileExtractor files, Endpoint db)
      throws InterruptedException {
    MySqlApplier applier =
        new MySqlApplier(
            TargetSettings.of(db.host(), db.port(), db.user(), db.password()),
            ApplierSettings.of(SERVICE).withLogToBinlog(true).withLogOrigin(true),
            Clock.systemUTC());
    Stage stage =
        Stage.builder("binlog-files-to-target")
            .extractor(files)
            .applier(applier)
            .blockCommit(new BlockCommit(100, Duration.ofMillis(200)))
            .retry(
                new RetryPolicy(
                    Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(20)))
            .epoch(Clock.systemUTC().millis())
            .originService(SERVICE)
            .build();
    Pipeline pipeline = new Pipeline(SERVICE, List.of(stage), List.of(), Clock.systemUTC());
    AtomicReference<String> failed = new AtomicReference<>();
    pipeline.onFailure(f -> failed.set(f.message()));
    pipeline.start();
    try {
      while (failed.get() == null && !caughtUp(files, pipeline)) {
        Thread.sleep(100);
      }
    } finally {
      pipeline.stop(Duration.ofSeconds(30));
      pipeline.close();
    }
    if (failed.get() != null) {
      throw new CliException(
          "the rescue to "
              + db.address()
              + " stopped: "
              + failed.get()
              + "; what was applied before it stays, and a second run goes on from there",
          Cli.EXIT_FAILED);
    }
    if (files.endedInside() != null) {
      out.println("note: " + files.endedInside());
    }
    out.println(
        "rescued "
            + files.transactionsRead()
            + " transaction(s) from "
            + binlogDir
            + " to "
            + db.address()
            + (files.lastRead() == null ? "" : "; the last ends at " + files.lastRead().text()));
    return 0;
  }
}
