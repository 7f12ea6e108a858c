package io.ferry.mysql.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Passwords in statements are hidden wherever a statement is shown. */
class SecretsTest {
  @Test
  void hidesEveryFormOfPasswordLiteral() {
    String[][] cases = {
      {
        "CREATE USER 'app'@'%' IDENTIFIED BY 's3cr''et'",
        "CREATE USER 'app'@'%' IDENTIFIED BY '*****'"
      },
      {
        "alter user app identified with mysql_native_password as \"h4sh\"",
        "alter user app identified with mysql_native_password as '*****'"
      },
      {
        "CREATE USER x IDENTIFIED VIA ed25519 USING PASSWORD('pw1')",
        "CREATE USER x IDENTIFIED VIA ed25519 USING PASSWORD('*****')"
      },
      {
        "SET PASSWORD FOR 'x'@'%' = PASSWORD('pw2')", "SET PASSWORD FOR 'x'@'%' = PASSWORD('*****')"
      },
      {"SET PASSWORD = 'pw3'", "SET PASSWORD = '*****'"},
      {"SELECT PASSWORD('pw4')", "SELECT PASSWORD('*****')"},
      {
        "CHANGE MASTER TO MASTER_HOST='h', MASTER_PASSWORD='pw\\'5'",
        "CHANGE MASTER TO MASTER_HOST='h', MASTER_PASSWORD='*****'"
      },
    };
    for (String[] c : cases) {
      assertThat(Secrets.redact(c[0])).as(c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void leavesOtherStatementsAlone() {
    String sql = "INSERT INTO t (password) VALUES ('not a secret of the server')";
    assertThat(Secrets.redact(sql)).isEqualTo(sql);
    assertThat(Secrets.redact(null)).isNull();
    String huge = "x".repeat(200_000);
    assertThat(Secrets.redact("SET PASSWORD = '" + huge + "'")).isEqualTo("SET PASSWORD = '*****'");
  }
}
