package io.ferry.filters;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowImage;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.value.Values;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes from the after image of an update every column whose value the update did not change (its
 * after value {@link Values#equal equals} its before value), but key columns when told to keep
 * them. Only updates logged with FULL or NOBLOB row images are looked at, and only columns their
 * before image carries: without the old value there is nothing to compare. The after mask belongs
 * to a whole row change, so one is split into runs of consecutive rows that share a mask, in their
 * order. A row that changed nothing keeps only its kept key columns (none when keys are not kept or
 * not known): a MariaDB/MySQL target then has nothing to set and skips it. Works on every fragment
 * alike. Not thread-safe: one stage task.
 */
public final class OptimizeUpdatesFilter implements Filter {
  private final String name;
  private final boolean keepKeys;

  public OptimizeUpdatesFilter(String name, boolean keepKeys) {
    this.name = name;
    this.keepKeys = keepKeys;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Transaction filter(Transaction tx) {
    return RowEdits.edit(tx, this::edit);
  }

  private List<Change> edit(Change c) {
    if (c instanceof RowChanges rc
        && rc.action() == Action.UPDATE
        && (rc.image() == RowImage.FULL || rc.image() == RowImage.NOBLOB)) {
      return optimize(rc);
    }
    return null;
  }

  private List<Change> optimize(RowChanges rc) {
    List<ColumnMask> masks = new ArrayList<>(rc.rows().size());
    boolean changed = false;
    for (Row row : rc.rows()) {
      ColumnMask m = changedColumns(rc, row);
      changed |= !m.equals(rc.afterColumns());
      masks.add(m);
    }
    if (!changed) {
      return null;
    }
    List<Change> out = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= masks.size(); i++) {
      if (i == masks.size() || !masks.get(i).equals(masks.get(start))) {
        out.add(run(rc, masks.get(start), rc.rows().subList(start, i)));
        start = i;
      }
    }
    return out;
  }

  /** The after mask of one row: the update's, less the columns it did not change. */
  private ColumnMask changedColumns(RowChanges rc, Row row) {
    ColumnMask before = rc.beforeColumns();
    ColumnMask after = rc.afterColumns();
    List<ColumnSpec> columns = rc.columns();
    long[] words = after.words();
    for (int i = 0; i < columns.size(); i++) {
      if (after.contains(i)
          && before.contains(i)
          && !(keepKeys && columns.get(i).key())
          && Values.equal(row.before(i), row.after(i))) {
        words[i >>> 6] &= ~(1L << i);
      }
    }
    return ColumnMask.fromWords(columns.size(), words);
  }

  private static RowChanges run(RowChanges rc, ColumnMask after, List<Row> rows) {
    List<Row> out = new ArrayList<>(rows.size());
    for (Row row : rows) {
      out.add(
          after.equals(rc.afterColumns())
              ? row
              : Row.owning(RowEdits.before(row), RowEdits.masked(row.afterImage(), after)));
    }
    return new RowChanges(
        rc.schema(),
        rc.table(),
        rc.action(),
        rc.columns(),
        rc.image(),
        rc.beforeColumns(),
        after,
        out);
  }
}
