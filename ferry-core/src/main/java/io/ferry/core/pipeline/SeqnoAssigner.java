package io.ferry.core.pipeline;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;

/**
 * Gives transactions from a source their seqnos: dense, in order, one per transaction (all its
 * fragments share it), continuing after the stage's restart checkpoint; and stamps the stage's
 * epoch and, where missing, its service as origin. Not thread-safe: one per stage task.
 */
final class SeqnoAssigner {
  private final long epoch;
  private final String origin;
  private long next;
  private int expectedFragno;

  SeqnoAssigner(Checkpoint restart, long epoch, String origin) {
    this.epoch = epoch;
    this.origin = origin;
    this.next = restart.isNone() ? 0 : restart.nextSeqno();
  }

  Transaction assign(Transaction tx) {
    if (tx.fragno() != expectedFragno) {
      throw new IllegalStateException(
          "the source handed out fragment "
              + tx.fragno()
              + " where fragment "
              + expectedFragno
              + " of its transaction should come");
    }
    TransactionHeader h = tx.header().withSeqno(next, epoch);
    if (h.originService().isEmpty() && !origin.isEmpty()) {
      h = h.withOriginService(origin);
    }
    if (tx.lastFrag()) {
      next++;
      expectedFragno = 0;
    } else {
      expectedFragno++;
    }
    return tx.withHeader(h);
  }
}
