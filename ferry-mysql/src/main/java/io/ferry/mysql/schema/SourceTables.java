package io.ferry.mysql.schema;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.target.SourceTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a MariaDB/MySQL schema's tables as {@link SourceTable}s, for schema translation: the
 * columns as the schema history understands {@code SHOW CREATE TABLE} (the same types the binlog's
 * row events are read with), the primary key and unique keys from {@code information_schema}.
 * Stateless.
 */
public final class SourceTables {
  private SourceTables() {}

  /**
   * The base tables of {@code schema}, in name order, or only those named in {@code tables} (in
   * that order); a named table that does not exist is a {@link DdlException} naming it.
   */
  public static List<SourceTable> read(Connection c, String schema, List<String> tables)
      throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    if (names.isEmpty()) {
      throw new DdlException(
          "schema '"
              + schema
              + "' has no tables on this server (or does not exist); check the name with SHOW"
              + " DATABASES");
    }
    List<String> wanted = tables.isEmpty() ? names : tables;
    for (String t : wanted) {
      if (!names.contains(t)) {
        throw new DdlException(
            "no table "
                + schema
                + "."
                + t
                + " (its tables: "
                + String.join(", ", names.subList(0, Math.min(20, names.size())))
                + (names.size() > 20 ? ", ..." : "")
                + ")");
      }
    }
    Catalog scratch = new Catalog();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT @@character_set_server")) {
      rs.next();
      scratch.setServerCharset(rs.getString(1));
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA"
                + " WHERE SCHEMA_NAME = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        scratch.apply(new Catalog.PutSchema(schema, rs.next() ? rs.getString(1) : null));
      }
    }
    DdlParser parser = new DdlParser(scratch, name -> null);
    List<SourceTable> out = new ArrayList<>();
    for (String t : wanted) {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SHOW CREATE TABLE " + quote(schema) + "." + quote(t))) {
        rs.next();
        parser.apply(schema, rs.getString(2));
      }
      TableDef def = scratch.table(schema, t);
      Map<String, List<String>> keys = keys(c, schema, t);
      List<String> primary = keys.getOrDefault("PRIMARY", List.of());
      List<List<String>> unique = new ArrayList<>();
      keys.forEach(
          (name, cols) -> {
            if (!name.equals("PRIMARY")) {
              unique.add(cols);
            }
          });
      out.add(new SourceTable(schema, t, declared(c, schema, t, def.columns()), primary, unique));
    }
    return out;
  }

  /**
   * The columns with their declared types as {@code information_schema} spells them ({@code
   * varchar(40)}, {@code decimal(10,2) unsigned}; {@code json} for MariaDB's JSON, a longtext with
   * a json_valid check), which carry lengths the parsed type does not.
   */
  private static List<ColumnSpec> declared(
      Connection c, String schema, String table, List<ColumnSpec> columns) throws SQLException {
    Map<String, String> types = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          types.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(2));
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS"
                + " WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          java.util.regex.Matcher m = JSON_VALID.matcher(rs.getString(1));
          if (m.matches()) {
            types.put(m.group(1).replace("``", "`").toLowerCase(java.util.Locale.ROOT), "json");
          }
        }
      }
    } catch (SQLException e) {
      // a server without CHECK_CONSTRAINTS (MySQL before 8.0.16): JSON is its own type there
    }
    List<ColumnSpec> out = new ArrayList<>(columns.size());
    for (ColumnSpec col : columns) {
      String declared =
          col.name() == null ? null : types.get(col.name().toLowerCase(java.util.Locale.ROOT));
      out.add(
          declared == null
              ? col
              : new ColumnSpec(
                  col.name(),
                  col.type(),
                  declared,
                  col.unsigned(),
                  col.nullable(),
                  col.charset(),
                  col.key(),
                  col.length(),
                  col.scale(),
                  col.labels()));
    }
    return out;
  }

  private static final java.util.regex.Pattern JSON_VALID =
      java.util.regex.Pattern.compile("(?i)json_valid\\(`((?:[^`]|``)+)`\\)");

  /** The unique indexes of a table (PRIMARY among them), each its columns in order. */
  private static Map<String, List<String>> keys(Connection c, String schema, String table)
      throws SQLException {
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
          keys.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    return keys;
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
