package io.ferry.core.thl;

import io.ferry.core.codec.RecordHeader;
import java.nio.file.Path;

/**
 * Checks that records follow each other as the writer writes them: the next transaction's fragment
 * 0 after a complete one, the next fragment of the same seqno otherwise. A record out of order is
 * corruption, never something to skip or reorder. Not thread-safe.
 */
final class SeqnoOrder {
  private final Path file;
  private RecordHeader previous;
  private final long firstExpected;

  SeqnoOrder(Path file, RecordHeader previous, long firstExpected) {
    this.file = file;
    this.previous = previous;
    this.firstExpected = firstExpected;
  }

  /** The seqno the next record should have (-1: any, starting a transaction). */
  long expected() {
    if (previous == null) {
      return firstExpected;
    }
    return previous.lastFrag() ? previous.lastSeqno() + 1 : previous.seqno();
  }

  void check(long offset, RecordHeader h) {
    String problem = null;
    if (previous == null || previous.lastFrag()) {
      if (expected() >= 0 && h.seqno() != expected()) {
        problem = "seqno " + h.seqno() + " where " + expected() + " should follow";
      } else if (h.fragno() != 0) {
        problem = "seqno " + h.seqno() + " starts with fragment " + h.fragno() + " instead of 0";
      }
    } else if (h.seqno() != previous.seqno() || h.fragno() != previous.fragno() + 1 || h.isGap()) {
      problem =
          "seqno "
              + h.seqno()
              + " fragment "
              + h.fragno()
              + " where fragment "
              + (previous.fragno() + 1)
              + " of seqno "
              + previous.seqno()
              + " should follow";
    }
    if (problem != null) {
      throw new ThlCorruptionException(file, offset, expected(), problem);
    }
    previous = h;
  }
}
