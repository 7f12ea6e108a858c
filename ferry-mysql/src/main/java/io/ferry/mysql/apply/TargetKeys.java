package io.ferry.mysql.apply;

import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.parallel.KeyExtractor;
import io.ferry.core.value.Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The key sets of transactions for the key scheduler, from the target's own definition of each
 * table (information_schema, read once per table and forgotten after a statement): every unique key
 * (the primary key included) of the before and after images, with NULLs left out; the parent keys
 * that foreign keys point to; and the column sets other tables' foreign keys reference. Strings are
 * compared at least as loosely as their collation: trailing spaces are dropped unless the collation
 * is binary, ASCII letters folded unless it is {@code _bin}, and any non-ASCII value of a case- or
 * accent-insensitive column counts as one value (its collation's equalities are not all known
 * here). Comparing more loosely than the target only makes transactions wait for each other. Schema
 * and table names are compared without case. A prefix unique key is keyed on its prefix. What
 * cannot be keyed is a barrier; a barrier's reason is {@code category: detail}. Used by the
 * dispatcher thread.
 */
final class TargetKeys implements KeyExtractor {
  /** How a column's values compare. */
  private enum Compare {
    /** byte for byte (binary strings, numbers, temporal values) */
    EXACT,
    /** a PAD SPACE binary collation: trailing spaces do not count */
    PADDED,
    /** case (and accent) insensitive: folded, trailing spaces dropped */
    FOLDED
  }

  /** A unique key, or a column set a foreign key references: columns and their prefix lengths. */
  private record Key(List<String> columns, List<Integer> prefixes) {}

  /** What the scheduler needs to know of one table. */
  private record TableKeys(
      String barrier, Map<String, Compare> compare, List<Key> unique, List<Fk> parents) {}

  /** A foreign key of a child table: its columns, and the parent's columns they point to. */
  private record Fk(String schema, String table, List<String> columns, List<String> referenced) {}

  private final Supplier<Connection> connect;
  private final boolean triggersFire;
  private final String catalogSchema;
  private final Map<String, TableKeys> tables = new HashMap<>();
  private Connection connection;

  TargetKeys(Supplier<Connection> connect, boolean triggersFire, String catalogSchema) {
    this.connect = connect;
    this.triggersFire = triggersFire;
    this.catalogSchema = catalogSchema;
  }

  @Override
  public Keys keysOf(Transaction tx, int max) {
    List<Long> hashes = new ArrayList<>();
    for (Change c : tx.changes()) {
      if (c instanceof SqlStatement) {
        return Keys.barrier("statement");
      }
      if (!(c instanceof RowChanges rc)) {
        continue; // the statement a row event came from, for the record
      }
      if (rc.schema().toLowerCase(Locale.ROOT).startsWith("ferry_")
          || rc.schema().equals(catalogSchema)) {
        return Keys.barrier("catalog or heartbeat table: " + rc.schema() + "." + rc.table());
      }
      TableKeys t = table(rc.schema(), rc.table());
      if (t.barrier() != null) {
        return Keys.barrier(t.barrier());
      }
      String why = rowKeys(rc, t, hashes, max);
      if (why != null) {
        return Keys.barrier(why);
      }
    }
    long[] out = new long[hashes.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = hashes.get(i);
    }
    return Keys.of(out);
  }

  private String rowKeys(RowChanges rc, TableKeys t, List<Long> hashes, int max) {
    Map<String, Integer> index = new HashMap<>();
    List<ColumnSpec> cols = rc.columns();
    for (int i = 0; i < cols.size(); i++) {
      if (cols.get(i).name() == null) {
        return "columns without names: " + rc.schema() + "." + rc.table();
      }
      index.put(cols.get(i).name().toLowerCase(Locale.ROOT), i);
    }
    for (Row row : rc.rows()) {
      for (int side = 0; side < 2; side++) {
        boolean before = side == 0;
        if (before ? !row.hasBefore() : !row.hasAfter()) {
          continue;
        }
        Image image =
            new Image(row, before, before ? rc.beforeColumns() : rc.afterColumns(), index);
        for (Key key : t.unique()) {
          String why = add(rc.schema(), rc.table(), key.columns(), key, t.compare(), image, hashes);
          if (why != null) {
            return why;
          }
        }
        for (Fk fk : t.parents()) {
          TableKeys parent = table(fk.schema(), fk.table());
          Key referenced = new Key(fk.referenced(), fk.referenced().stream().map(c -> 0).toList());
          String why =
              add(
                  fk.schema(),
                  fk.table(),
                  fk.columns(),
                  referenced,
                  parent.compare(),
                  image,
                  hashes);
          if (why != null) {
            return why;
          }
        }
        if (hashes.size() > max) {
          return "too many keys: more than " + max;
        }
      }
    }
    return null;
  }

