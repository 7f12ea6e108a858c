package io.ferry.it;

import io.ferry.sandbox.SandboxServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Test helper: statements and one-value queries on a sandboxed server, as its root account. */
final class Sql {
  private Sql() {}

  static void run(SandboxServer s, String... statements) throws Exception {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      for (String q : statements) {
        st.execute(q);
      }
    }
  }

  /** The first column of the first row, or null. */
  static String value(SandboxServer s, String query) throws Exception {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** Every row of a query, each as its columns' text (getString; SQL NULL as null), in order. */
  static List<List<String>> rows(SandboxServer s, String query) throws Exception {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      int n = rs.getMetaData().getColumnCount();
      List<List<String>> out = new ArrayList<>();
      while (rs.next()) {
        List<String> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        out.add(row);
      }
      return out;
    }
  }

  /** Whether a schema, or a table ({@code schema.table}), exists. */
  static boolean exists(SandboxServer s, String name) throws Exception {
    int dot = name.indexOf('.');
    String q =
        dot < 0
            ? "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + name + "'"
            : "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                + name.substring(0, dot)
                + "' AND TABLE_NAME = '"
                + name.substring(dot + 1)
                + "'";
    return !"0".equals(value(s, q));
  }

  /** Every row of a query on a PostgreSQL sandbox server, as {@link #rows} gives them. */
  static List<List<String>> pgRows(SandboxServer target, String query) throws Exception {
    List<List<String>> out = new java.util.ArrayList<>();
    try (Connection c = target.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new java.util.ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        out.add(row);
      }
    }
    return out;
  }
}
