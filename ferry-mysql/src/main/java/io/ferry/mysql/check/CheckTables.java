package io.ferry.mysql.check;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tables a check covers and what it needs of each (key, columns, estimated rows), read from the
 * source's catalog. Stateless.
 */
public final class CheckTables {
  private CheckTables() {}

  /**
   * A table to check.
   *
   * @param keys the primary key's columns, else those of a unique key whose columns are all NOT
   *     NULL (and of types a chunk can follow: not ENUM, SET, FLOAT, DOUBLE, BIT); empty when it
   *     has neither (checked as one chunk)
   * @param columns every column, tagged for {@link ChunkSql}
   * @param copyable the columns a repair copies (not generated ones)
   * @param estimatedRows the server's estimate
   * @param avgRowBytes the server's estimate of a row's size
   */
  public record Table(
      String schema,
      String table,
      List<String> keys,
      List<String> columns,
      List<String> copyable,
      long estimatedRows,
      long avgRowBytes) {
    public String name() {
      return schema + "." + table;
    }
  }

  /**
   * The base tables named by {@code patterns} ({@code schema} or {@code schema.table}), or of every
   * schema but the system's and Ferry's when there is none; in name order.
   *
   * @throws IllegalArgumentException when a name matches nothing
   */
  public static List<Table> find(Connection c, List<String> patterns) throws SQLException {
    Map<String, long[]> found = new LinkedHashMap<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT table_schema, table_name, COALESCE(table_rows, 0),"
                    + " COALESCE(avg_row_length, 0) FROM"
                    + " information_schema.tables WHERE table_type = 'BASE TABLE' AND"
                    + " table_schema NOT IN ('mysql', 'information_schema',"
                    + " 'performance_schema', 'sys') AND table_schema NOT LIKE 'ferry\\_%'"
                    + " ORDER BY table_schema, table_name");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        found.put(
            rs.getString(1) + "." + rs.getString(2), new long[] {rs.getLong(3), rs.getLong(4)});
      }
    }
    List<String> names = new ArrayList<>();
    if (patterns.isEmpty()) {
      names.addAll(found.keySet());
    }
    for (String p : patterns) {
      List<String> matched = new ArrayList<>();
      for (String n : found.keySet()) {
        if (p.contains(".") ? n.equals(p) : n.startsWith(p + ".")) {
          matched.add(n);
        }
      }
      if (matched.isEmpty()) {
        throw new IllegalArgumentException(
            (p.contains(".") ? "no base table " : "no schema with tables named ")
                + p
                + " on the source (names are case-sensitive; system schemas and ferry_* are not"
                + " checked)");
      }
      for (String m : matched) {
        if (!names.contains(m)) {
          names.add(m);
        }
      }
    }
    List<Table> tables = new ArrayList<>();
    for (String n : names) {
      int dot = n.indexOf('.');
      long[] stats = found.get(n);
      tables.add(describe(c, n.substring(0, dot), n.substring(dot + 1), stats[0], stats[1]));
    }
    return tables;
  }

  /**
   * Key types a chunk cannot follow: ENUM and SET sort by number but compare as text, FLOAT and
   * DOUBLE and BIT values do not survive a round trip through text.
   */
  private static final java.util.Set<String> UNCHUNKABLE =
      java.util.Set.of("enum", "set", "float", "double", "real", "bit", "geometry");

  static Table describe(Connection c, String schema, String table, long estimate, long avg)
      throws SQLException {
    List<String> columns = new ArrayList<>();
    List<String> copyable = new ArrayList<>();
    Map<String, Boolean> nullable = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT column_name, data_type, is_nullable, extra FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          columns.add(ChunkSql.column(name, rs.getString(2)));
          nullable.put(name, "YES".equals(rs.getString(3)));
          types.put(name, String.valueOf(rs.getString(2)).toLowerCase(Locale.ROOT));
          String extra = String.valueOf(rs.getString(4)).toUpperCase(Locale.ROOT);
          if (!extra.contains("GENERATED")
              && !extra.contains("VIRTUAL")
              && !extra.contains("PERSISTENT")
              && !extra.contains("STORED")) {
            copyable.add(name);
          }
        }
      }
    }
    return new Table(
        schema, table, key(c, schema, table, nullable, types), columns, copyable, estimate, avg);
  }

  private static List<String> key(
      Connection c,
      String schema,
      String table,
      Map<String, Boolean> nullable,
      Map<String, String> types)
      throws SQLException {
    Map<String, List<String>> unique = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT index_name, column_name, sub_part FROM information_schema.statistics WHERE"
                + " table_schema = ? AND table_name = ? AND non_unique = 0"
                + " ORDER BY index_name = 'PRIMARY' DESC, index_name, seq_in_index")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        java.util.Set<String> prefixed = new java.util.HashSet<>();
        while (rs.next()) {
          unique.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
          if (rs.getObject(3) != null) {
            prefixed.add(rs.getString(1)); // a prefix is not the value: rows may share it
          }
        }
        unique.keySet().removeAll(prefixed);
      }
    }
    for (List<String> cols : unique.values()) {
      if (cols.stream()
          .noneMatch(
              col ->
                  Boolean.TRUE.equals(nullable.get(col)) || UNCHUNKABLE.contains(types.get(col)))) {
        return cols;
      }
    }
    return List.of();
  }
}
