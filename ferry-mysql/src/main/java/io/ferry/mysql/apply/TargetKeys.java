package io.ferry.mysql.apply;

import io.ferry.core.event.Change;
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
import java.text.Normalizer;
import java.util.ArrayList;
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
 * (the primary key included) of the before and after images, with NULLs left out and strings
 * compared the way their collation does (case, accents and trailing spaces folded unless the
 * collation is binary; folding more than the collation only makes transactions wait for each
 * other), the parent keys that foreign keys point to, and the column sets other tables' foreign
 * keys reference. What cannot be keyed is a barrier. Used by the dispatcher thread.
 */
final class TargetKeys implements KeyExtractor {
  /** What the scheduler needs to know of one table. */
  private record TableKeys(
      String barrier, Map<String, Boolean> folded, List<List<String>> unique, List<Fk> parents) {}

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
      if (rc.schema().startsWith("ferry_") || rc.schema().equals(catalogSchema)) {
        return Keys.barrier("catalog or heartbeat table");
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
        return "columns without names in " + rc.schema() + "." + rc.table();
      }
      index.put(cols.get(i).name().toLowerCase(Locale.ROOT), i);
    }
    for (Row row : rc.rows()) {
      for (int side = 0; side < 2; side++) {
        boolean before = side == 0;
        if (before ? !row.hasBefore() : !row.hasAfter()) {
          continue;
        }
        var mask = before ? rc.beforeColumns() : rc.afterColumns();
        for (List<String> key : t.unique()) {
          String why =
              add(rc.schema(), rc.table(), key, key, t.folded(), row, before, mask, index, hashes);
          if (why != null) {
            return why;
          }
        }
        for (Fk fk : t.parents()) {
          TableKeys parent = table(fk.schema(), fk.table());
          String why =
              add(
                  fk.schema(),
                  fk.table(),
                  fk.columns(),
                  fk.referenced(),
                  parent.folded(),
                  row,
                  before,
                  mask,
                  index,
                  hashes);
          if (why != null) {
            return why;
          }
        }
        if (hashes.size() > max) {
          return "more than " + max + " keys";
        }
      }
    }
    return null;
  }

  /**
   * Adds the key that columns {@code columns} of a row image give to key {@code keyColumns} of
   * table {@code schema.table}; nothing when a value is NULL. A reason when the image lacks one.
   */
  private static String add(
      String schema,
      String table,
      List<String> columns,
      List<String> keyColumns,
      Map<String, Boolean> folded,
      Row row,
      boolean before,
      io.ferry.core.event.ColumnMask mask,
      Map<String, Integer> index,
      List<Long> hashes) {
    // the key's columns in a fixed order, so that a parent's key and a child's pointer agree
    TreeMap<String, Object> values = new TreeMap<>();
    for (int i = 0; i < columns.size(); i++) {
      Integer at = index.get(columns.get(i));
      if (at == null || !mask.contains(at)) {
        return "a key column ("
            + columns.get(i)
            + ") that the row image of "
            + table
            + " does not carry";
      }
      Object v = before ? row.before(at) : row.after(at);
      if (v == null) {
        return null; // NULLs are never equal: no key
      }
      String keyColumn = keyColumns.get(i);
      values.put(keyColumn, normalize(v, folded.getOrDefault(keyColumn, true)));
    }
    StringBuilder text = new StringBuilder(schema).append('\0').append(table);
    values.forEach((k, v) -> text.append('\0').append(k).append('\0').append(v));
    hashes.add(hash(text));
    return null;
  }

  /** A value as its collation compares it (folded: case, accents, trailing spaces). */
  static String normalize(Object v, boolean folded) {
    if (v instanceof Text t) {
      String s = t.toString();
      if (!folded) {
        return s;
      }
      s = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
      s = s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
      return s.stripTrailing();
    }
    if (v instanceof String s) {
      return folded ? normalize(Text.of(s), true) : s;
    }
    if (v instanceof byte[] b) {
      return "x" + HexFormat.of().formatHex(b);
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
        t =
            new TableKeys(
                "its keys could not be read (" + e.getMessage() + ")",
                Map.of(),
                List.of(),
                List.of());
        return t; // not cached: asked again next time
      }
      tables.put(name, t);
    }
    return t;
  }

  private TableKeys load(String schema, String table) throws SQLException {
    Connection c = connection();
    String name = schema + "." + table;
    Map<String, Boolean> folded = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String coll = rs.getString(2);
          boolean fold = coll != null && !coll.equals("binary") && !coll.endsWith("_bin");
          folded.put(rs.getString(1).toLowerCase(Locale.ROOT), fold);
        }
      }
    }
    if (folded.isEmpty()) {
      return barrier("table " + name + " is not on the target");
    }
    String engine =
        one(
            c,
            "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
            schema,
            table);
    if (engine == null || !engine.equalsIgnoreCase("InnoDB")) {
      return barrier("non-transactional table " + name + " (" + engine + ")");
    }
    if (triggersFire
        && one(
                c,
                "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? LIMIT 1",
                schema,
                table)
            != null) {
      return barrier("table " + name + " has triggers that fire");
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
      return barrier("parent table " + name + " of a cascading foreign key (" + cascade + ")");
    }
    Map<String, List<String>> unique = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0"
                + " ORDER BY INDEX_NAME, SEQ_IN_INDEX")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          unique
              .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(rs.getString(2).toLowerCase(Locale.ROOT));
        }
      }
    }
    if (!unique.containsKey("PRIMARY") && unique.isEmpty()) {
      return barrier("table " + name + " has no primary or unique key");
    }
    List<List<String>> keys = new ArrayList<>(unique.values());
    // column sets other tables' foreign keys point to (they need not be unique keys)
    for (List<String> referenced :
        fkColumns(
            c,
            "SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, REFERENCED_COLUMN_NAME"
                + " FROM information_schema.KEY_COLUMN_USAGE WHERE REFERENCED_TABLE_SCHEMA = ?"
                + " AND REFERENCED_TABLE_NAME = ? ORDER BY CONSTRAINT_SCHEMA, CONSTRAINT_NAME,"
                + " ORDINAL_POSITION",
            schema,
            table)) {
      if (!keys.contains(referenced)) {
        keys.add(referenced);
      }
    }
    List<Fk> parents = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME,"
                + " REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL"
                + " ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        Map<String, Fk> byName = new LinkedHashMap<>();
        while (rs.next()) {
          Fk fk = byName.get(rs.getString(1));
          if (fk == null) {
            fk = new Fk(rs.getString(3), rs.getString(4), new ArrayList<>(), new ArrayList<>());
            byName.put(rs.getString(1), fk);
          }
          fk.columns().add(rs.getString(2).toLowerCase(Locale.ROOT));
          fk.referenced().add(rs.getString(5).toLowerCase(Locale.ROOT));
        }
        parents.addAll(byName.values());
      }
    }
    return new TableKeys(null, folded, keys, parents);
  }

  /** The column lists foreign keys of other tables point to in this one. */
  private static List<List<String>> fkColumns(Connection c, String sql, String schema, String table)
      throws SQLException {
    Map<String, List<String>> referenced = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
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
