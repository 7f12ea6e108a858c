package io.ferry.filters;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the columns its patterns name from row changes: from the column list, from both images of
 * every row and from the masks, which are rebuilt at the new width. A change left with no column is
 * removed, and so is an update whose after image carried only dropped columns (it changes nothing
 * the target keeps). When a key column is dropped, the key flags of the other columns of that
 * change are cleared too: a part of a key does not identify a row, so whoever locates rows by the
 * flags must use the whole remaining image instead. Works on every fragment alike (it keeps no
 * state between changes). Not thread-safe: one stage task.
 */
public final class DropColumnsFilter implements Filter {
  private static final Logger LOG = LoggerFactory.getLogger(DropColumnsFilter.class);

  private final String name;
  private final List<NamePattern> patterns;
  private final RowEdits.ColumnLists lists = new RowEdits.ColumnLists();
  private final TableWarnings warnings = new TableWarnings(LOG);
  private final TableCache<Kept> keptByTable = new TableCache<>();

  /** The columns that stay, for one column list (compared by identity: decoders share lists). */
  private static final class Kept {
    final List<ColumnSpec> columns;
    final int[] positions;

    Kept(List<ColumnSpec> columns, int[] positions) {
      this.columns = columns;
      this.positions = positions;
    }
  }

  public DropColumnsFilter(String name, List<NamePattern> patterns) {
    this.name = name;
    this.patterns = List.copyOf(patterns);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Transaction filter(Transaction tx) {
    return RowEdits.edit(tx, c -> c instanceof RowChanges rc ? drop(rc) : null);
  }

  TableWarnings warnings() {
    return warnings;
  }

  private List<Change> drop(RowChanges rc) {
    List<ColumnSpec> columns = rc.columns();
    int[] kept = kept(rc);
    if (kept.length == columns.size()) {
      return null;
    }
    if (kept.length == 0) {
      return List.of();
    }
    ColumnMask before = RowEdits.project(rc.beforeColumns(), kept);
    ColumnMask after = RowEdits.project(rc.afterColumns(), kept);
    if (rc.action() == Action.UPDATE && after.cardinality() == 0) {
      return List.of();
    }
    boolean keyDropped = keyDropped(columns, kept);
    List<ColumnSpec> out = new ArrayList<>(kept.length);
    for (int i : kept) {
      out.add(keyDropped ? RowEdits.notKey(columns.get(i)) : columns.get(i));
    }
    if (keyDropped) {
      warnings.warn(
          rc.schema(),
          rc.table(),
          "key",
          "filter "
              + name
              + " drops a key column of "
              + rc.schema()
              + "."
              + rc.table()
              + ": its updates and deletes are now located by the columns that remain");
    }
    if (before != null && before.cardinality() == 0) {
      warnings.warn(
          rc.schema(),
          rc.table(),
          "before",
          "filter "
              + name
              + " drops every column of the before images of "
              + rc.schema()
              + "."
              + rc.table()
              + " (row image "
              + rc.image()
              + "): a target cannot locate its updated and deleted rows; log full row images"
              + " (binlog_row_image=FULL) or drop fewer columns");
    }
    List<Row> rows = new ArrayList<>(rc.rows().size());
    for (Row row : rc.rows()) {
      rows.add(
          Row.owning(
              RowEdits.project(row.beforeImage(), row.hasBefore(), kept),
              RowEdits.project(row.afterImage(), row.hasAfter(), kept)));
    }
    return List.of(
        new RowChanges(
            rc.schema(),
            rc.table(),
            rc.action(),
            lists.canonical(columns, out),
            rc.image(),
            before,
            after,
            rows));
  }

  /** The positions of the columns no pattern names. */
  @SuppressWarnings("ReferenceEquality") // a cache hit is the very list the positions were made for
  private int[] kept(RowChanges rc) {
    Kept k =
        keptByTable.get(rc.schema(), rc.table(), (s, t) -> new Kept(rc.columns(), compute(rc)));
    if (k.columns != rc.columns()) {
      k = new Kept(rc.columns(), compute(rc));
      keptByTable.put(rc.schema(), rc.table(), k);
    }
    return k.positions;
  }

  private int[] compute(RowChanges rc) {
    List<ColumnSpec> columns = rc.columns();
    int[] kept = new int[columns.size()];
    int n = 0;
    for (int i = 0; i < columns.size(); i++) {
      if (!matches(rc.schema(), rc.table(), columns.get(i).name())) {
        kept[n++] = i;
      }
    }
    return java.util.Arrays.copyOf(kept, n);
  }

  private boolean matches(String schema, String table, String column) {
    for (NamePattern p : patterns) {
      if (p.matchesColumn(schema, table, column)) {
        return true;
      }
    }
    return false;
  }

  private static boolean keyDropped(List<ColumnSpec> columns, int[] kept) {
    int k = 0;
    for (int i = 0; i < columns.size(); i++) {
      if (k < kept.length && kept[k] == i) {
        k++;
      } else if (columns.get(i).key()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "drop-columns " + name + " " + PatternTypes.format(patterns);
  }
}