  /** One row image and where its columns are. */
  private record Image(Row row, boolean before, ColumnMask mask, Map<String, Integer> index) {}

  /**
   * Adds the key that columns {@code columns} of a row image give to key {@code key} of table
   * {@code schema.table}; nothing when a value is NULL. A reason when the image lacks one.
   */
  private static String add(
      String schema,
      String table,
      List<String> columns,
      Key key,
      Map<String, Compare> compare,
      Image image,
      List<Long> hashes) {
    // the key's columns in a fixed order, so that a parent's key and a child's pointer agree
    TreeMap<String, String> values = new TreeMap<>();
    for (int i = 0; i < columns.size(); i++) {
      Integer at = image.index().get(columns.get(i));
      if (at == null || !image.mask().contains(at)) {
        return "a key column the row image does not carry: "
            + schema
            + "."
            + table
            + "."
            + columns.get(i);
      }
      Object v = image.before() ? image.row().before(at) : image.row().after(at);
      if (v == null) {
        return null; // NULLs are never equal: no key
      }
      String keyColumn = key.columns().get(i);
      values.put(
          keyColumn,
          normalize(v, compare.getOrDefault(keyColumn, Compare.FOLDED), key.prefixes().get(i)));
    }
    StringBuilder text =
        new StringBuilder(schema.toLowerCase(Locale.ROOT))
            .append('\0')
            .append(table.toLowerCase(Locale.ROOT));
    values.forEach((k, v) -> text.append('\0').append(k).append('\0').append(v));
    hashes.add(hash(text));
    return null;
  }

  /** A value as its column compares it, cut to a prefix key's length (0: whole). */
  private static String normalize(Object v, Compare compare, int prefix) {
    if (v instanceof byte[] b) {
      byte[] cut = prefix > 0 && b.length > prefix ? Arrays.copyOf(b, prefix) : b;
      return "x" + HexFormat.of().formatHex(cut);
    }
    if (v instanceof Text || v instanceof String) {
      String s = v.toString();
      if (prefix > 0 && s.codePointCount(0, s.length()) > prefix) {
        s = s.substring(0, s.offsetByCodePoints(0, prefix));
      }
      return switch (compare) {
        case EXACT -> s;
        case PADDED -> stripSpaces(s);
        case FOLDED -> fold(s);
      };
    }
    if (v instanceof BigDecimal d) {
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return Long.toString(((Number) v).longValue());
    }
    if (v instanceof BigInteger i) {
      return i.toString();
    }
    return v.toString();
  }

