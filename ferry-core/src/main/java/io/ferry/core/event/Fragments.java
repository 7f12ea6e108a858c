package io.ferry.core.event;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a transaction fragment whose estimated size exceeds a bound into smaller pieces, in change
 * order; a row change too large on its own is cut between rows. The pieces keep the header; the
 * caller numbers them. A single value larger than the bound stays in one piece. Stateless.
 */
public final class Fragments {
  private Fragments() {}

  public static List<Transaction> split(Transaction tx, long maxBytes) {
    if (tx.estimatedBytes() <= maxBytes || tx.changes().size() == 0) {
      return List.of(tx);
    }
    List<Transaction> pieces = new ArrayList<>();
    List<Change> current = new ArrayList<>();
    long currentBytes = 0;
    for (Change change : tx.changes()) {
      List<Change> parts =
          change instanceof RowChanges rc && rc.estimatedBytes() > maxBytes
              ? splitRows(rc, maxBytes)
              : List.of(change);
      for (Change part : parts) {
        long size = part.estimatedBytes();
        if (!current.isEmpty() && currentBytes + size > maxBytes) {
          pieces.add(tx.withChanges(current));
          current = new ArrayList<>();
          currentBytes = 0;
        }
        current.add(part);
        currentBytes += size;
      }
    }
    if (!current.isEmpty()) {
      pieces.add(tx.withChanges(current));
    }
    return pieces;
  }

  /**
   * Joins the fragments of one transaction, in order, back into one (for tools and tests; a
   * pipeline never needs the whole transaction in memory).
   */
  public static Transaction join(List<Transaction> fragments) {
    if (fragments.isEmpty()) {
      throw new IllegalArgumentException("no fragments to join");
    }
    List<Change> changes = new ArrayList<>();
    Transaction first = fragments.get(0);
    for (int i = 0; i < fragments.size(); i++) {
      Transaction f = fragments.get(i);
      if (f.seqno() != first.seqno()
          || f.fragno() != i
          || f.lastFrag() != (i == fragments.size() - 1)) {
        throw new IllegalArgumentException(
            "fragment "
                + i
                + " of seqno "
                + first.seqno()
                + " is out of place: seqno "
                + f.seqno()
                + " fragno "
                + f.fragno()
                + (f.lastFrag() ? " (last)" : ""));
      }
      changes.addAll(f.changes());
    }
    return new Transaction(first.header().withFragment(0, true), changes);
  }

  private static List<Change> splitRows(RowChanges rc, long maxBytes) {
    List<Change> parts = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    long perRowOverhead = rc.withRows(List.of()).estimatedBytes();
    long bytes = perRowOverhead;
    for (Row row : rc.rows()) {
      long rowBytes = rc.withRows(List.of(row)).estimatedBytes() - perRowOverhead;
      if (!rows.isEmpty() && bytes + rowBytes > maxBytes) {
        parts.add(rc.withRows(rows));
        rows = new ArrayList<>();
        bytes = perRowOverhead;
      }
      rows.add(row);
      bytes += rowBytes;
    }
    if (!rows.isEmpty()) {
      parts.add(rc.withRows(rows));
    }
    return parts;
  }
}
