package io.ferry.core.pipeline;

import io.ferry.core.event.Transaction;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops the transactions an operator said to skip (for example the one an apply error stopped at),
 * so that the stage records them as a gap and goes on. Immutable ranges; used by one task thread.
 */
public final class SkipSeqnos implements Filter {
  /** An inclusive range of seqnos. */
  public record Range(long from, long to) {
    public Range {
      if (from < 0 || to < from) {
        throw new IllegalArgumentException("invalid seqno range " + from + "-" + to);
      }
    }
  }

  private final List<Range> ranges;

  public SkipSeqnos(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  /** Reads {@code 5}, {@code 7-9} or a comma-separated list of them. */
  public static SkipSeqnos parse(String text) {
    List<Range> ranges = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String p = part.trim();
      try {
        int dash = p.indexOf('-', 1);
        ranges.add(
            dash < 0
                ? new Range(Long.parseLong(p), Long.parseLong(p))
                : new Range(
                    Long.parseLong(p.substring(0, dash).trim()),
                    Long.parseLong(p.substring(dash + 1).trim())));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "cannot read '" + p + "' as a seqno or range (like 5 or 7-9) in '" + text + "'", e);
      }
    }
    return new SkipSeqnos(ranges);
  }

  public List<Range> ranges() {
    return ranges;
  }

  public boolean skips(long seqno) {
    for (Range r : ranges) {
      if (seqno >= r.from() && seqno <= r.to()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Transaction filter(Transaction transaction) {
    return skips(transaction.seqno()) ? null : transaction;
  }

  @Override
  public String name() {
    return "skip";
  }
}
