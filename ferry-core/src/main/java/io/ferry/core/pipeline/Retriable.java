package io.ferry.core.pipeline;

/**
 * Implemented by exceptions that know whether trying again later can help: a lost connection, a
 * deadlock or a lock wait can pass; a missing grant or a duplicate key cannot. A stage retries a
 * retriable failure (rolling back and resuming from its last commit) within its {@link
 * RetryPolicy}; anything else stops it.
 */
public interface Retriable {
  boolean isRetriable();

  /**
   * Whether the retry should start at once: the failure is known to pass when the block is applied
   * again another way (one statement at a time, to find which of a round trip failed), not by
   * waiting.
   */
  default boolean retryAtOnce() {
    return false;
  }
}
