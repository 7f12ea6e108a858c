package io.ferry.core.parallel;

import io.ferry.core.event.Checkpoint;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How a run of parallel apply starts, decided from every channel's catalog row and the last run's
 * layout. When the last run committed in order (key scheduler, or one channel), or every channel
 * stopped at the same seqno with nothing in doubt, the run starts after the highest row with the
 * configured layout ({@link #settle}: the rows are brought to it). When a shard run stopped with
 * its channels apart, this run first finishes it: the old layout, from the lowest row, each channel
 * passing over what its row says it has, up to the furthest row or in-doubt mark. Immutable.
 *
 * <p>Its parts: {@code layout} the layout this run starts with ; {@code restart} where the stream
 * resumes; {@code skipThrough} per channel, the seqno up to which it has its transactions already;
 * {@code inDoubt} transactions a crash interrupted outside a target transaction, by the channel
 * whose row marks them; {@code finishThrough} while finishing an earlier run, its furthest seqno
 * (else -1), and {@code finishedAt} that row's checkpoint; {@code settle} whether the rows must
 * first be brought to {@code restart} under {@code layout}; {@code changed} whether the layout
 * differs from the last run's, {@code before}.
 */
public final class RunPlan {
  private final Layout layout;
  private final Checkpoint restart;
  private final long[] skipThrough;
  private final Map<Long, Integer> inDoubt;
  private final long finishThrough;
  private final Checkpoint finishedAt;
  private final boolean settle;
  private final boolean changed;
  private final Layout before;

  private RunPlan(
      Layout layout,
      Checkpoint restart,
      long[] skipThrough,
      Map<Long, Integer> inDoubt,
      long finishThrough,
      Checkpoint finishedAt,
      boolean settle,
      boolean changed,
      Layout before) {
    this.layout = layout;
    this.restart = restart;
    this.skipThrough = skipThrough.clone();
    this.inDoubt = Map.copyOf(inDoubt);
    this.finishThrough = finishThrough;
    this.finishedAt = finishedAt;
    this.settle = settle;
    this.changed = changed;
    this.before = before;
  }

  Layout layout() {
    return layout;
  }

  Checkpoint restart() {
    return restart;
  }

  long[] skipThrough() {
    return skipThrough.clone();
  }

  Map<Long, Integer> inDoubt() {
    return inDoubt;
  }

  long finishThrough() {
    return finishThrough;
  }

  Checkpoint finishedAt() {
    return finishedAt;
  }

  boolean settle() {
    return settle;
  }

  boolean changed() {
    return changed;
  }

  Layout before() {
    return before;
  }

  boolean finishing() {
    return finishThrough >= 0;
  }

  /**
   * Where a run of the last run's layout would resume the stream, from a catalog's channel rows
   * (for a target restored from a backup: what it needs fetched next comes after this).
   */
  public static Checkpoint restartOf(Map<Integer, ChannelPosition> rows, Layout last) {
    return of(rows, last, last).restart();
  }

  static RunPlan of(Map<Integer, ChannelPosition> rows, Layout before, Layout configured) {
    Checkpoint low = null;
    Checkpoint high = Checkpoint.NONE;
    long highestInDoubt = -1;
    boolean agree = true;
    ChannelPosition none = new ChannelPosition(Checkpoint.NONE, -1);
    for (int ch = 0; ch < before.channels(); ch++) {
      Checkpoint c = rows.getOrDefault(ch, none).checkpoint();
      if (low != null && low.seqno() != c.seqno()) {
        agree = false;
      }
      if (low == null || c.isNone() || (!low.isNone() && c.seqno() < low.seqno())) {
        low = c;
      }
      if (high.isNone() || (!c.isNone() && c.seqno() > high.seqno())) {
        high = c;
      }
      if (rows.getOrDefault(ch, none).inDoubtSeqno() >= 0) {
        agree = false;
        highestInDoubt = Math.max(highestInDoubt, rows.get(ch).inDoubtSeqno());
      }
    }
    low = low == null ? Checkpoint.NONE : low;
    Map<Long, Integer> inDoubt = new HashMap<>();
    if (before.scheduler() == Scheduler.SHARD && before.channels() > 1 && !agree) {
      long[] skip = new long[before.channels()];
      for (int ch = 0; ch < before.channels(); ch++) {
        ChannelPosition p = rows.getOrDefault(ch, none);
        skip[ch] = p.seqno();
        if (p.inDoubtSeqno() >= 0) {
          inDoubt.put(p.inDoubtSeqno(), ch);
        }
      }
      long through = Math.max(high.isNone() ? -1 : high.seqno(), highestInDoubt);
      return new RunPlan(before, low, skip, inDoubt, through, high, false, false, before);
    }
    // commits were ordered (key, or one channel), or every channel stopped at the same seqno: the
    // highest row holds for all
    for (int ch = 0; ch < before.channels(); ch++) {
      ChannelPosition p = rows.get(ch);
      if (p != null && p.inDoubtSeqno() >= 0) {
        inDoubt.put(p.inDoubtSeqno(), ch < configured.channels() ? ch : 0);
      }
    }
    boolean changed = !before.equals(configured);
    long[] skip = new long[configured.channels()];
    Arrays.fill(skip, high.isNone() ? -1 : high.seqno());
    return new RunPlan(
        configured, high, skip, inDoubt, -1, Checkpoint.NONE, changed || !agree, changed, before);
  }
}
