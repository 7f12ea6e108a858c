package io.ferry.core.pipeline;

import io.ferry.core.position.NativePosition;

/**
 * An error that knows which transaction it concerns. A stage reports that transaction, not the one
 * it was handling: an applier that sends rows in batches may find a bad row of an earlier
 * transaction of the block, and skipping the wrong seqno would lose a good transaction.
 */
public interface TransactionFailure {
  /** The transaction's seqno, or -1 when the error concerns none. */
  long seqno();

  /** Where the source logged it, or null. */
  NativePosition nativePosition();
}
