package io.ferry.core.pipeline;

import io.ferry.core.event.Transaction;

/**
 * Passes, changes or drops transactions between extraction and apply. Filters see every fragment of
 * a transaction; gaps pass them by. A filter that drops a whole transaction makes its stage record
 * the seqno as filtered, so the log never has an unexplained hole; dropping one fragment of several
 * leaves an empty fragment in its place. Used by one task thread.
 */
public interface Filter extends AutoCloseable {
  /** The transaction to pass on (the same, or a changed copy), or null to drop it. */
  Transaction filter(Transaction transaction);

  /** A name for logs, status and the reason recorded with dropped seqnos. */
  default String name() {
    return getClass().getSimpleName();
  }

  @Override
  default void close() {}
}
