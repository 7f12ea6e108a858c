package io.ferry.cli.thl;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.Json;
import io.ferry.core.thl.SegmentInfo;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlReader;
import io.ferry.core.thl.ThlRecord;
import java.io.PrintWriter;
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
      try (ThlReader reader = thl.reader(from)) {
        ThlRecord rec;
        while ((rec = reader.next(0, TimeUnit.MILLISECONDS)) != null
            && rec.header().seqno() <= to) {
          listed++;
          if (format.headers) {
            EventText.headerLine(out, rec);
          } else if (format.json) {
            out.println(Json.compact(EventJson.full(rec)));
          } else if (sqlOut != null) {
            sqlOut.print(rec.event());
          } else {
            EventText.block(out, rec);
          }
        }
      }
      if (listed == 0 && !format.json) {
        out.println(
            "No records from seqno " + from + (to == Long.MAX_VALUE ? "" : " to " + to) + ".");
      }
      return 0;
    }
  }
}
