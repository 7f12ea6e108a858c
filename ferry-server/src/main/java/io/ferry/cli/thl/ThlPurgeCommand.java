package io.ferry.cli.thl;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.core.thl.SegmentInfo;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlException;
import io.ferry.core.thl.ThlSettings;
import io.ferry.core.thl.Truncation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry thl purge}. */
@Command(
    name = "purge",
    header = "Delete records from the head or the tail of a log.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Delete old records from the head (--before SEQNO: whole segment files whose records are"
          + " all below SEQNO; the newest segment always stays), or new records from the tail"
          + " (--after SEQNO: everything above SEQNO), or everything (--all). A log is purged"
          + " only from its ends, never in the middle.",
      "",
      "Refused while a service uses the log. Without --yes it only says what it would delete.",
      ""
    })
final class ThlPurgeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ThlDirOption dir;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Range range;

  static final class Range {
    @Option(names = "--before", paramLabel = "SEQNO", description = "Delete segments below SEQNO.")
    Long before;

    @Option(names = "--after", paramLabel = "SEQNO", description = "Delete records above SEQNO.")
    Long after;

    @Option(names = "--all", description = "Delete every record.")
    boolean all;
  }

  @Option(
      names = {"-y", "--yes"},
      description = "Really delete.")
  boolean yes;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path logDir = dir.existing();
    if (Thl.inUse(logDir)) {
      throw new CliException(
          "refusing to purge the THL in "
              + logDir
              + ": a running service uses it. Stop the service first (its retention settings"
              + " purge old segments by themselves).");
    }
    if (range.before == null) {
      return cutTail(out, logDir, range.all ? -1 : range.after);
    }
    String what;
    try (Thl thl = Thl.openReadOnly(logDir)) {
      if (thl.firstSeqno().isEmpty()) {
        out.println("The THL in " + logDir + " is empty; nothing to purge.");
        return 0;
      }
      long first = thl.firstSeqno().getAsLong();
      long last = thl.lastSeqno().getAsLong();
      List<SegmentInfo> doomed =
          thl.segments().stream()
              .limit(Math.max(0, thl.segments().size() - 1))
              .filter(s -> s.lastSeqno() < range.before)
              .toList();
      if (doomed.isEmpty()) {
        out.printf(
            "Nothing to purge: no whole segment lies below seqno %d (the log holds %d to %d).%n",
            range.before, first, last);
        return 0;
      }
      what =
          "segments holding seqnos "
              + first
              + " to "
              + doomed.get(doomed.size() - 1).lastSeqno()
              + " ("
              + doomed.size()
              + " files)";
    }
    if (!yes) {
      out.println("Would delete " + what + " from " + logDir + ". Add --yes to do it.");
      return Cli.EXIT_FAILED;
    }
    try (Thl thl = Thl.open(ThlSettings.defaults(logDir).withRetention(null, 0))) {
      thl.purgeBefore(range.before);
      out.printf("Deleted %s. The log now holds %s.%n", what, holds(thl));
    }
    return 0;
  }

  /**
   * Cuts the tail after {@code keep}. The plan reads only what it keeps, so a log damaged after
   * that point is repaired; the dry run makes the same plan, so what it promises is what happens.
   */
  private int cutTail(PrintWriter out, Path logDir, long keep) {
    if (range.after != null && range.after < -1) {
      throw new CliException(
          "--after " + range.after + " is not a seqno: give the last seqno to keep (-1: none)");
    }
    Truncation.Plan plan;
    try {
      plan = Truncation.plan(logDir, keep);
    } catch (IOException e) {
      throw new CliException("cannot read the THL in " + logDir + ": " + e.getMessage());
    } catch (ThlException e) {
      throw new CliException(
          "cannot cut the THL in " + logDir + " after seqno " + keep + ": " + e.getMessage());
    }
    if (plan.isEmpty()) {
      out.printf(
          "Nothing to purge: the log holds nothing after seqno %d (it ends at seqno %d).%n",
          keep, plan.lastKept());
      return 0;
    }
    if (!yes) {
      out.println("Would " + plan.describe() + ". Add --yes to do it.");
      return Cli.EXIT_FAILED;
    }
    try {
      Truncation.truncateClosedLog(logDir, keep);
    } catch (IOException e) {
      throw new CliException("cannot cut the THL in " + logDir + ": " + e.getMessage());
    }
    out.println("Done: " + plan.describe() + ".");
    try (Thl thl = Thl.open(ThlSettings.defaults(logDir).withRetention(null, 0))) {
      out.printf("The log now holds %s.%n", holds(thl));
    } catch (ThlException e) {
      throw new CliException("the cut is done, but the log cannot be opened: " + e.getMessage());
    }
    return 0;
  }

  private static String holds(Thl thl) {
    return thl.firstSeqno().isEmpty()
        ? "nothing"
        : "seqnos " + thl.firstSeqno().getAsLong() + " to " + thl.lastSeqno().getAsLong();
  }
}
