package io.ferry.core.pipeline;

import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterContext;

/**
 * Passes, changes or drops transactions between extraction and apply. Filters see every fragment of
 * a transaction; gaps pass them by. A filter that drops a whole transaction makes its stage record
 * the seqno as filtered, so the log never has an unexplained hole; dropping one fragment of several
 * leaves an empty fragment in its place.
 *
 * <p>Lifecycle: configured when made (see {@link io.ferry.core.filter.FilterFactory}), {@link
 * #prepare prepared} with its context before the first transaction, then {@link #close released}
 * when its stage stops. {@link #filter} is called by one task thread.
 */
public interface Filter extends AutoCloseable {
  /**
   * The transaction to pass on, or null to drop it. A filter that changes nothing returns the very
   * object it was given (statistics count a different object as a change); one that changes
   * something returns a changed copy (transactions are immutable).
   */
  Transaction filter(Transaction transaction);

  /** A name for logs, status and the reason recorded with dropped seqnos. */
  default String name() {
    return getClass().getSimpleName();
  }

  /** Readies the filter to run: the service, the side, the schema view. May be skipped. */
  default void prepare(FilterContext context) {}

  /**
   * The largest share of its per-transaction budget one transaction has used (0 to 1), for filters
   * that have a budget (scripts); -1 otherwise.
   */
  default double budgetUsed() {
    return -1;
  }

  /** Releases what the filter holds. */
  @Override
  default void close() {}
}