  /**
   * Folds ASCII letters; every value with other characters (or control characters, which some
   * collations ignore) is one value.
   */
  static String fold(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch > 0x7e || ch < 0x20) {
        return "\u0001unknown"; // its collation's equalities are not all known here
      }
    }
    return stripSpaces(s.toLowerCase(Locale.ROOT));
  }

  private static String stripSpaces(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(0, end);
  }

  /** 64-bit FNV-1a, then mixed. */
  private static long hash(CharSequence s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  private TableKeys table(String schema, String table) {
    String name = schema + "." + table;
    TableKeys t = tables.get(name);
    if (t == null) {
      try {
        t = load(schema, table);
      } catch (SQLException | RuntimeException e) {
        close(); // reconnect next time
        // not cached: asked again next time
        return barrier("keys could not be read: " + name + " (" + e.getMessage() + ")");
      }
      tables.put(name, t);
    }
    return t;
  }

  private TableKeys load(String schema, String table) throws SQLException {
    Connection c = connection();
    String name = schema + "." + table;
    Map<String, Compare> compare = new HashMap<>();
    Map<String, Boolean> notNull = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COLUMN_NAME, COLLATION_NAME, IS_NULLABLE FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String col = rs.getString(1).toLowerCase(Locale.ROOT);
          String coll = rs.getString(2);
          compare.put(
              col,
              coll == null || coll.equals("binary")
                  ? Compare.EXACT
                  : coll.endsWith("_bin") ? Compare.PADDED : Compare.FOLDED);
          notNull.put(col, "NO".equals(rs.getString(3)));
        }
      }
    }
    if (compare.isEmpty()) {
      return barrier("table not on the target: " + name);
    }
    String engine =
        one(
            c,
            "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
            schema,
            table);
    if (engine == null || !engine.equalsIgnoreCase("InnoDB")) {
      return barrier("non-transactional table: " + name + " (" + engine + ")");
    }
    if (triggersFire
        && one(
                c,
                "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS"
                    + " WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? LIMIT 1",
                schema,
                table)
            != null) {
      return barrier("triggers that fire: " + name);
    }
    String cascade =
        one(
            c,
            "SELECT CONSTRAINT_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS"
                + " WHERE UNIQUE_CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?"
                + " AND (DELETE_RULE NOT IN ('RESTRICT', 'NO ACTION')"
                + " OR UPDATE_RULE NOT IN ('RESTRICT', 'NO ACTION')) LIMIT 1",
            schema,
            table);
    if (cascade != null) {
      return barrier("parent of a cascading foreign key: " + name + " (" + cascade + ")");
    }
    Map<String, Key> unique = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT INDEX_NAME, COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0"
                + " ORDER BY INDEX_NAME, SEQ_IN_INDEX")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Key k =
              unique.computeIfAbsent(
                  rs.getString(1), n -> new Key(new ArrayList<>(), new ArrayList<>()));
          k.columns().add(rs.getString(2).toLowerCase(Locale.ROOT));
          k.prefixes().add(rs.getInt(3));
        }
      }
    }
    // rows are located by a key of NOT NULL whole columns; without one, two changes of the same
    // row may show no common key
    boolean locatable =
        unique.values().stream()
            .anyMatch(
                k ->
                    k.prefixes().stream().allMatch(p -> p == 0)
                        && k.columns().stream().allMatch(col -> notNull.getOrDefault(col, false)));
    if (!locatable) {
      return barrier("no primary key or unique key of NOT NULL columns: " + name);
    }
    List<Key> keys = new ArrayList<>(unique.values());
    // column sets other tables' foreign keys point to (they need not be unique keys)
    for (List<String> referenced : referencedColumns(c, schema, table)) {
      Key k = new Key(referenced, referenced.stream().map(x -> 0).toList());
      if (!keys.contains(k)) {
        keys.add(k);
      }
    }
    return new TableKeys(null, compare, keys, foreignKeys(c, schema, table));
  }

  /** The foreign keys of a table (it is their child). */
  private static List<Fk> foreignKeys(Connection c, String schema, String table)
      throws SQLException {
    Map<String, Fk> byName = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME,"
                + " REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL"
                + " ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Fk fk = byName.get(rs.getString(1));
          if (fk == null) {
            fk = new Fk(rs.getString(3), rs.getString(4), new ArrayList<>(), new ArrayList<>());
            byName.put(rs.getString(1), fk);
          }
          fk.columns().add(rs.getString(2).toLowerCase(Locale.ROOT));
          fk.referenced().add(rs.getString(5).toLowerCase(Locale.ROOT));
        }
      }
    }
    return new ArrayList<>(byName.values());
  }

  /** The column lists foreign keys of other tables point to in this one. */
  private static List<List<String>> referencedColumns(Connection c, String schema, String table)
      throws SQLException {
    Map<String, List<String>> referenced = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, REFERENCED_COLUMN_NAME"
                + " FROM information_schema.KEY_COLUMN_USAGE WHERE REFERENCED_TABLE_SCHEMA = ?"
                + " AND REFERENCED_TABLE_NAME = ? ORDER BY CONSTRAINT_SCHEMA, CONSTRAINT_NAME,"
                + " ORDINAL_POSITION")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          referenced
              .computeIfAbsent(rs.getString(1) + "." + rs.getString(2), k -> new ArrayList<>())
              .add(rs.getString(3).toLowerCase(Locale.ROOT));
        }
      }
    }
    return new ArrayList<>(referenced.values());
  }

  private static TableKeys barrier(String why) {
    return new TableKeys(why, Map.of(), List.of(), List.of());
  }

  private static String one(Connection c, String sql, String schema, String table)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private Connection connection() {
    if (connection == null) {
      connection = connect.get();
    }
    return connection;
  }

  @Override
  public void forget() {
    tables.clear();
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // closing a connection that may be broken already
      }
      connection = null;
    }
  }
}
