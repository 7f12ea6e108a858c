package io.ferry.filters;

import io.ferry.core.event.Change;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Edits a transaction fragment change by change, the same way for every filter that drops or
 * changes row changes and statements:
 *
 * <ul>
 *   <li>each row change and statement is passed to the edit, which returns it (kept as is), a
 *       changed copy, or null (dropped); an edit of {@link #applyEach} returns a list instead (the
 *       change itself alone, the changes that replace it in its place, or none);
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

  static Transaction apply(Transaction tx, UnaryOperator<Change> edit) {
    return applyEach(
        tx,
        c -> {
          Change e = edit.apply(c);
          return e == null ? List.of() : List.of(e);
        });
  }

  /** As {@link #apply}, for edits that may replace one change by several. */
  @SuppressWarnings("ReferenceEquality") // an edit that keeps a change returns the same object
  static Transaction applyEach(Transaction tx, Function<Change, List<Change>> edit) {
    List<Change> in = tx.changes();
    List<List<Change>> out = new ArrayList<>(in.size());
    boolean changed = false;
    for (Change c : in) {
      List<Change> e = c instanceof RowsQuery ? List.of(c) : edit.apply(c);
      out.add(e);
      changed |= e.size() != 1 || e.get(0) != c;
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
      for (Change c : out.get(i)) {
        kept.add(c);
        substantive |= c instanceof RowChanges || c instanceof SqlStatement;
      }
    }
    return substantive ? tx.withChanges(kept) : null;
  }

  private static boolean annotatesOnlyDropped(List<Change> in, List<List<Change>> out, int at) {
    boolean rows = false;
    for (int j = at + 1; j < in.size(); j++) {
      Change c = in.get(j);
      if (!(c instanceof RowChanges)) {
        break; // the next annotation or a statement
      }
      if (!out.get(j).isEmpty()) {
        return false;
      }
      rows = true;
    }
    return rows;
  }
}
