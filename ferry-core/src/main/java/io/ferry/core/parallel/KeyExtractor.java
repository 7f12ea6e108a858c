package io.ferry.core.parallel;

import io.ferry.core.event.Transaction;

/**
 * Finds the keys a transaction touches, for the key scheduler: two transactions whose key sets are
 * disjoint may run at once. A transaction that cannot be keyed is a barrier, with the reason. Used
 * by one thread.
 */
public interface KeyExtractor extends AutoCloseable {
  /**
   * A transaction's keys (hashes: two equal keys always hash alike, two different keys rarely do,
   * which only makes two transactions wait for each other), or why it must run alone. Immutable:
   * the hashes are copied in and out.
   */
  final class Keys {
    private final long[] hashes;
    private final String barrier;

    private Keys(long[] hashes, String barrier) {
      this.hashes = hashes;
      this.barrier = barrier;
    }

    public static Keys of(long[] hashes) {
      return new Keys(hashes.clone(), null);
    }

    public static Keys barrier(String why) {
      return new Keys(null, why);
    }

    /** The key hashes, or null for a barrier. */
    public long[] hashes() {
      return hashes == null ? null : hashes.clone();
    }

    /** Why the transaction must run alone, or null when keyed. */
    public String barrier() {
      return barrier;
    }
  }

  /** The keys of a whole transaction (one fragment), with at most {@code max} keys. */
  Keys keysOf(Transaction tx, int max);

  /** Forgets what it knows of tables: a schema change may have changed any. */
  void forget();

  @Override
  void close();
}
