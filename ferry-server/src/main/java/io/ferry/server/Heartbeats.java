package io.ferry.server;

import io.ferry.mysql.source.SourceException;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Named heartbeats: a row written to {@code ferry_<service>.heartbeat} on the source, which the
 * extractor turns into a transaction carrying the name (the row itself is not replicated). It
 * travels through every log and applier like any transaction, so "until heartbeat" and latency
 * checks see it where it arrives. The table is created without logging it to the binlog where the
 * account may (BINLOG ADMIN); its DDL is not replicated either way.
 */
final class Heartbeats {
  private Heartbeats() {}

  static void insert(SourceSettings source, String schema, String name) {
    if (name == null || name.isBlank() || name.length() > 128) {
      throw new IllegalArgumentException("a heartbeat name has 1 to 128 characters");
    }
    try (Connection c = SourceProbe.connect(source);
        Statement st = c.createStatement()) {
      boolean unlogged = true;
      try {
        st.execute("SET SESSION sql_log_bin = 0");
      } catch (SQLException e) {
        unlogged = false; // without the privilege the DDL is logged, and the extractor drops it
      }
      st.execute("CREATE DATABASE IF NOT EXISTS `" + schema + "`");
      st.execute(
          "CREATE TABLE IF NOT EXISTS `"
              + schema
              + "`.heartbeat (id INT NOT NULL PRIMARY KEY, name VARCHAR(128) NOT NULL,"
              + " source_time DATETIME(6) NOT NULL) ENGINE=InnoDB"
              + " COMMENT='Ferry heartbeats: changes become named heartbeats in the log'");
      if (unlogged) {
        st.execute("SET SESSION sql_log_bin = 1");
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO `"
                  + schema
                  + "`.heartbeat VALUES (1, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE"
                  + " name = VALUES(name), source_time = VALUES(source_time)")) {
        ps.setString(1, name);
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      throw new SourceException(
          "cannot insert heartbeat '"
              + name
              + "' at the source "
              + source.address()
              + ": "
              + e.getMessage()
              + " (the source account needs CREATE, INSERT and UPDATE on "
              + schema
              + ")",
          false,
          e);
    }
  }
}
