package io.ferry.postgresql;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.value.Values;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies row changes to PostgreSQL as batched prepared statements, one statement per shape (table,
 * action, the columns the images carry). An update or delete locates its row by the table's primary
 * key, else a unique key of NOT NULL columns, else the whole before image (NULL safe with IS NOT
 * DISTINCT FROM, one row by its ctid; such tables are listed in {@link #keylessTables()}).
 *
 * <p>Rows wait in their shape's JDBC batch, so that many go to the server in one round trip
 * (inserts rewritten into multi-row VALUES by pgjdbc). Batches of different shapes are sent one
 * after the other, which changes the order of rows only where order cannot matter: changes to
 * different tables, and changes to different primary-key values of a table that has no other unique
 * key. Every other pair (the same key, a table located by a unique key or its whole image, or with
 * more than one unique key) keeps its order: the batches waiting are sent before the second row
 * joins its own. Every update and delete must find exactly its row, and every insert must not find
 * one: anything else means the target has drifted from the source, and is an error that names the
 * table, the row and its transaction. When a batch of many rows fails, {@link #precise} mode (one
 * row per round trip) finds the row once the block is applied again. Not thread-safe: one applier.
 */
final class PgRowWriter {
  private static final int MAX_ROWS = 2000;
  private static final long MAX_BYTES = 8L << 20;

  /** A row that failed, or a batch that failed without saying which row. */
  static final class RowFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final transient Transaction owner;
    final String table;
    final String row;
    final boolean ambiguous;

    RowFailure(
        String message,
        SQLException cause,
        Transaction owner,
        String table,
        String row,
        boolean ambiguous) {
      super(message, cause);
      this.owner = owner;
      this.table = table;
      this.row = row;
      this.ambiguous = ambiguous;
    }

    SQLException sqlError() {
      return getCause() instanceof SQLException s ? s : null;
    }
  }

  /** What a statement looks like; the same shape reuses its prepared statement. */
  private record ShapeKey(
      String schema,
      String table,
      Action action,
      ColumnMask before,
      ColumnMask after,
      List<ColumnSpec> columns) {}

  /** One prepared statement and the rows waiting in its batch. */
  private static final class Shape {
    final PgTable table;
    final Action action;
    final String sql;
    final List<ColumnSpec> columns;
    final int[] valueColumns; // after-image columns written (insert values, update SET)
    final int[] whereColumns; // before-image columns that locate the row
    final int[] keyColumns; // the locating key's columns among the change's, or null
    final List<Pending> rows = new ArrayList<>();
    PreparedStatement ps;

    Shape(
        PgTable table,
        Action action,
        String sql,
        List<ColumnSpec> columns,
        int[] valueColumns,
        int[] whereColumns,
        int[] keyColumns) {
      this.table = table;
      this.action = action;
      this.sql = sql;
      this.columns = columns;
      this.valueColumns = valueColumns;
      this.whereColumns = whereColumns;
      this.keyColumns = keyColumns;
    }
  }

  private record Pending(Row row, Transaction owner) {}

  /** What the batches waiting hold of one table, to tell which rows may be reordered. */
  private static final class TableState {
    final Set<Shape> shapes = new java.util.HashSet<>();
    final Map<List<Object>, Shape> keys = new HashMap<>();
    boolean ordered;
  }

  private final Connection connection;
  private final PgNames names;
  private final PgTypes.InvalidText invalid;
  private final Map<String, PgTable> tables = new HashMap<>();
  private final Map<ShapeKey, Shape> shapes = new HashMap<>();
  private final LinkedHashMap<Shape, Boolean> open = new LinkedHashMap<>();
  private final Map<String, TableState> waiting = new HashMap<>();
  private final Set<String> keyless = new TreeSet<>();
  private int pendingRows;
  private long pendingBytes;
  private boolean precise;
  private long rowsApplied;

  PgRowWriter(Connection connection, PgNames names, PgTypes.InvalidText invalid) {
    this.connection = connection;
    this.names = names;
    this.invalid = invalid;
  }

  long rowsApplied() {
    return rowsApplied;
  }

  Set<String> keylessTables() {
    return Set.copyOf(keyless);
  }

  /** One row per round trip, so that a failing row is known exactly. */
  void precise(boolean on) {
    precise = on;
  }

  /** Forgets table definitions and statements (after DDL). */
  void forgetTables() throws SQLException {
    flush();
    tables.clear();
    for (Shape s : shapes.values()) {
      if (s.ps != null) {
        s.ps.close();
      }
    }
    shapes.clear();
  }

  /** Drops rows not yet sent (after a rollback). */
  void discard() {
    for (Shape s : open.keySet()) {
      s.rows.clear();
      if (s.ps != null) {
        try {
          s.ps.clearBatch();
        } catch (SQLException e) {
          // a statement on a broken connection: nothing to clear
        }
      }
    }
    open.clear();
    waiting.clear();
    pendingRows = 0;
    pendingBytes = 0;
  }

  /** The PostgreSQL table a change goes to, or an error that says there is none. */
  PgTable table(String sourceSchema, String sourceTable, Transaction owner) throws SQLException {
    String schema = names.schema(sourceSchema);
    String key = schema + "\u0000" + sourceTable;
    PgTable t = tables.get(key);
    if (t == null) {
      t = PgTable.load(connection, schema, sourceTable);
      if (t == null) {
        throw new RowFailure(
            "PostgreSQL has no table "
                + schema
                + "."
                + sourceTable
                + ": create it (ferry ddl translate --to postgresql --apply), or let DDL through"
                + " with target.ddl = translate",
            null,
            owner,
            schema + "." + sourceTable,
            null,
            false);
      }
      tables.put(key, t);
    }
    return t;
  }

  /** Queues the rows of a change. */
  void add(RowChanges rc, Transaction owner) throws SQLException {
    if (rc.rows().isEmpty()) {
      return;
    }
    PgTable t = table(rc.schema(), rc.table(), owner);
    Shape shape = shape(rc, t, owner);
    if (shape == null) {
      return; // an update of columns PostgreSQL computes: nothing to write
    }
    TableState state = waiting.computeIfAbsent(t.display(), k -> new TableState());
    boolean reorderable = shape.keyColumns != null && !t.otherUniqueKeys();
    for (Row row : rc.rows()) {
      List<List<Object>> keys = reorderable ? keysOf(shape, row) : null;
      if (keys == null || state.ordered) {
        if (state.shapes.size() > 1
            || (state.shapes.size() == 1 && !state.shapes.contains(shape))) {
          flush();
        }
        state = waiting.computeIfAbsent(t.display(), k -> new TableState());
        state.ordered = true;
      } else {
        for (List<Object> k : keys) {
          Shape holder = state.keys.get(k);
          if (holder != null && holder != shape) {
            flush();
            state = waiting.computeIfAbsent(t.display(), x -> new TableState());
            break;
          }
        }
        for (List<Object> k : keys) {
          state.keys.put(k, shape);
        }
      }
      bind(shape, row, owner);
      state.shapes.add(shape);
      open.put(shape, Boolean.TRUE);
      pendingRows++;
      if (precise || pendingRows >= MAX_ROWS || pendingBytes >= MAX_BYTES) {
        flush();
        state = waiting.computeIfAbsent(t.display(), k -> new TableState());
      }
    }
  }

  /** The locating key values of a row: its before and after keys; null if it lacks any. */
  private static List<List<Object>> keysOf(Shape s, Row row) {
    List<List<Object>> keys = new ArrayList<>(2);
    if (row.hasBefore()) {
      keys.add(keyOf(s.keyColumns, row, true));
    }
    if (row.hasAfter()) {
      List<Object> k = keyOf(s.keyColumns, row, false);
      if (!keys.contains(k)) {
        keys.add(k);
      }
    }
    return keys;
  }

  private static List<Object> keyOf(int[] columns, Row row, boolean before) {
    List<Object> k = new ArrayList<>(columns.length);
    for (int i : columns) {
      Object v = before ? row.before(i) : row.after(i);
      if (v instanceof byte[] b) {
        v = ByteBuffer.wrap(b);
      } else if (v instanceof BigDecimal d) {
        v = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
      } else if (v != null && !(v instanceof Long) && !(v instanceof String)) {
        v = Values.display(v); // same value, same text
      }
      k.add(v);
    }
    return k;
  }

  private void bind(Shape s, Row row, Transaction owner) throws SQLException {
    if (s.ps == null) {
      s.ps = connection.prepareStatement(s.sql);
    }
    int p = 1;
    try {
      for (int i : s.valueColumns) {
        p = set(s, p, i, row.after(i));
      }
      for (int i : s.whereColumns) {
        p = set(s, p, i, row.before(i));
      }
    } catch (PgTypes.BadValueException e) {
      s.ps.clearParameters();
      ColumnSpec c =
          s.columns.get(
              p - 1 < s.valueColumns.length
                  ? s.valueColumns[p - 1]
                  : s.whereColumns[p - 1 - s.valueColumns.length]);
      throw new RowFailure(
          "column " + c.name() + ": " + e.getMessage(),
          null,
          owner,
          s.table.display(),
          describe(s, row),
          false);
    }
    s.ps.addBatch();
    s.rows.add(new Pending(row, owner));
  }

  private int set(Shape s, int p, int column, Object value) throws SQLException {
    ColumnSpec c = s.columns.get(column);
    Object v = PgTypes.convert(value, c, invalid);
    PgTypes.set(s.ps, p, PgTypes.bind(c), v);
    if (v instanceof byte[] b) {
      pendingBytes += b.length;
    } else if (v instanceof String str) {
      pendingBytes += str.length();
    } else {
      pendingBytes += 8;
    }
    return p + 1;
  }

  /** Sends every batch waiting and checks that each row found (or did not find) its row. */
  void flush() throws SQLException {
    if (open.isEmpty()) {
      return;
    }
    List<Shape> batches = new ArrayList<>(open.keySet());
    open.clear();
    waiting.clear();
    pendingRows = 0;
    pendingBytes = 0;
    for (int b = 0; b < batches.size(); b++) {
      Shape s = batches.get(b);
      List<Pending> rows = new ArrayList<>(s.rows);
      s.rows.clear();
      int[] counts;
      try {
        counts = s.ps.executeBatch();
      } catch (SQLException e) {
        for (int rest = b + 1; rest < batches.size(); rest++) {
          batches.get(rest).rows.clear();
          batches.get(rest).ps.clearBatch();
        }
        SQLException cause =
            e instanceof BatchUpdateException && e.getNextException() != null
                ? e.getNextException()
                : e;
        if (rows.size() == 1) {
          throw new RowFailure(
              cause.getMessage(),
              cause,
              rows.get(0).owner(),
              s.table.display(),
              describe(s, rows.get(0).row()),
              false);
        }
        throw new RowFailure(
            "one of " + rows.size() + " rows sent together failed: " + cause.getMessage(),
            cause,
            rows.get(0).owner(),
            s.table.display(),
            null,
            true);
      }
      check(s, rows, counts);
    }
  }

  private void check(Shape s, List<Pending> rows, int[] counts) {
    for (int i = 0; i < rows.size(); i++) {
      rowsApplied++;
      int count = i < counts.length ? counts[i] : Statement.SUCCESS_NO_INFO;
      if (s.action != Action.INSERT && count == 0) {
        Pending p = rows.get(i);
        throw new RowFailure(
            (s.action == Action.UPDATE ? "the row to update" : "the row to delete")
                + " is not in PostgreSQL: the target has drifted from the source",
            null,
            p.owner(),
            s.table.display(),
            describe(s, p.row()),
            false);
      }
    }
  }

  /** The row for people: the values that locate it, or the values inserted. */
  private static String describe(Shape s, Row row) {
    StringBuilder b = new StringBuilder();
    int[] cols = s.action == Action.INSERT ? s.valueColumns : s.whereColumns;
    if (s.action == Action.INSERT && s.keyColumns != null) {
      cols = s.keyColumns;
    }
    for (int i : cols) {
      Object v = s.action == Action.INSERT ? row.after(i) : row.before(i);
      if (b.length() > 0) {
        b.append(", ");
      }
      String shown = Values.display(v);
      b.append(s.columns.get(i).displayName(i))
          .append('=')
          .append(shown.length() > 80 ? shown.substring(0, 77) + "..." : shown);
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- statements

  private Shape shape(RowChanges rc, PgTable t, Transaction owner) {
    ShapeKey key =
        new ShapeKey(
            t.schema(), t.name(), rc.action(), rc.beforeColumns(), rc.afterColumns(), rc.columns());
    Shape s = shapes.get(key);
    if (s == null && !shapes.containsKey(key)) {
      s = build(rc, t, owner);
      shapes.put(key, s);
    }
    return s;
  }

  private Shape build(RowChanges rc, PgTable t, Transaction owner) {
    List<ColumnSpec> cols = rc.columns();
    String[] pgNames = new String[cols.size()];
    for (int i = 0; i < cols.size(); i++) {
      String n = cols.get(i).name();
      if (n == null) {
        throw new RowFailure(
            "the change does not name its columns (the binlog's table map carries no names):"
                + " set binlog_row_metadata = FULL on the source, or keep the schema history",
            null,
            owner,
            t.display(),
            null,
            false);
      }
      pgNames[i] = t.column(n);
      if (pgNames[i] == null
          && ((rc.afterColumns() != null && rc.afterColumns().contains(i))
              || (rc.beforeColumns() != null && rc.beforeColumns().contains(i)))) {
        throw new RowFailure(
            "PostgreSQL's table has no column "
                + n
                + " (it has "
                + String.join(", ", t.columns().keySet())
                + "): add it, or translate the source's DDL with target.ddl = translate",
            null,
            owner,
            t.display(),
            null,
            false);
      }
    }
    List<Integer> values = new ArrayList<>();
    if (rc.afterColumns() != null) {
      for (int i = 0; i < cols.size(); i++) {
        if (rc.afterColumns().contains(i) && !t.generated().contains(pgNames[i])) {
          values.add(i);
        }
      }
    }
    int[] keyColumns = locate(t.locatingKey(), pgNames, rc);
    List<Integer> where = new ArrayList<>();
    boolean whole = false;
    if (rc.action() != Action.INSERT) {
      if (keyColumns != null) {
        for (int k : keyColumns) {
          where.add(k);
        }
      } else {
        whole = true;
        keyless.add(t.display());
        for (int i = 0; i < cols.size(); i++) {
          if (rc.beforeColumns().contains(i) && !t.generated().contains(pgNames[i])) {
            where.add(i);
          }
        }
      }
    }
    if (rc.action() == Action.UPDATE && values.isEmpty()) {
      return null;
    }
    String sql = sql(rc.action(), t, cols, pgNames, values, where, whole);
    return new Shape(
        t,
        rc.action(),
        sql,
        cols,
        values.stream().mapToInt(Integer::intValue).toArray(),
        where.stream().mapToInt(Integer::intValue).toArray(),
        keyColumns);
  }

  /**
   * The locating key as indexes into the change's columns, when every image the change carries
   * holds all of it; else null.
   */
  private static int[] locate(List<String> key, String[] pgNames, RowChanges rc) {
    if (key.isEmpty()) {
      return null;
    }
    int[] idx = new int[key.size()];
    for (int k = 0; k < key.size(); k++) {
      idx[k] = -1;
      for (int i = 0; i < pgNames.length; i++) {
        if (key.get(k).equals(pgNames[i])) {
          idx[k] = i;
        }
      }
      if (idx[k] < 0
          || (rc.beforeColumns() != null && !rc.beforeColumns().contains(idx[k]))
          || (rc.action() == Action.INSERT && !rc.afterColumns().contains(idx[k]))) {
        return null;
      }
    }
    return idx;
  }

  private static String sql(
      Action action,
      PgTable t,
      List<ColumnSpec> cols,
      String[] pgNames,
      List<Integer> values,
      List<Integer> where,
      boolean whole) {
    StringBuilder b = new StringBuilder();
    switch (action) {
      case INSERT -> {
        b.append("INSERT INTO ").append(t.qualified()).append(" (");
        for (int n = 0; n < values.size(); n++) {
          b.append(n == 0 ? "" : ", ").append(PgSql.quote(pgNames[values.get(n)]));
        }
        b.append(") VALUES (");
        for (int n = 0; n < values.size(); n++) {
          b.append(n == 0 ? "" : ", ")
              .append(placeholder(t, cols.get(values.get(n)), pgNames[values.get(n)]));
        }
        return b.append(')').toString();
      }
      case UPDATE -> {
        b.append("UPDATE ").append(t.qualified()).append(" SET ");
        for (int n = 0; n < values.size(); n++) {
          int i = values.get(n);
          b.append(n == 0 ? "" : ", ")
              .append(PgSql.quote(pgNames[i]))
              .append(" = ")
              .append(placeholder(t, cols.get(i), pgNames[i]));
        }
      }
      case DELETE -> b.append("DELETE FROM ").append(t.qualified());
    }
    b.append(" WHERE ");
    if (whole) {
      b.append("ctid = (SELECT ctid FROM ").append(t.qualified()).append(" WHERE ");
    }
    for (int n = 0; n < where.size(); n++) {
      int i = where.get(n);
      b.append(n == 0 ? "" : " AND ")
          .append(PgSql.quote(pgNames[i]))
          .append(whole ? " IS NOT DISTINCT FROM " : " = ")
          .append(placeholder(t, cols.get(i), pgNames[i]));
    }
    if (where.isEmpty()) {
      b.append("TRUE");
    }
    if (whole) {
      b.append(" LIMIT 1)");
    }
    return b.toString();
  }

  /** A parameter's SQL: values bound as text are cast to the PostgreSQL column's type. */
  private static String placeholder(PgTable t, ColumnSpec c, String pgName) {
    return PgTypes.bind(c) == PgTypes.Bind.STRING ? t.textParameter(pgName) : "?";
  }

  void close() {
    discard();
    for (Shape s : shapes.values()) {
      if (s.ps != null) {
        try {
          s.ps.close();
        } catch (SQLException e) {
          // a statement on a broken connection: nothing to release
        }
      }
    }
    shapes.clear();
    tables.clear();
  }

  @Override
  public String toString() {
    return "PgRowWriter[" + Objects.toString(names) + ", " + pendingRows + " rows waiting]";
  }
}
