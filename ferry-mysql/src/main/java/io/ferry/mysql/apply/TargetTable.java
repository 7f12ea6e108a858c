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
 * A table as the target has it: its columns (and which are generated), the keys rows can be located
 * by (the primary key, else the first unique key whose columns are all NOT NULL and not generated),
 * whether its engine can roll back, and its triggers. Read from information_schema. Immutable.
 *
 * @param schema the schema
 * @param name the table
 * @param columns column names, lower-cased
 * @param generated the generated columns (virtual or stored), lower-cased: never written, never
 *     used to locate a row
 * @param primaryKey the primary key's columns (empty if none, or if it has a generated column)
 * @param uniqueKey the first unique key over NOT NULL, non-generated columns (empty if none)
 * @param transactional whether the table's engine supports transactions
 * @param triggers the table's triggers
 */
record TargetTable(
    String schema,
    String name,
    Set<String> columns,
    Set<String> generated,
    List<String> primaryKey,
    List<String> uniqueKey,
    boolean transactional,
    List<Trigger> triggers) {

  /**
   * A trigger on the table.
   *
   * @param name its name
   * @param event INSERT, UPDATE or DELETE
   * @param guarded whether its body tests {@code @ferry_service} (so that it can pass over the rows
   *     Ferry applies)
   */
  record Trigger(String name, String event, boolean guarded) {}

  /** The session variable Ferry sets for row apply, which a trigger tests to skip itself. */
  static final String SERVICE_VARIABLE = "@ferry_service";

  /** The key rows are located by: the primary key, else the unique key; empty for neither. */
  List<String> locatingKey() {
    return primaryKey.isEmpty() ? uniqueKey : primaryKey;
  }

  boolean hasColumn(String column) {
    return columns.contains(column.toLowerCase(Locale.ROOT));
  }

  boolean isGenerated(String column) {
    return generated.contains(column.toLowerCase(Locale.ROOT));
  }

  /** Triggers whose body does not test {@code @ferry_service}. */
  List<Trigger> unguardedTriggers() {
    return triggers.stream().filter(t -> !t.guarded()).toList();
  }

  String qualifiedName() {
    return schema + "." + name;
  }

  /** Loads a table's definition; null if the target has no such table. */
  static TargetTable load(Connection c, String schema, String table) throws SQLException {
    Set<String> columns = new TreeSet<>();
    Set<String> generated = new TreeSet<>();
    Map<String, Boolean> notNull = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COLUMN_NAME, IS_NULLABLE, GENERATION_EXPRESSION FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String col = rs.getString(1).toLowerCase(Locale.ROOT);
          columns.add(col);
          notNull.put(col, "NO".equals(rs.getString(2)));
          String expression = rs.getString(3);
          if (expression != null && !expression.isEmpty()) {
            generated.add(col);
          }
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
    if (primary.stream().anyMatch(generated::contains)) {
      primary = List.of();
    }
    List<String> unique = List.of();
    for (Map.Entry<String, List<String>> k : keys.entrySet()) {
      if (!k.getKey().equals("PRIMARY")
          && k.getValue().stream()
              .allMatch(col -> notNull.getOrDefault(col, false) && !generated.contains(col))) {
        unique = k.getValue();
        break;
      }
    }
    return new TargetTable(
        schema,
        table,
        columns,
        generated,
        List.copyOf(primary),
        List.copyOf(unique),
        transactional(c, schema, table),
        triggers(c, schema, table));
  }

  private static boolean transactional(Connection c, String schema, String table)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT e.TRANSACTIONS FROM information_schema.TABLES t"
                + " LEFT JOIN information_schema.ENGINES e ON e.ENGINE = t.ENGINE"
                + " WHERE t.TABLE_SCHEMA = ? AND t.TABLE_NAME = ?")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        return !rs.next() || "YES".equalsIgnoreCase(rs.getString(1));
      }
    }
  }

  private static List<Trigger> triggers(Connection c, String schema, String table)
      throws SQLException {
    List<Trigger> list = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT TRIGGER_NAME, EVENT_MANIPULATION, ACTION_STATEMENT"
                + " FROM information_schema.TRIGGERS"
                + " WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ?"
                + " ORDER BY TRIGGER_NAME")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String body = rs.getString(3);
          boolean guarded =
              body != null && body.toLowerCase(Locale.ROOT).contains(SERVICE_VARIABLE);
          list.add(new Trigger(rs.getString(1), rs.getString(2), guarded));
        }
      }
    }
    return List.copyOf(list);
  }
}
