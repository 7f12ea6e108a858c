package io.ferry.core.event;

import java.util.List;
import java.util.Objects;

/**
 * Rows of one table changed by one action: the unit a binlog rows event carries. Immutable.
 *
 * @param schema the schema (database)
 * @param table the table
 * @param action insert, update or delete
 * @param columns the table's columns, in table order
 * @param image which row image the source logged
 * @param beforeColumns the columns the before images carry (null for inserts)
 * @param afterColumns the columns the after images carry (null for deletes)
 * @param rows the rows, in the order the source changed them
 */
public record RowChanges(
    String schema,
    String table,
    Action action,
    List<ColumnSpec> columns,
    RowImage image,
    ColumnMask beforeColumns,
    ColumnMask afterColumns,
    List<Row> rows)
    implements Change {

  public RowChanges {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(action, "action");
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
    boolean needsBefore = action != Action.INSERT;
    boolean needsAfter = action != Action.DELETE;
    if (needsBefore != (beforeColumns != null) || needsAfter != (afterColumns != null)) {
      throw new IllegalArgumentException(
          action + " on " + schema + "." + table + ": before/after column masks do not fit");
    }
    for (ColumnMask mask : new ColumnMask[] {beforeColumns, afterColumns}) {
      if (mask != null && mask.width() != columns.size()) {
        throw new IllegalArgumentException(
            schema
                + "."
                + table
                + ": a column mask of width "
                + mask.width()
                + " for "
                + columns.size()
                + " columns");
      }
    }
    for (Row row : rows) {
      if (row.hasBefore() != needsBefore || row.hasAfter() != needsAfter) {
        throw new IllegalArgumentException(
            action + " on " + schema + "." + table + ": a row lacks or has an extra image");
      }
      if (row.width() != columns.size()) {
        throw new IllegalArgumentException(
            schema
                + "."
                + table
                + ": a row of "
                + row.width()
                + " values for "
                + columns.size()
                + " columns");
      }
    }
  }

  /** Full-image changes: every column in every image. */
  public static RowChanges full(
      String schema, String table, Action action, List<ColumnSpec> columns, List<Row> rows) {
    ColumnMask all = ColumnMask.all(columns.size());
    return new RowChanges(
        schema,
        table,
        action,
        columns,
        RowImage.FULL,
        action == Action.INSERT ? null : all,
        action == Action.DELETE ? null : all,
        rows);
  }

  /** The same change with other rows (for fragmenting and filters). */
  public RowChanges withRows(List<Row> newRows) {
    return new RowChanges(
        schema, table, action, columns, image, beforeColumns, afterColumns, newRows);
  }

  @Override
  public long estimatedBytes() {
    long perValue = 16;
    return 96L
        + 48L * columns.size()
        + rows.size() * (32L + perValue * 2 * columns.size())
        + valueBytes();
  }

  private long valueBytes() {
    long total = 0;
    for (Row row : rows) {
      for (int i = 0; i < columns.size(); i++) {
        if (row.hasBefore()) {
          total += ValueSizes.of(row.before(i));
        }
        if (row.hasAfter()) {
          total += ValueSizes.of(row.after(i));
        }
      }
    }
    return total;
  }
}
