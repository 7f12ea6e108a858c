package io.ferry.mysql.apply;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.value.Text;
import io.ferry.core.value.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The statement a row change becomes: an INSERT, or an UPDATE or DELETE that locates its row by a
 * key, or by the whole before image when there is none (NULL safe, character data compared byte for
 * byte as native replication compares rows, one row). Shared by the applier and by {@code thl list
 * --sql}, so that what a person reads is what the applier runs. Stateless.
 */
final class RowStatements {
  /** MariaDB's hidden column for a long (hash-based) unique key: the server computes it. */
  private static final Pattern HIDDEN_HASH = Pattern.compile("DB_ROW_HASH_[0-9]+");

  /**
   * Everything that decides a statement's text, but the values. {@code checks} are before-image
   * columns an update or delete also compares (NULL safe, byte for byte), so that it finds no row
   * when the target's row is not the one the change saw: conflict detection.
   */
  record Shape(
      String schema,
      String table,
      Action action,
      List<Integer> setColumns,
      List<Integer> whereColumns,
      boolean wholeImage,
      boolean idempotent,
      List<String> names,
      List<Integer> checks) {
    Shape(
        String schema,
        String table,
        Action action,
        List<Integer> setColumns,
        List<Integer> whereColumns,
        boolean wholeImage,
        boolean idempotent,
        List<String> names) {
      this(
          schema,
          table,
          action,
          setColumns,
          whereColumns,
          wholeImage,
          idempotent,
          names,
          List.of());
    }

    /** The same shape, comparing these before-image columns too. */
    Shape withChecks(List<Integer> columns) {
      return new Shape(
          schema, table, action, setColumns, whereColumns, wholeImage, idempotent, names, columns);
    }

    /** The same table and columns as another statement kind, located by {@code where}. */
    Shape as(Action kind, List<Integer> set, List<Integer> where) {
      return new Shape(schema, table, kind, set, where, false, false, names, List.of());
    }
  }

  private RowStatements() {}

  /** The column names of a row change; every column must have one. */
  static List<String> names(RowChanges rc) {
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

  /**
   * The shape for a target table: only columns the target writes (generated columns and MariaDB's
   * hidden hash columns left out), rows located by the target's key.
   */
  static Shape forTarget(RowChanges rc, TargetTable t, List<String> names, boolean idempotent) {
    List<Integer> set = List.of();
    if (rc.action() != Action.DELETE) {
      set = written(rc.afterColumns(), names, t, rc);
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
        where = written(before, names, t, rc);
        whole = true;
      } else {
        throw tableError(
            rc,
            "cannot locate rows: the before image ("
                + rc.image()
                + ") lacks the target's key columns "
                + key);
      }
    }
    if (rc.action() != Action.INSERT && where.isEmpty()) {
      throw tableError(rc, "no column of the before image can locate the row on the target");
    }
    return new Shape(rc.schema(), rc.table(), rc.action(), set, where, whole, idempotent, names);
  }

