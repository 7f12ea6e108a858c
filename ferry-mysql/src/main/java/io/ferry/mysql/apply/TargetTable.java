package io.ferry.mysql.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A table as the target has it: its columns and the keys rows can be located by (the primary key,
 * else the first unique key whose columns are all NOT NULL). Read from information_schema.
 * Immutable.
 *
 * @param schema the schema
 * @param name the table
 * @param columns column names in table order, lower-cased
 * @param primaryKey the primary key's columns (empty if none)
 * @param uniqueKey the first unique key over NOT NULL columns (empty if none)
 */
record TargetTable(
    String schema,
    String name,
    Set<String> columns,
    List<String> primaryKey,
    List<String> uniqueKey) {

  /** The key rows are located by: the primary key, else the unique key; empty for neither. */
  List<String> locatingKey() {
    return primaryKey.isEmpty() ? uniqueKey : primaryKey;
  }

  boolean hasColumn(String column) {
    return columns.contains(column.toLowerCase(Locale.ROOT));
  }

  /** Loads a table's definition; null if the target has no such table. */
  static TargetTable load(Connection c, String schema, String table) throws SQLException {
    Set<String> columns = new TreeSet<>();
    Map<String, Boolean> notNull = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COLUMN_NAME, IS_NULLABLE FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String col = rs.getString(1).toLowerCase(Locale.ROOT);
          columns.add(col);
          notNull.put(col, "NO".equals(rs.getString(2)));
        }
      }
    }
    if (columns.isEmpty()) {
      return null;
    }
    Map<String, List<String>> keys = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0"
                + " ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(rs.getString(2).toLowerCase(Locale.ROOT));
        }
      }
    }
    List<String> primary = keys.getOrDefault("PRIMARY", List.of());
    List<String> unique = List.of();
    for (Map.Entry<String, List<String>> k : keys.entrySet()) {
      if (!k.getKey().equals("PRIMARY")
          && k.getValue().stream().allMatch(col -> notNull.getOrDefault(col, false))) {
        unique = k.getValue();
        break;
      }
    }
    return new TargetTable(schema, table, columns, List.copyOf(primary), List.copyOf(unique));
  }
}
