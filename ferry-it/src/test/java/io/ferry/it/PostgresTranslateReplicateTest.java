package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.cli.Cli;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workflow the docs describe: {@code ferry ddl translate --apply} creates a MariaDB schema's
 * tables in PostgreSQL, a direct service (target.type = postgresql, starting at the source's binlog
 * position after the translation) replicates the rows written after, including into a table located
 * by a unique key and one without any key, and DDL that arrives later (ALTER TABLE ADD COLUMN) is
 * translated on the way. PostgreSQL then holds the source's rows, compared row by row.
 */
class PostgresTranslateReplicateTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(1);
  @RegisterExtension final SandboxExtension pg = SandboxExtension.postgresql(1);

  @TempDir Path dir;

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(code).as("ferry %s: %s%s", String.join(" ", args), out, err).isZero();
    return out.toString();
  }

  @Test
  void translatedTablesThenReplicatedRowsAndDdl() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = pg.server(1);
    Sql.run(
        source,
        "CREATE DATABASE shop",
        "CREATE TABLE shop.items (id BIGINT UNSIGNED PRIMARY KEY, sku VARCHAR(20) NOT NULL,"
            + " price DECIMAL(12,2), made DATETIME(3), tags SET('a','b'), UNIQUE KEY (sku))",
        "CREATE TABLE shop.codes (code CHAR(3) NOT NULL, label TEXT, UNIQUE KEY (code))",
        "CREATE TABLE shop.log (at TIMESTAMP(6) NULL, msg TEXT)");
    String from =
        "mysql://"
            + source.root().user()
            + ":"
            + source.root().password()
            + "@127.0.0.1:"
            + source.port();
    String to =
        "postgresql://"
            + target.app().user()
            + ":"
            + target.app().password()
            + "@127.0.0.1:"
            + target.port()
            + "/"
            + target.defaultDatabase();
    String printed =
        cli("ddl", "translate", "--from", from, "--schema", "shop", "--to", "postgresql");
    assertThat(printed).contains("CREATE TABLE \"shop\".\"items\"").contains("numeric(20,0)");
    cli(
        "ddl",
        "translate",
        "--from",
        from,
        "--schema",
        "shop",
        "--to",
        "postgresql",
        "--apply",
        "--target",
        to);

    List<String> lines = new ArrayList<>();
    lines.add("service.name = shop_pg");
    lines.add("service.role = direct");
    lines.add("service.dir = " + dir.resolve("shop_pg"));
    lines.addAll(ServiceFiles.source(source));
    List<List<String>> head = Sql.rows(source, "SHOW MASTER STATUS");
    lines.add("source.start = " + head.get(0).get(0) + ":" + head.get(0).get(1));
    lines.add("target.type = postgresql");
    lines.add("target.host = " + target.host());
    lines.add("target.port = " + target.port());
    lines.add("target.user = " + target.app().user());
    lines.add("target.password = " + target.app().password());
    lines.add("target.database = " + target.defaultDatabase());
    Path config = dir.resolve("shop_pg.properties");
    Files.write(config, lines);
    ServiceProcess service = new ServiceProcess(config);
    try {
      service.start();
      Sql.run(
          source,
          "INSERT INTO shop.items VALUES (1, 'A-1', 9.99, '2024-01-01 10:00:00.123', 'a')",
          "INSERT INTO shop.items VALUES (2, 'B-2', 12345678.90, '2024-02-29 23:59:59.999', 'a,b')",
          "UPDATE shop.items SET price = 1.50, sku = 'A-1b' WHERE id = 1",
          "INSERT INTO shop.codes VALUES ('x', 'ex'), ('y', NULL), ('z', 'zed')",
          "UPDATE shop.codes SET label = 'why' WHERE code = 'y'",
          "DELETE FROM shop.codes WHERE code = 'z'",
          "INSERT INTO shop.log VALUES ('2024-05-01 00:00:00', 'one'), (NULL, NULL),"
              + " ('2024-05-01 00:00:00', 'one')",
          "DELETE FROM shop.log WHERE msg = 'one' LIMIT 1",
          "UPDATE shop.log SET msg = 'null at' WHERE at IS NULL",
          "ALTER TABLE shop.items ADD COLUMN note VARCHAR(10) NULL",
          "UPDATE shop.items SET note = 'noted' WHERE id = 2",
          "CREATE TABLE shop.done (id INT PRIMARY KEY)",
          "INSERT INTO shop.done VALUES (1)");
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!done(target)) {
        service.checkAlive();
        if (System.nanoTime() > deadline) {
          throw new AssertionError("PostgreSQL did not catch up:\n" + service.tail());
        }
        Thread.sleep(200);
      }
      for (String q :
          List.of(
              "SELECT id, sku, price, note FROM shop.items ORDER BY id",
              "SELECT code, label FROM shop.codes ORDER BY code",
              "SELECT msg FROM shop.log ORDER BY msg")) {
        assertThat(pgRows(target, q)).as(q).isEqualTo(Sql.rows(source, q));
      }
      assertThat(
              pgRows(
                  target,
                  "SELECT to_char(made, 'YYYY-MM-DD HH24:MI:SS.MS'), tags"
                      + " FROM shop.items ORDER BY id"))
          .containsExactly(
              List.of("2024-01-01 10:00:00.123", "a"), List.of("2024-02-29 23:59:59.999", "a,b"));
    } finally {
      service.stop();
    }
  }

  private static boolean done(SandboxServer target) {
    try (Connection c = target.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM shop.done")) {
      return rs.next() && rs.getInt(1) == 1;
    } catch (java.sql.SQLException e) {
      return false;
    }
  }

  private static List<List<String>> pgRows(SandboxServer target, String query) throws Exception {
    List<List<String>> out = new ArrayList<>();
    try (Connection c = target.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        out.add(row);
      }
    }
    return out;
  }
}
