package io.ferry.cli.thl;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.Json;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.thl.SegmentInfo;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlReader;
import io.ferry.core.thl.ThlRecord;
import io.ferry.server.FilterChains;
import io.ferry.server.config.ConfigException;
import io.ferry.server.config.ServiceConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry thl list}. */
@Command(
    name = "list",
    header = "List records: headers, full content, as SQL or as JSON.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "List the records of a log in seqno order, from --low to --high (default: all), one"
          + " --seqno, or one segment --file. By default each record is shown in full: header,"
          + " source position, and every change with its values. --headers shows one line per"
          + " record without decoding bodies; --sql writes the changes as a SQL script; --json"
          + " writes one JSON document per record (JSON Lines).",
      ""
    })
final class ThlListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ThlDirOption dir;

  @Option(names = "--low", paramLabel = "SEQNO", description = "First seqno to list.")
  Long low;

  @Option(names = "--high", paramLabel = "SEQNO", description = "Last seqno to list.")
  Long high;

  @Option(names = "--seqno", paramLabel = "SEQNO", description = "List only this seqno.")
  Long seqno;

  @Option(
      names = "--file",
      paramLabel = "NAME",
      description = "List only the records of this segment file (for example thl-...0042.seg).")
  String file;

  @Option(
      names = "--filter",
      paramLabel = "SERVICE_FILE",
      description =
          "Show the log through the filters of this service file (extract.filters, then"
              + " apply.filters, as its role has them): what that service would pass on. See"
              + " also 'ferry filter test'.")
  Path filterConfig;

  @ArgGroup(exclusive = true)
  Format format = new Format();

  static final class Format {
    @Option(names = "--headers", description = "One line per record, bodies not decoded.")
    boolean headers;

    @Option(names = "--sql", description = "The changes as a SQL script (MariaDB/MySQL).")
    boolean sql;

    @Option(names = "--json", description = "One JSON document per record.")
    boolean json;
  }

  private ServiceConfig filterConfig() {
    try {
      ServiceConfig c = ServiceConfig.load(filterConfig);
      c.checkFilters();
      return c;
    } catch (ConfigException e) {
      throw new CliException(e.getMessage(), Cli.EXIT_USAGE);
    }
  }

  /** A record as the chain passes it on: changed, dropped (said so), or a gap as it is. */
  private void filtered(PrintWriter out, EventSql sqlOut, ThlRecord rec, List<Filter> chain) {
    ReplEvent event = rec.event();
    if (event instanceof Transaction tx) {
      FilterChains.Outcome o;
      try {
        o = FilterChains.run(chain, tx);
      } catch (RuntimeException e) {
        throw new CliException(
            "seqno " + tx.seqno() + ": a filter failed: " + e.getMessage(), Cli.EXIT_FAILED);
      }
      if (o.result() == null) {
        if (format.json) {
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("seqno", tx.seqno());
          doc.put("fragno", tx.fragno());
          doc.put("type", "filtered");
          doc.put("droppedBy", o.droppedBy());
          out.println(Json.compact(doc));
        } else {
          out.printf(
              "SEQ# %d / FRAG# %d  DROPPED by filter %s%n%n",
              tx.seqno(), tx.fragno(), o.droppedBy());
        }
        return;
      }
      event = o.result();
    }
    if (format.json) {
      out.println(Json.compact(EventJson.event(event)));
    } else if (sqlOut != null) {
      sqlOut.print(event);
    } else {
      EventText.block(
          out, event, rec.file().getFileName() + " byte " + rec.offset() + ", filtered");
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    try (Thl thl = Thl.openReadOnly(dir.existing())) {
      if (thl.firstSeqno().isEmpty()) {
        if (!format.json) {
          out.println("The THL in " + dir.dir + " is empty.");
        }
        return 0;
      }
      long from = thl.firstSeqno().getAsLong();
      long to = Long.MAX_VALUE;
      if (file != null) {
        SegmentInfo segment =
            thl.segments().stream()
                .filter(s -> s.file().getFileName().toString().equals(file))
                .findFirst()
                .orElseThrow(() -> new CliException("no segment file " + file + " in " + dir.dir));
        from = segment.firstSeqno();
        to = segment.lastSeqno();
      }
      if (seqno != null) {
        from = seqno;
        to = seqno;
      }
      from = low != null ? low : from;
      to = high != null ? high : to;
      if (to < from) {
        throw new CliException(
            "the range is inverted: --high "
                + to
                + " is below --low "
                + from
                + " (from a --seqno or --file if not given). Write --low FIRST --high LAST with"
                + " FIRST <= LAST, or --seqno N for one transaction",
            Cli.EXIT_USAGE);
      }
      if (format.headers) {
        EventText.headerTitle(out);
      }
      EventSql sqlOut = format.sql ? new EventSql(out) : null;
      int listed = 0;
      if (filterConfig != null && format.headers) {
        throw new CliException(
            "--filter shows decoded transactions: use it without --headers", Cli.EXIT_USAGE);
      }
      List<AutoCloseable> resources = new ArrayList<>();
      List<Filter> chain = new ArrayList<>();
      try (ThlReader reader = thl.reader(from)) {
        if (filterConfig != null) {
          ServiceConfig fc = filterConfig();
          try {
            chain.addAll(FilterChains.forService(fc, Clock.systemUTC(), resources));
          } catch (RuntimeException e) {
            throw new CliException(e.getMessage(), Cli.EXIT_USAGE);
          }
        }
        ThlRecord rec;
        while ((rec = reader.next(0, TimeUnit.MILLISECONDS)) != null
            && rec.header().seqno() <= to) {
          listed++;
          if (filterConfig != null) {
            filtered(out, sqlOut, rec, chain);
          } else if (format.headers) {
            EventText.headerLine(out, rec);
          } else if (format.json) {
            out.println(Json.compact(EventJson.full(rec)));
          } else if (sqlOut != null) {
            sqlOut.print(rec.event());
          } else {
            EventText.block(out, rec);
          }
        }
      } finally {
        FilterChains.release(chain, resources, spec.commandLine().getErr()::println);
      }
      if (listed == 0 && !format.json) {
        out.println(
            "No records from seqno " + from + (to == Long.MAX_VALUE ? "" : " to " + to) + ".");
      }
      return 0;
    }
  }
}