  /** The shape without a target: rows located by the source's key columns, else the image. */
  static Shape forSource(RowChanges rc, List<String> names) {
    List<Integer> set = new ArrayList<>();
    List<Integer> key = new ArrayList<>();
    List<Integer> before = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (HIDDEN_HASH.matcher(names.get(i)).matches()) {
        continue;
      }
      if (rc.action() != Action.DELETE && rc.afterColumns().contains(i)) {
        set.add(i);
      }
      if (rc.action() != Action.INSERT && rc.beforeColumns().contains(i)) {
        before.add(i);
        if (rc.columns().get(i).key()) {
          key.add(i);
        }
      }
    }
    boolean whole = rc.action() != Action.INSERT && key.isEmpty();
    return new Shape(
        rc.schema(),
        rc.table(),
        rc.action(),
        List.copyOf(set),
        whole ? List.copyOf(before) : List.copyOf(key),
        whole,
        false,
        names);
  }

  /** The columns a mask covers that the target writes; a column the target lacks is an error. */
  static List<Integer> written(ColumnMask mask, List<String> names, TargetTable t, RowChanges rc) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (!mask.contains(i)) {
        continue;
      }
      String name = names.get(i);
      if (!t.hasColumn(name)) {
        if (HIDDEN_HASH.matcher(name).matches()) {
          continue;
        }
        throw tableError(rc, "the target table has no column `" + name + "`, which the source has");
      }
      if (!t.isGenerated(name)) {
        idx.add(i);
      }
    }
    return idx;
  }

  /**
   * The columns of a whole image the target writes (not generated, not a hidden hash, present on
   * the target).
   */
  static List<Integer> written(List<String> names, TargetTable t, int width) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < Math.min(width, names.size()); i++) {
      String name = names.get(i);
      if (t.hasColumn(name) && !t.isGenerated(name) && !HIDDEN_HASH.matcher(name).matches()) {
        idx.add(i);
      }
    }
    return idx;
  }

  /** An error about a row change as a whole (not one row). */
  static RowApplyException tableError(RowChanges rc, String message) {
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

  /** How long the row's statement would be, roughly (to keep huge values off the text path). */
  static long textLength(Shape s, Row row) {
    long n = 0;
    for (int i : s.setColumns()) {
      n += ExactLiterals.estimatedLength(row.after(i));
    }
    for (int i : s.whereColumns()) {
      n += ExactLiterals.estimatedLength(row.before(i)) * (s.wholeImage() ? 2 : 1);
    }
    for (int i : s.checks()) {
      n += ExactLiterals.estimatedLength(row.before(i)) * 2;
    }
    return n;
  }

  /** The row's statement with its values as exact literals. */
  static String render(Shape s, Row row) {
    StringBuilder sb = new StringBuilder(64 + 16 * s.names().size());
    String table = quote(s.schema()) + "." + quote(s.table());
    switch (s.action()) {
      case INSERT -> {
        sb.append("INSERT INTO ").append(table).append(" (");
        join(sb, s.setColumns(), s.names(), "", ", ");
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

  /**
   * Locates the row. By a key: {@code k = value}. By the whole image: {@code c <=> value} (NULL
   * safe, and able to use an index), and for character data also {@code c = BINARY X'bytes'}, a
   * binary comparison, so that a case-insensitive collation or trailing spaces cannot pick another
   * row (a plain {@code X'bytes'} would be compared in the column's collation).
   */
  private static void where(StringBuilder sb, Shape s, Row row) {
    sb.append(" WHERE ");
    for (int k = 0; k < s.whereColumns().size(); k++) {
      int i = s.whereColumns().get(k);
      Object v = row.before(i);
      String column = quote(s.names().get(i));
      sb.append(k == 0 ? "" : " AND ").append(column).append(s.wholeImage() ? " <=> " : " = ");
      ExactLiterals.append(sb, v);
      if (s.wholeImage() && v instanceof Text t) {
        sb.append(" AND ").append(column).append(" = BINARY ");
        ExactLiterals.append(sb, t.unsafeBytes());
      }
    }
    for (int i : s.checks()) {
      sb.append(" AND ");
      sameBytes(sb, s.names().get(i), row.before(i));
    }
    if (s.wholeImage()) {
      sb.append(" LIMIT 1");
    }
  }

  /**
   * A conflict check: what {@link #sameValue} means, said shorter. Character data only by its
   * binary comparison ({@code column = BINARY X'bytes'}): equal bytes are equal in any collation
   * and a NULL column fails it, so the collation comparison {@link #sameValue} adds decides
   * nothing, and would double the text the target parses for every update and delete (the check
   * needs no index: the key locates the row). Other values {@code column <=> value}.
   */
  static void sameBytes(StringBuilder sb, String name, Object v) {
    if (!(v instanceof Text t)) {
      sameValue(sb, name, v);
      return;
    }
    sb.append(quote(name)).append(" = BINARY ");
    byte[] bytes = t.unsafeBytes();
    if (plainAscii(t.charset(), bytes)) {
      // half as long as hex: printable ASCII without a quote or backslash is the same bytes in
      // the session's charset as in an ASCII-compatible column's, and needs no escaping
      sb.append('\'');
      for (byte b : bytes) {
        sb.append((char) b);
      }
      sb.append('\'');
    } else {
      ExactLiterals.append(sb, bytes);
    }
  }

  /** Charsets whose code units are not single bytes for ASCII. */
  private static final java.util.Set<String> WIDE =
      java.util.Set.of("ucs2", "utf16", "utf16le", "utf32");

  /**
   * Whether text is printable ASCII without quotes or backslashes, in an ASCII-compatible charset.
   */
  static boolean plainAscii(String charset, byte[] bytes) {
    if (charset == null || WIDE.contains(charset.toLowerCase(java.util.Locale.ROOT))) {
      return false;
    }
    for (byte b : bytes) {
      if (b < 0x20 || b > 0x7E || b == '\'' || b == '\\') {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code column <=> value}, and for character data also a binary comparison, so that a
   * case-insensitive collation or trailing spaces cannot make another value equal.
   */
  static void sameValue(StringBuilder sb, String name, Object v) {
    String column = quote(name);
    sb.append(column).append(" <=> ");
    ExactLiterals.append(sb, v);
    if (v instanceof Text t) {
      sb.append(" AND ").append(column).append(" = BINARY ");
      ExactLiterals.append(sb, t.unsafeBytes());
    }
  }

  /** The same statement with {@code ?} for values (for error messages). */
  static String parameterized(Shape s) {
    return parameterized(s, null);
  }

  /**
   * The statement with {@code ?} for values; with a row, whole-image comparisons of character data
   * get their binary comparison too (a parameter of its own, see {@link #parameters}).
   */
  static String parameterized(Shape s, Row row) {
    String table = quote(s.schema()) + "." + quote(s.table());
    StringBuilder sb = new StringBuilder();
    switch (s.action()) {
      case INSERT -> {
        sb.append("INSERT INTO ").append(table).append(" (");
        join(sb, s.setColumns(), s.names(), "", ", ");
        sb.append(") VALUES (")
            .append("?, ".repeat(Math.max(0, s.setColumns().size() - 1)))
            .append(s.setColumns().isEmpty() ? ")" : "?)");
        onDuplicate(sb, s);
      }
      case UPDATE -> {
        sb.append("UPDATE ").append(table).append(" SET ");
        join(sb, s.setColumns(), s.names(), " = ?", ", ");
        parameterizedWhere(sb, s, row);
      }
      case DELETE -> {
        sb.append("DELETE FROM ").append(table);
        parameterizedWhere(sb, s, row);
      }
    }
    if (s.action() != Action.INSERT && s.wholeImage()) {
      sb.append(" LIMIT 1");
    }
    return sb.toString();
  }

  private static void parameterizedWhere(StringBuilder sb, Shape s, Row row) {
    sb.append(" WHERE ");
    for (int k = 0; k < s.whereColumns().size(); k++) {
      int i = s.whereColumns().get(k);
      String column = quote(s.names().get(i));
      sb.append(k == 0 ? "" : " AND ").append(column).append(s.wholeImage() ? " <=> ?" : " = ?");
      if (s.wholeImage() && row != null && row.before(i) instanceof Text) {
        sb.append(" AND ").append(column).append(" = BINARY ?");
      }
    }
    for (int i : s.checks()) {
      String column = quote(s.names().get(i));
      sb.append(" AND ").append(column).append(" <=> ?");
      if (row != null && row.before(i) instanceof Text) {
        sb.append(" AND ").append(column).append(" = BINARY ?");
      }
    }
  }

  /** The parameters of {@link #parameterized(Shape, Row)}, in order. */
  static List<Object> parameters(Shape s, Row row) {
    List<Object> values = new ArrayList<>();
    for (int i : s.setColumns()) {
      values.add(row.after(i));
    }
    for (int i : s.whereColumns()) {
      Object v = row.before(i);
      values.add(v);
      if (s.wholeImage() && v instanceof Text t) {
        values.add(t.unsafeBytes());
      }
    }
    for (int i : s.checks()) {
      Object v = row.before(i);
      values.add(v);
      if (v instanceof Text t) {
        values.add(t.unsafeBytes());
      }
    }
    return values;
  }

  private static void onDuplicate(StringBuilder sb, Shape s) {
    if (s.idempotent() && !s.setColumns().isEmpty()) {
      sb.append(" ON DUPLICATE KEY UPDATE ");
      for (int k = 0; k < s.setColumns().size(); k++) {
        String col = quote(s.names().get(s.setColumns().get(k)));
        sb.append(k == 0 ? "" : ", ").append(col).append(" = VALUES(").append(col).append(')');
      }
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

  /** The row for an error message: the located key (or the inserted values), shortened. */
  static String describe(Shape s, Row row) {
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
}
