package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.sandbox.SandboxServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Test helper: compares a schema on two servers table by table, row by row: every value as the
 * server renders it (binary columns in hex), rows sorted.
 */
final class Compare {
  private Compare() {}

  static List<String> tables(SandboxServer s, String schema) throws Exception {
    List<String> tables = new ArrayList<>();
    try (Connection c = s.connect(s.root(), "");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                    + " AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
    }
    return tables;
  }

  static List<String> rows(SandboxServer s, String schema, String table) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      st.execute("SET SESSION time_zone = '+00:00'");
      try (ResultSet rs = st.executeQuery("SELECT * FROM `" + schema + "`.`" + table + "`")) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder sb = new StringBuilder();
          for (int i = 1; i <= n; i++) {
            int type = rs.getMetaData().getColumnType(i);
            boolean binary =
                type == java.sql.Types.BINARY
                    || type == java.sql.Types.VARBINARY
                    || type == java.sql.Types.LONGVARBINARY
                    || type == java.sql.Types.BLOB;
            String v;
            if (binary) {
              byte[] b = rs.getBytes(i);
              v = b == null ? null : HexFormat.of().formatHex(b);
            } else {
              v = rs.getString(i);
            }
            sb.append(i == 1 ? "" : "|").append(v == null ? "NULL" : v);
          }
          rows.add(sb.toString());
        }
      }
    }
    rows.sort(null);
    return rows;
  }

  /** Asserts that both servers have the same tables in the schema with the same rows. */
  static void schema(SandboxServer source, SandboxServer target, String schema) throws Exception {
    List<String> tables = tables(source, schema);
    assertThat(tables).as("tables of " + schema + " on the source").isNotEmpty();
    assertThat(tables(target, schema))
        .as("tables of " + schema + " on the target")
        .isEqualTo(tables);
    for (String t : tables) {
      assertThat(rows(target, schema, t))
          .as(schema + "." + t + " on the target")
          .isEqualTo(rows(source, schema, t));
    }
  }
}
