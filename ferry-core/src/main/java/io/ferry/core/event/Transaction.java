package io.ferry.core.event;

import java.util.List;

/**
 * One fragment of a source transaction: its header and its changes in commit order. Most
 * transactions are one fragment (fragno 0, last); a large one is cut into fragments so that memory
 * stays bounded whatever its size. Immutable.
 */
public final class Transaction implements ReplEvent {
  private final TransactionHeader header;
  private final List<Change> changes;
  private long estimatedBytes = -1;

  public Transaction(TransactionHeader header, List<Change> changes) {
    if (header == null) {
      throw new IllegalArgumentException("a transaction needs a header");
    }
    this.header = header;
    this.changes = List.copyOf(changes);
  }

  public TransactionHeader header() {
    return header;
  }

  public List<Change> changes() {
    return changes;
  }

  @Override
  public long seqno() {
    return header.seqno();
  }

  @Override
  public long lastSeqno() {
    return header.seqno();
  }

  @Override
  public long epoch() {
    return header.epoch();
  }

  public int fragno() {
    return header.fragno();
  }

  public boolean lastFrag() {
    return header.lastFrag();
  }

  @Override
  public boolean endsTransaction() {
    return header.lastFrag();
  }

  /** Whether the applier must commit right after it (DDL, non-transactional tables). */
  public boolean commitRequired() {
    return "true".equals(header.option(TransactionOptions.COMMIT_REQUIRED));
  }

  /** The heartbeat name if this is a heartbeat, else null. */
  public String heartbeat() {
    return header.option(TransactionOptions.HEARTBEAT);
  }

  /**
   * Whether it only marks a point of the log for a consistency check (a chunk's checksum, a table's
   * end): no changes to route, judge or drop. A repair carries rows and is not one.
   */
  public boolean checkMarker() {
    return header.option(TransactionOptions.CHECK) != null
        && !"repair".equals(header.option(TransactionOptions.CHECK_KIND));
  }

  public Transaction withHeader(TransactionHeader newHeader) {
    Transaction t = new Transaction(newHeader, changes);
    t.estimatedBytes = estimatedBytes; // same changes, same size: spare the walk over every value
    return t;
  }

  public Transaction withChanges(List<Change> newChanges) {
    return new Transaction(header, newChanges);
  }

  @Override
  public Checkpoint checkpoint() {
    return new Checkpoint(
        header.seqno(),
        header.epoch(),
        header.fragno(),
        header.lastFrag(),
        header.nativePosition(),
        header.sourceCommitMicros());
  }

  @Override
  public long estimatedBytes() {
    long size = estimatedBytes;
    if (size < 0) {
      size = 160;
      for (Change c : changes) {
        size += c.estimatedBytes();
      }
      estimatedBytes = size;
    }
    return size;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Transaction t && t.header.equals(header) && t.changes.equals(changes);
  }

  @Override
  public int hashCode() {
    return 31 * header.hashCode() + changes.hashCode();
  }

  @Override
  public String toString() {
    return "Transaction[seqno="
        + header.seqno()
        + ", fragno="
        + header.fragno()
        + (header.lastFrag() ? " (last)" : "")
        + ", shard="
        + header.shard()
        + ", "
        + changes.size()
        + " changes]";
  }
}
