package io.ferry.mysql.apply;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.value.Values;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies row changes. Each row becomes one statement: an insert, or an update or delete that
 * locates the row by the target's primary key, else a unique NOT NULL key, else the whole before
 * image (NULL safe, one row; such tables are listed in {@link #keylessTables()}). Rows are queued
 * and sent many statements to a round trip, as text with exact literals ({@link ExactLiterals}); a
 * row with huge values goes alone as a prepared statement with binary parameters. Every update and
 * delete must find its row: a missing row means the target has drifted, and is an error. When a
 * round trip of many statements fails, the server does not say which one; {@link #precise} mode
 * (one statement per round trip) finds it when the block is applied again. In idempotent mode
 * (re-applying a transaction a crash may have half-applied) an insert overwrites an existing row
 * and a missing row is passed over. Not thread-safe: one applier.
 */
final class RowApplier {
  private static final int MAX_STATEMENTS = 500;
  private static final int MAX_CHARS = 512 * 1024;
  private static final long MAX_TEXT_ROW = 2L << 20;

  /** Everything that decides a statement's text, but the values. */
  private record Shape(
      String schema,
      String table,
      Action action,
      List<Integer> setColumns,
      List<Integer> whereColumns,
      boolean wholeImage,
      boolean idempotent,
      List<String> names) {}

  /** A row's statement, waiting to be sent. */
  private record Pending(String sql, Shape shape, Row row, Object owner) {}

  private final Connection connection;
  private final Map<String, TargetTable> tables = new HashMap<>();
  private final Set<String> keyless = new TreeSet<>();
  private final List<Pending> pending = new ArrayList<>();
  private int pendingChars;
  private Statement text;
  private long rowsApplied;
  private boolean precise;

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

  /** One statement per round trip, so that a failing row is known exactly. */
  void precise(boolean on) {
    this.precise = on;
  }

  /** Forgets table definitions (after DDL). */
  void forgetTables() {
    tables.clear();
  }

  /** Drops rows not yet sent (after a rollback). */
  void discard() {
    pending.clear();
    pendingChars = 0;
  }

  void close() {
    discard();
    forgetTables();
    if (text != null) {
      try {
        text.close();
      } catch (SQLException e) {
        // a statement on a broken connection: nothing to release
      }
      text = null;
    }
  }

  /**
   * Queues the rows of a change. {@code owner} (the transaction) is handed back in the error if one
   * of these rows fails.
   */
  void add(RowChanges rc, boolean idempotent, Object owner) throws SQLException {
    if (rc.rows().isEmpty()) {
      return;
    }
    TargetTable t = table(rc.schema(), rc.table());
    Shape shape = shape(rc, t, names(rc), idempotent);
    for (Row row : rc.rows()) {
      if (textLength(shape, row) > MAX_TEXT_ROW) {
        flush();
        prepared(shape, row, owner);
        continue;
      }
      String sql = render(shape, row);
      pending.add(new Pending(sql, shape, row, owner));
      pendingChars += sql.length();
      if (precise || pending.size() >= MAX_STATEMENTS || pendingChars >= MAX_CHARS) {
        flush();
      }
    }
  }

  /** Sends queued statements and checks that every update and delete found its row. */
  void flush() throws SQLException {
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> batch = new ArrayList<>(pending);
    discard();
    if (text == null) {
      text = connection.createStatement();
    }
    if (batch.size() == 1 || precise) {
      for (Pending p : batch) {
        int count;
        try {
          count = text.executeUpdate(p.sql());
        } catch (SQLException e) {
          throw failure(e, p);
        }
        check(p, count);
      }
      return;
    }
    StringBuilder sql = new StringBuilder(pendingCharsOf(batch) + batch.size() * 2);
    for (Pending p : batch) {
      sql.append(p.sql()).append(";\n");
    }
    List<Integer> counts = new ArrayList<>(batch.size());
    try {
      text.execute(sql.toString());
      counts.add(text.getUpdateCount());
      while (text.getMoreResults() || text.getUpdateCount() != -1) {
        counts.add(text.getUpdateCount());
      }
    } catch (SQLException e) {
      throw new AmbiguousBatchException(e, batch.size(), batch.get(0).owner());
    }
    if (counts.size() != batch.size()) {
      throw new IllegalStateException(
          "the target answered " + batch.size() + " statements with " + counts.size() + " results");
    }
    for (int i = 0; i < batch.size(); i++) {
      check(batch.get(i), counts.get(i));
    }
  }

  private static int pendingCharsOf(List<Pending> batch) {
    int n = 0;
    for (Pending p : batch) {
      n += p.sql().length();
    }
    return n;
  }

  private void check(Pending p, int count) {
    rowsApplied++;
    Shape s = p.shape();
    if (count == 0 && s.action() != Action.INSERT && !s.idempotent()) {
      throw new RowApplyException(
              null,
              s.schema(),
              s.table(),
              parameterized(s),
              describe(s, p.row()),
              (s.action() == Action.UPDATE ? "the row to update" : "the row to delete")
                  + " is not on the target")
          .owner(p.owner());
    }
  }

  private static RowApplyException failure(SQLException e, Pending p) {
    return new RowApplyException(
            e,
            p.shape().schema(),
            p.shape().table(),
            parameterized(p.shape()),
            describe(p.shape(), p.row()))
        .owner(p.owner());
  }

  /** A row with values too big for a text statement: binary parameters, one round trip. */
  private void prepared(Shape s, Row row, Object owner) throws SQLException {
    String sql = parameterized(s);
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      int p = 1;
      for (int i : s.setColumns()) {
        ValueBinder.bind(ps, p++, row.after(i));
      }
      for (int i : s.whereColumns()) {
        ValueBinder.bind(ps, p++, row.before(i));
      }
      int count;
      try {
        count = ps.executeUpdate();
      } catch (SQLException e) {
        throw failure(e, new Pending(sql, s, row, owner));
      }
      check(new Pending(sql, s, row, owner), count);
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
        throw tableError(
            rc,
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
        throw tableError(
            rc,
            "cannot locate rows: the before image ("
                + rc.image()
                + ") lacks the target's key columns "
                + key);
      }
    }
    return new Shape(rc.schema(), rc.table(), rc.action(), set, where, whole, idempotent, names);
  }

  /** The columns a mask covers, each checked to exist on the target. */
  private static List<Integer> present(
      ColumnMask mask, List<String> names, TargetTable t, RowChanges rc) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (mask.contains(i)) {
        if (!t.hasColumn(names.get(i))) {
          throw tableError(
              rc, "the target table has no column `" + names.get(i) + "`, which the source has");
        }
        idx.add(i);
      }
    }
    return idx;
  }

  /** An error about a row change as a whole (not one row). */
  private static RowApplyException tableError(RowChanges rc, String message) {
    return new RowApplyException(null, rc.schema(), rc.table(), null, null, message);
  }

  private static int indexOf(List<String> names, String column) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(column)) {
        return i;
      }
    }
    return -1;
  }

  private static long textLength(Shape s, Row row) {
    long n = 0;
    for (int i : s.setColumns()) {
      n += ExactLiterals.estimatedLength(row.after(i));
    }
    for (int i : s.whereColumns()) {
      n += ExactLiterals.estimatedLength(row.before(i));
    }
    return n;
  }

  /** The row's statement with its values as exact literals. */
  private static String render(Shape s, Row row) {
    StringBuilder sb = new StringBuilder(64 + 16 * s.names().size());
    String table = quote(s.schema()) + "." + quote(s.table());
    switch (s.action()) {
      case INSERT -> {
        sb.append("INSERT INTO ").append(table).append(" (");
        columns(sb, s.setColumns(), s.names());
        sb.append(") VALUES (");
        for (int k = 0; k < s.setColumns().size(); k++) {
          ExactLiterals.append(sb.append(k == 0 ? "" : ", "), row.after(s.setColumns().get(k)));
        }
        sb.append(')');
        onDuplicate(sb, s);
      }
      case UPDATE -> {
        sb.append("UPDATE ").append(table).append(" SET ");
        for (int k = 0; k < s.setColumns().size(); k++) {
          int i = s.setColumns().get(k);
          sb.append(k == 0 ? "" : ", ").append(quote(s.names().get(i))).append(" = ");
          ExactLiterals.append(sb, row.after(i));
        }
        where(sb, s, row);
      }
      case DELETE -> {
        sb.append("DELETE FROM ").append(table);
        where(sb, s, row);
      }
    }
    return sb.toString();
  }

  private static void where(StringBuilder sb, Shape s, Row row) {
    sb.append(" WHERE ");
    for (int k = 0; k < s.whereColumns().size(); k++) {
      int i = s.whereColumns().get(k);
      sb.append(k == 0 ? "" : " AND ")
          .append(quote(s.names().get(i)))
          .append(s.wholeImage() ? " <=> " : " = ");
      ExactLiterals.append(sb, row.before(i));
    }
    if (s.wholeImage()) {
      sb.append(" LIMIT 1");
    }
  }

  /** The same statement with {@code ?} for values (for the binary path and error messages). */
  private static String parameterized(Shape s) {
    String table = quote(s.schema()) + "." + quote(s.table());
    StringBuilder sb = new StringBuilder();
    switch (s.action()) {
      case INSERT -> {
        sb.append("INSERT INTO ").append(table).append(" (");
        columns(sb, s.setColumns(), s.names());
        sb.append(") VALUES (").append("?, ".repeat(s.setColumns().size() - 1)).append("?)");
        onDuplicate(sb, s);
      }
      case UPDATE -> {
        sb.append("UPDATE ").append(table).append(" SET ");
        join(sb, s.setColumns(), s.names(), " = ?", ", ");
        sb.append(" WHERE ");
        join(sb, s.whereColumns(), s.names(), s.wholeImage() ? " <=> ?" : " = ?", " AND ");
      }
      case DELETE -> {
        sb.append("DELETE FROM ").append(table).append(" WHERE ");
        join(sb, s.whereColumns(), s.names(), s.wholeImage() ? " <=> ?" : " = ?", " AND ");
      }
    }
    if (s.action() != Action.INSERT && s.wholeImage()) {
      sb.append(" LIMIT 1");
    }
    return sb.toString();
  }

  private static void onDuplicate(StringBuilder sb, Shape s) {
    if (s.idempotent()) {
      sb.append(" ON DUPLICATE KEY UPDATE ");
      for (int k = 0; k < s.setColumns().size(); k++) {
        String col = quote(s.names().get(s.setColumns().get(k)));
        sb.append(k == 0 ? "" : ", ").append(col).append(" = VALUES(").append(col).append(')');
      }
    }
  }

  private static void columns(StringBuilder sb, List<Integer> cols, List<String> names) {
    join(sb, cols, names, "", ", ");
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

  /** The row for an error message: the located key (or the inserted values), shortened. */
  private static String describe(Shape s, Row row) {
    List<Integer> cols = s.action() == Action.INSERT ? s.setColumns() : s.whereColumns();
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < cols.size() && k < 12; k++) {
      int i = cols.get(k);
      Object v = s.action() == Action.INSERT ? row.after(i) : row.before(i);
      String text = Values.display(v);
      if (text.length() > 64) {
        text = text.substring(0, 61) + "...";
      }
      sb.append(k == 0 ? "" : ", ").append(s.names().get(i)).append('=').append(text);
    }
    if (cols.size() > 12) {
      sb.append(", ...");
    }
    return sb.toString();
  }

  /**
   * A round trip of several statements failed and the server did not say which one. Retriable: the
   * block is applied again, statement by statement, to find the row (or pass, if the cause was
   * passing).
   */
  static final class AmbiguousBatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final transient Object firstOwner;
    final int statements;

    AmbiguousBatchException(SQLException cause, int statements, Object firstOwner) {
      super(cause.getMessage(), cause);
      this.statements = statements;
      this.firstOwner = firstOwner;
    }

    SQLException sqlError() {
      return (SQLException) getCause();
    }
  }
}
