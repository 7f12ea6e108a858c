package io.ferry.core.pipeline;

import java.time.Duration;

/**
 * When a stage commits its applier: after {@code maxEvents} events or {@code maxLatency} since the
 * block began, whichever comes first, and at once when the extractor has nothing more to hand out
 * (unless {@code commitWhenIdle} is false: then the block waits for its bounds even when the source
 * is quiet, as a batch target wants), when a transaction requires it (DDL, non-transactional
 * tables), and at a stop. Never inside a transaction.
 *
 * @param maxEvents the most events in one block (1: commit every transaction)
 * @param maxLatency the longest a block stays open
 * @param commitWhenIdle whether a block commits as soon as the source has nothing more for now
 */
public record BlockCommit(int maxEvents, Duration maxLatency, boolean commitWhenIdle) {
  public BlockCommit(int maxEvents, Duration maxLatency) {
    this(maxEvents, maxLatency, true);
  }

  /** The same bounds, committing only at them (not when the source is idle). */
  public BlockCommit onlyAtBounds() {
    return new BlockCommit(maxEvents, maxLatency, false);
  }

  public BlockCommit {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("a block holds at least one event");
    }
    if (maxLatency == null || maxLatency.isNegative()) {
      throw new IllegalArgumentException("a block's latency bound cannot be negative");
    }
  }

  public static final BlockCommit DEFAULT = new BlockCommit(100, Duration.ofMillis(500));

  /** One transaction per commit. */
  public static final BlockCommit EACH = new BlockCommit(1, Duration.ZERO);
}
