package io.ferry.core.parallel;

/**
 * How a run of parallel apply was laid out: its scheduler and channel count. The catalog keeps the
 * last run's layout, so that after a crash the next run first finishes that run's assignment.
 * Immutable.
 */
public record Layout(Scheduler scheduler, int channels) {
  /** A single channel, as a service without parallel apply runs. */
  public static final Layout SINGLE = new Layout(Scheduler.SHARD, 1);

  public Layout {
    if (scheduler == null || channels < 1) {
      throw new IllegalArgumentException("a layout needs a scheduler and at least one channel");
    }
  }

  @Override
  public String toString() {
    return channels + " channel(s), scheduler " + scheduler.label();
  }
}
