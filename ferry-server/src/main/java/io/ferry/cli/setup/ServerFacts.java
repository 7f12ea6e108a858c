package io.ferry.cli.setup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the pre-flight reads from one server, read-only: settings, the user tables with their
 * columns and keys, triggers, the account's grants and which session settings it may change, and
 * its clock. The session settings are tried with their current value, so nothing changes.
 *
 * @param version the server's version
 * @param mariadb whether it is MariaDB (GTID domains, its privilege names)
 * @param serverId the server's server_id
 * @param domain the server's gtid_domain_id, or -1 on MySQL
 * @param logBin the server's log_bin
 * @param binlogFormat the server's binlog_format
 * @param rowImage the server's binlog_row_image
 * @param increment the server's auto_increment_increment
 * @param offset the server's auto_increment_offset
 * @param tables user tables (schema.table) with their definition
 * @param triggers user triggers
 * @param grants the account's SHOW GRANTS lines
 * @param refused session settings the account may not change, with the server's message
 * @param skew the server's clock minus this machine's, corrected for half the round trip
 */
record ServerFacts(
    String version,
    boolean mariadb,
    long serverId,
    long domain,
    boolean logBin,
    String binlogFormat,
    String rowImage,
    long increment,
    long offset,
    Map<String, TableDef> tables,
    List<Trigger> triggers,
    List<String> grants,
    Map<String, String> refused,
    Duration skew) {

  /**
   * A table's definition as replication sees it.
   *
   * @param columns column name to "type NULL|NOT NULL [collation]", in column order
   * @param primaryKey the primary key's columns, empty for none
   */
  record TableDef(Map<String, String> columns, List<String> primaryKey) {}

  /**
   * A trigger.
   *
   * @param schema its schema
   * @param table the table it is on
   * @param name its name
   * @param guarded whether its body tests {@code @ferry_service}
   * @param readable whether the account may read its body (TRIGGER privilege); the applier takes a
   *     trigger it cannot read as unguarded
   */
  record Trigger(String schema, String table, String name, boolean guarded, boolean readable) {}

  static final String USER_SCHEMAS =
      " NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')"
          + " AND %s NOT LIKE 'ferry\\_%%'";

  static ServerFacts read(Connection c, Clock clock) throws SQLException {
    try (Statement st = c.createStatement()) {
      String version;
      boolean mariadb;
      long serverId;
      boolean logBin;
      String format;
      String image;
      long inc;
      long off;
      try (ResultSet rs =
          st.executeQuery(
              "SELECT @@version, @@server_id, @@log_bin, @@binlog_format, @@binlog_row_image,"
                  + " @@auto_increment_increment, @@auto_increment_offset")) {
        rs.next();
        version = rs.getString(1);
        mariadb = version.contains("MariaDB");
        serverId = rs.getLong(2);
        logBin = rs.getBoolean(3);
        format = rs.getString(4);
        image = rs.getString(5);
        inc = rs.getLong(6);
        off = rs.getLong(7);
      }
      long domain = -1;
      if (mariadb) {
        try (ResultSet rs = st.executeQuery("SELECT @@gtid_domain_id")) {
          rs.next();
          domain = rs.getLong(1);
        }
      }
      Map<String, TableDef> tables = tables(st);
      List<Trigger> triggers = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_STATEMENT"
                  + " FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA"
                  + USER_SCHEMAS.formatted("EVENT_OBJECT_SCHEMA")
                  + " ORDER BY 1, 2, 3")) {
        while (rs.next()) {
          String body = rs.getString(4);
          triggers.add(
              new Trigger(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  body != null && body.toLowerCase(Locale.ROOT).contains("@ferry_service"),
                  body != null));
        }
      }
      List<String> grants = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SHOW GRANTS")) {
        while (rs.next()) {
          grants.add(rs.getString(1));
        }
      }
      Map<String, String> refused = new LinkedHashMap<>();
      List<String> session = new ArrayList<>(List.of("sql_log_bin", "server_id"));
      if (mariadb) {
        session.add("gtid_domain_id");
      }
      for (String v : session) {
        try {
          st.execute("SET SESSION " + v + " = @@session." + v);
        } catch (SQLException e) {
          refused.put(v, e.getMessage());
        }
      }
      return new ServerFacts(
          version,
          mariadb,
          serverId,
          domain,
          logBin,
          format,
          image,
          inc,
          off,
          tables,
          List.copyOf(triggers),
          List.copyOf(grants),
          refused,
          skew(st, clock));
    }
  }

  private static Map<String, TableDef> tables(Statement st) throws SQLException {
    Map<String, Map<String, String>> columns = new TreeMap<>();
    try (ResultSet rs =
        st.executeQuery(
            "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, c.IS_NULLABLE,"
                + " c.COLLATION_NAME FROM information_schema.COLUMNS c"
                + " JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA"
                + " AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE'"
                + " WHERE c.TABLE_SCHEMA"
                + USER_SCHEMAS.formatted("c.TABLE_SCHEMA")
                + " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION")) {
      while (rs.next()) {
        String type =
            rs.getString(4)
                + ("YES".equals(rs.getString(5)) ? " NULL" : " NOT NULL")
                + (rs.getString(6) != null ? " COLLATE " + rs.getString(6) : "");
        columns
            .computeIfAbsent(rs.getString(1) + "." + rs.getString(2), k -> new LinkedHashMap<>())
            .put(rs.getString(3), type);
      }
    }
    Map<String, List<String>> keys = new TreeMap<>();
    try (ResultSet rs =
        st.executeQuery(
            "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM information_schema.STATISTICS"
                + " WHERE INDEX_NAME = 'PRIMARY' AND TABLE_SCHEMA"
                + USER_SCHEMAS.formatted("TABLE_SCHEMA")
                + " ORDER BY TABLE_SCHEMA, TABLE_NAME, SEQ_IN_INDEX")) {
      while (rs.next()) {
        keys.computeIfAbsent(rs.getString(1) + "." + rs.getString(2), k -> new ArrayList<>())
            .add(rs.getString(3));
      }
    }
    Map<String, TableDef> tables = new TreeMap<>();
    columns.forEach(
        (t, cols) -> tables.put(t, new TableDef(cols, keys.getOrDefault(t, List.of()))));
    return tables;
  }

  /** Three reads of the server's clock; the one with the shortest round trip counts. */
  private static Duration skew(Statement st, Clock clock) throws SQLException {
    Duration best = null;
    Duration bestTrip = null;
    for (int i = 0; i < 3; i++) {
      Instant before = clock.instant();
      java.math.BigDecimal server;
      try (ResultSet rs = st.executeQuery("SELECT UNIX_TIMESTAMP(NOW(6))")) {
        rs.next();
        server = rs.getBigDecimal(1);
      }
      Instant after = clock.instant();
      Duration trip = Duration.between(before, after);
      Instant local = before.plus(trip.dividedBy(2));
      long micros = server.movePointRight(6).longValue();
      Instant at = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
      if (bestTrip == null || trip.compareTo(bestTrip) < 0) {
        bestTrip = trip;
        best = Duration.between(local, at);
      }
    }
    return best;
  }
}
