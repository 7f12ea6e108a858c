package io.ferry.postgresql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A PostgreSQL table as the applier needs it: its columns (which are NOT NULL, which generated),
 * its primary key and unique keys, and the key rows are located by: the primary key, else a unique
 * key of NOT NULL columns, else none (the whole before image). Immutable.
 *
 * @param schema the PostgreSQL schema
 * @param name the table's name
 * @param columns column name to whether it is NOT NULL, in table order
 * @param types column name to its type as PostgreSQL spells it ({@code character varying(40)})
 * @param generated columns PostgreSQL computes (never written)
 * @param locatingKey the columns rows are located by, or empty
 * @param otherUniqueKeys whether it has a unique key besides the locating one (row changes on
 *     different locating keys may then not be reordered)
 */
record PgTable(
    String schema,
    String name,
    Map<String, Boolean> columns,
    Map<String, String> types,
    List<String> generated,
    List<String> locatingKey,
    boolean otherUniqueKeys) {

  String qualified() {
    return PgSql.quote(schema) + "." + PgSql.quote(name);
  }

  String display() {
    return schema + "." + name;
  }

  /**
   * The SQL of a parameter bound as text for a column: plain for character columns, else cast to
   * the column's type (jsonb, date, interval, bit(n), a user's uuid or enum ...), so that the text
   * is read as a value of that type; a character column is never cast (a cast to varchar(n) would
   * cut what does not fit, where an assignment refuses it).
   */
  String textParameter(String column) {
    String type = types.get(column);
    if (type == null
        || type.equals("text")
        || type.startsWith("character varying")
        || type.startsWith("character(")
        || type.equals("character")) {
      return "?";
    }
    return "CAST(? AS " + type + ")";
  }

  /** The column's name as the table spells it (source names may differ in case), or null. */
  String column(String sourceName) {
    if (columns.containsKey(sourceName)) {
      return sourceName;
    }
    for (String c : columns.keySet()) {
      if (c.equalsIgnoreCase(sourceName)) {
        return c;
      }
    }
    return null;
  }

  /** The table as PostgreSQL defines it now, or null if there is none. */
  static PgTable load(Connection c, String schema, String name) throws SQLException {
    Map<String, Boolean> columns = new java.util.LinkedHashMap<>();
    Map<String, String> types = new java.util.HashMap<>();
    List<String> generated = new ArrayList<>();
    String oid = null;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT a.attname, a.attnotnull, a.attgenerated <> '', c.oid::text,"
                + " format_type(a.atttypid, a.atttypmod)"
                + " FROM pg_catalog.pg_class c"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')"
                + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      ps.setString(1, schema);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.put(rs.getString(1), rs.getBoolean(2));
          types.put(rs.getString(1), rs.getString(5));
          if (rs.getBoolean(3)) {
            generated.add(rs.getString(1));
          }
          oid = rs.getString(4);
        }
      }
    }
    if (oid == null) {
      return null;
    }
    List<String> primary = List.of();
    List<List<String>> unique = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT i.indisprimary, ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[])"
                + " WITH ORDINALITY AS k(attnum, ord) JOIN pg_catalog.pg_attribute a"
                + " ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[]"
                + " FROM pg_catalog.pg_index i WHERE i.indrelid = ?::oid AND i.indisunique"
                + " AND i.indpred IS NULL AND i.indexprs IS NULL ORDER BY i.indexrelid")) {
      ps.setString(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<String> cols = Arrays.asList((String[]) rs.getArray(2).getArray());
          if (rs.getBoolean(1)) {
            primary = List.copyOf(cols);
          } else {
            unique.add(List.copyOf(cols));
          }
        }
      }
    }
    List<String> locating = primary;
    if (locating.isEmpty()) {
      for (List<String> u : unique) {
        if (u.stream().allMatch(col -> Boolean.TRUE.equals(columns.get(col)))) {
          locating = u;
          break;
        }
      }
    }
    List<String> chosen = locating;
    boolean others = unique.stream().anyMatch(u -> !u.equals(chosen));
    return new PgTable(
        schema,
        name,
        java.util.Collections.unmodifiableMap(columns),
        Map.copyOf(types),
        List.copyOf(generated),
        chosen,
        others);
  }
}
