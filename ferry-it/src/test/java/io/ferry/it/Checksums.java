package io.ferry.it;

import io.ferry.sandbox.SandboxServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Test helper: CHECKSUM TABLE of every table in some schemas, and a marker to sync on. */
final class Checksums {
  private Checksums() {}

  static Map<String, Long> of(SandboxServer s, List<String> schemas) throws Exception {
    Map<String, Long> sums = new TreeMap<>();
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      for (String schema : schemas) {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs =
            st.executeQuery(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                    + schema
                    + "' AND TABLE_TYPE = 'BASE TABLE'")) {
          while (rs.next()) {
            tables.add(rs.getString(1));
          }
        }
        for (String t : tables) {
          try (ResultSet rs = st.executeQuery("CHECKSUM TABLE `" + schema + "`.`" + t + "`")) {
            rs.next();
            sums.put(schema + "." + t, rs.getLong(2));
          }
        }
      }
    }
    return sums;
  }

  /** Writes a marker row on the source; returns its token. */
  static String mark(SandboxServer source) throws Exception {
    String token = java.util.UUID.randomUUID().toString();
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE IF NOT EXISTS ferry_it_sync");
      st.execute(
          "CREATE TABLE IF NOT EXISTS ferry_it_sync.mark (id INT PRIMARY KEY, token VARCHAR(64))");
      st.execute("REPLACE INTO ferry_it_sync.mark VALUES (1, '" + token + "')");
    }
    return token;
  }

  /** Whether the target has the marker row with this token. */
  static boolean hasMark(SandboxServer target, String token) {
    try (Connection c = target.connect(target.root(), "");
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT COUNT(*) FROM information_schema.TABLES"
                  + " WHERE TABLE_SCHEMA = 'ferry_it_sync' AND TABLE_NAME = 'mark'")) {
        if (!rs.next() || rs.getInt(1) == 0) {
          return false;
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT token FROM ferry_it_sync.mark WHERE id = 1")) {
        return rs.next() && token.equals(rs.getString(1));
      }
    } catch (Exception e) {
      return false; // the target may be restarting
    }
  }
}
