package io.ferry.filters;

import io.ferry.core.event.Change;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Edits a transaction fragment change by change, the same way for every filter that drops or
 * changes row changes and statements:
 *
 * <ul>
 *   <li>each row change and statement is passed to the edit, which returns it (kept as is), a
 *       changed copy, or null (dropped);
 *   <li>a row-query annotation is dropped with the rows it annotates: when at least one row change
 *       follows it before the next annotation or statement, and every one of them was dropped (an
 *       annotation whose rows are all in a later fragment is kept);
 *   <li>nothing changed: the very transaction given is returned; a fragment left without any row
 *       change and any statement is dropped (null); otherwise a copy with the changes left.
 * </ul>
 *
 * Stateless.
 */
final class ChangeEdit {
  private ChangeEdit() {}

  @SuppressWarnings("ReferenceEquality") // an edit that keeps a change returns the same object
  static Transaction apply(Transaction tx, UnaryOperator<Change> edit) {
    List<Change> in = tx.changes();
    Change[] out = new Change[in.size()];
    boolean changed = false;
    for (int i = 0; i < in.size(); i++) {
      Change c = in.get(i);
      out[i] = c instanceof RowsQuery ? c : edit.apply(c);
      changed |= out[i] != c;
    }
    if (!changed) {
      return tx;
    }
    List<Change> kept = new ArrayList<>(in.size());
    boolean substantive = false;
    for (int i = 0; i < in.size(); i++) {
      if (in.get(i) instanceof RowsQuery && annotatesOnlyDropped(in, out, i)) {
        continue;
      }
      if (out[i] != null) {
        kept.add(out[i]);
        substantive |= out[i] instanceof RowChanges || out[i] instanceof SqlStatement;
      }
    }
    return substantive ? tx.withChanges(kept) : null;
  }

  private static boolean annotatesOnlyDropped(List<Change> in, Change[] out, int at) {
    boolean rows = false;
    for (int j = at + 1; j < in.size(); j++) {
      Change c = in.get(j);
      if (!(c instanceof RowChanges)) {
        break; // the next annotation or a statement
      }
      if (out[j] != null) {
        return false;
      }
      rows = true;
    }
    return rows;
  }
}
