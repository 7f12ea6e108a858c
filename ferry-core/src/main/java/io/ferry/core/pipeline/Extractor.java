package io.ferry.core.pipeline;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import java.util.concurrent.TimeUnit;

/**
 * The reading role of a stage: hands out events in order. A source extractor (a binlog, a
 * generator) hands out transactions without seqnos, which its stage assigns; a store's extractor
 * (the THL, a queue) hands out events that have them. Used by one task thread.
 */
public interface Extractor extends AutoCloseable {
  /**
   * Positions the extractor right after a checkpoint: the next event is the one after it. {@link
   * Checkpoint#NONE} means from the beginning (or the extractor's configured start).
   */
  void seek(Checkpoint after);

  /** The next event, or null if none came within the timeout. */
  ReplEvent next(long timeout, TimeUnit unit) throws InterruptedException;

  /** Whether its transactions still need seqnos (a source). */
  default boolean isSource() {
    return false;
  }

  /** Releases what it holds. */
  @Override
  default void close() {}
}
