package io.ferry.mysql.apply;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.value.Values;
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
 * Applies row changes as prepared, batched statements. Consecutive rows of the same table, action
 * and image shape share one statement and are sent as one batch. Updates and deletes locate each
 * row by the target's primary key, else a unique NOT NULL key, else the whole before image (NULL
 * safe, one row at a time; such tables are listed in {@link #keylessTables()}). Each update and
 * delete must find its row: a missing row means the target has drifted from the source, and is an
 * error. In idempotent mode (re-applying a transaction a crash may have half-applied) an insert of
 * an existing row overwrites it and a missing row is passed over. Not thread-safe: one applier.
 */
final class RowApplier {
  private static final int MAX_BATCH = 500;
  private static final int MAX_STATEMENTS = 256;

  /** Everything that decides a statement's text. */
  private record Shape(
      String schema,
      String table,
      Action action,
      List<Integer> setColumns,
      List<Integer> whereColumns,
      boolean wholeImage,
      boolean idempotent) {}

  private final Connection connection;
  private final Map<String, TargetTable> tables = new HashMap<>();
  private final Map<Shape, PreparedStatement> statements =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Shape, PreparedStatement> eldest) {
          if (size() > MAX_STATEMENTS) {
            closeQuietly(eldest.getValue());
            return true;
          }
          return false;
        }
      };
  private final Set<String> keyless = new TreeSet<>();
  private Shape pendingShape;
  private String pendingSql;
  private final List<Row> pendingRows = new ArrayList<>();
  private final List<Object> pendingOwners = new ArrayList<>();
  private final List<String> pendingNames = new ArrayList<>();
  private long rowsApplied;

  RowApplier(Connection connection) {
    this.connection = connection;
  }

  /** Tables whose rows are located by their whole before image (no usable key). */
  Set<String> keylessTables() {
    return Set.copyOf(keyless);
  }

  long rowsApplied() {
    return rowsApplied;
  }

  /** Forgets table definitions (after DDL) and the statements built on them. */
  void forgetTables() {
    tables.clear();
    statements.values().forEach(RowApplier::closeQuietly);
    statements.clear();
  }

  /** Drops rows not yet sent (after a rollback). */
  void discard() {
    pendingRows.clear();
    pendingOwners.clear();
    pendingShape = null;
  }

  void close() {
    discard();
    forgetTables();
  }

  /**
   * Queues the rows of a change, sending earlier rows first when the statement differs. {@code
   * owner} (the transaction) is handed back in the error if one of these rows fails.
   */
  void add(RowChanges rc, boolean idempotent, Object owner) throws SQLException {
    if (rc.rows().isEmpty()) {
      return;
    }
    TargetTable t = table(rc.schema(), rc.table());
    List<String> names = names(rc);
    Shape shape = shape(rc, t, names, idempotent);
    if (!shape.equals(pendingShape)) {
      flush();
    }
    PreparedStatement ps = statements.get(shape);
    if (ps == null) {
      ps = connection.prepareStatement(sql(shape, names));
      statements.put(shape, ps);
    }
    if (pendingShape == null) {
      pendingShape = shape;
      pendingSql = sql(shape, names);
      pendingNames.clear();
      pendingNames.addAll(names);
    }
    for (Row row : rc.rows()) {
      bindRow(ps, shape, row);
      ps.addBatch();
      pendingRows.add(row);
      pendingOwners.add(owner);
      if (pendingRows.size() >= MAX_BATCH) {
        flush();
        pendingShape = shape;
        pendingSql = sql(shape, names);
        pendingNames.clear();
        pendingNames.addAll(names);
      }
    }
  }

  /** Sends queued rows and checks that every update and delete found its row. */
  void flush() throws SQLException {
    if (pendingShape == null) {
      return;
    }
    Shape shape = pendingShape;
    PreparedStatement ps = statements.get(shape);
    List<Row> rows = new ArrayList<>(pendingRows);
    List<Object> owners = new ArrayList<>(pendingOwners);
    pendingRows.clear();
    pendingOwners.clear();
    pendingShape = null;
    if (rows.isEmpty()) {
      return;
    }
    int[] counts;
    try {
      counts = ps.executeBatch();
    } catch (BatchUpdateException e) {
      int failed = e.getUpdateCounts() == null ? 0 : e.getUpdateCounts().length;
      Row row = failed < rows.size() && rows.size() > 1 ? rows.get(failed) : rows.get(0);
      throw new RowApplyException(
          e, shape.schema(), shape.table(), pendingSql, describe(shape, row));
    } catch (SQLException e) {
      throw new RowApplyException(
          e, shape.schema(), shape.table(), pendingSql, describe(shape, rows.get(0)));
    }
    rowsApplied += rows.size();
    if (shape.action() == Action.INSERT || shape.idempotent()) {
      return;
    }
    for (int i = 0; i < counts.length && i < rows.size(); i++) {
      if (counts[i] == 0) {
        throw new RowApplyException(
                null,
                shape.schema(),
                shape.table(),
                pendingSql,
                describe(shape, rows.get(i)),
                (shape.action() == Action.UPDATE ? "the row to update" : "the row to delete")
                    + " is not on the target")
            .owner(owners.get(i));
      }
    }
  }

  private TargetTable table(String schema, String name) throws SQLException {
    String key = schema + "." + name;
    TargetTable t = tables.get(key);
    if (t == null) {
      t = TargetTable.load(connection, schema, name);
      if (t == null) {
        throw new RowApplyException(
            null,
            schema,
            name,
            null,
            null,
            "the target has no table `" + schema + "`.`" + name + "`");
      }
      tables.put(key, t);
    }
    return t;
  }

  private static List<String> names(RowChanges rc) {
    List<String> names = new ArrayList<>(rc.columns().size());
    for (int i = 0; i < rc.columns().size(); i++) {
      ColumnSpec c = rc.columns().get(i);
      if (c.name() == null) {
        throw new RowApplyException(
            null,
            rc.schema(),
            rc.table(),
            null,
            null,
            "the row change does not name column "
                + (i + 1)
                + ": extract with binlog_row_metadata=FULL on the source, or with a schema history");
      }
      names.add(c.name());
    }
    return names;
  }

  private Shape shape(RowChanges rc, TargetTable t, List<String> names, boolean idempotent) {
    List<Integer> set = List.of();
    if (rc.action() != Action.DELETE) {
      set = present(rc.afterColumns(), names, t, rc);
    }
    List<Integer> where = List.of();
    boolean whole = false;
    if (rc.action() != Action.INSERT) {
      ColumnMask before = rc.beforeColumns();
      List<String> key = t.locatingKey();
      List<Integer> keyIdx = new ArrayList<>();
      for (String k : key) {
        int i = indexOf(names, k);
        if (i < 0 || !before.contains(i)) {
          keyIdx = null;
          break;
        }
        keyIdx.add(i);
      }
      if (keyIdx != null && !key.isEmpty()) {
        where = keyIdx;
      } else if (key.isEmpty() || before.isAll()) {
        where = present(before, names, t, rc);
        whole = true;
        keyless.add(rc.schema() + "." + rc.table());
      } else {
        throw new RowApplyException(
            null,
            rc.schema(),
            rc.table(),
            null,
            null,
            "cannot locate rows: the before image ("
                + rc.image()
                + ") lacks the target's key columns "
                + key);
      }
    }
    return new Shape(rc.schema(), rc.table(), rc.action(), set, where, whole, idempotent);
  }

  /** The columns a mask covers, each checked to exist on the target. */
  private static List<Integer> present(
      ColumnMask mask, List<String> names, TargetTable t, RowChanges rc) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (mask.contains(i)) {
        if (!t.hasColumn(names.get(i))) {
          throw new RowApplyException(
              null,
              rc.schema(),
              rc.table(),
              null,
              null,
              "the target table has no column `" + names.get(i) + "`, which the source has");
        }
        idx.add(i);
      }
    }
    return idx;
  }

  private static int indexOf(List<String> names, String column) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(column)) {
        return i;
      }
    }
    return -1;
  }

  private static String sql(Shape s, List<String> names) {
    String table = quote(s.schema()) + "." + quote(s.table());
    StringBuilder sb = new StringBuilder();
    switch (s.action()) {
      case INSERT -> {
        sb.append("INSERT INTO ").append(table).append(" (");
        join(sb, s.setColumns(), names, "", ", ");
        sb.append(") VALUES (").append("?, ".repeat(s.setColumns().size() - 1)).append("?)");
        if (s.idempotent()) {
          sb.append(" ON DUPLICATE KEY UPDATE ");
          for (int k = 0; k < s.setColumns().size(); k++) {
            String col = quote(names.get(s.setColumns().get(k)));
            sb.append(k == 0 ? "" : ", ").append(col).append(" = VALUES(").append(col).append(')');
          }
        }
      }
      case UPDATE -> {
        sb.append("UPDATE ").append(table).append(" SET ");
        join(sb, s.setColumns(), names, " = ?", ", ");
        where(sb, s, names);
      }
      case DELETE -> {
        sb.append("DELETE FROM ").append(table);
        where(sb, s, names);
      }
    }
    return sb.toString();
  }

  private static void where(StringBuilder sb, Shape s, List<String> names) {
    sb.append(" WHERE ");
    join(sb, s.whereColumns(), names, s.wholeImage() ? " <=> ?" : " = ?", " AND ");
    if (s.wholeImage()) {
      sb.append(" LIMIT 1");
    }
  }

  private static void join(
      StringBuilder sb, List<Integer> cols, List<String> names, String suffix, String sep) {
    for (int k = 0; k < cols.size(); k++) {
      sb.append(k == 0 ? "" : sep).append(quote(names.get(cols.get(k)))).append(suffix);
    }
  }

  static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  private static void bindRow(PreparedStatement ps, Shape s, Row row) throws SQLException {
    int p = 1;
    for (int i : s.setColumns()) {
      ValueBinder.bind(ps, p++, row.after(i));
    }
    for (int i : s.whereColumns()) {
      ValueBinder.bind(ps, p++, row.before(i));
    }
  }

  /** The row for an error message: the located key (or the inserted values), shortened. */
  private String describe(Shape s, Row row) {
    List<Integer> cols = s.action() == Action.INSERT ? s.setColumns() : s.whereColumns();
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < cols.size() && k < 12; k++) {
      int i = cols.get(k);
      Object v = s.action() == Action.INSERT ? row.after(i) : row.before(i);
      String text = Values.display(v);
      if (text.length() > 64) {
        text = text.substring(0, 61) + "...";
      }
      sb.append(k == 0 ? "" : ", ").append(pendingNames.get(i)).append('=').append(text);
    }
    if (cols.size() > 12) {
      sb.append(", ...");
    }
    return sb.toString();
  }

  private static void closeQuietly(Statement st) {
    try {
      Objects.requireNonNull(st).close();
    } catch (SQLException e) {
      // a statement on a broken connection: nothing to release
    }
  }
}
