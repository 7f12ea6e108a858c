package io.ferry.it;

import io.ferry.sandbox.SandboxServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

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
}
