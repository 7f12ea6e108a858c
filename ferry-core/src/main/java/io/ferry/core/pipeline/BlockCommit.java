package io.ferry.core.pipeline;

import java.time.Duration;

/**
 * When a stage commits its applier: after {@code maxEvents} events or {@code maxLatency} since the
 * block began, whichever comes first, and always at once when the extractor has nothing more to
 * hand out, when a transaction requires it (DDL, non-transactional tables), and at a stop. Never
 * inside a transaction.
 *
 * @param maxEvents the most events in one block (1: commit every transaction)
 * @param maxLatency the longest a block stays open
 */
public record BlockCommit(int maxEvents, Duration maxLatency) {
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
