package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heterogeneous-target commands end to end: {@code ferry ddl translate} prints and applies a
 * MariaDB schema's tables as PostgreSQL DDL, {@code ferry setup direct --target} on a PostgreSQL
 * sandbox server writes a service of target.type postgresql, and that service applies what the
 * source then writes: PostgreSQL's rows equal MariaDB's, read through JDBC on both sides.
 */
class TargetSetupTest {
  @RegisterExtension static final SandboxExtension MARIADB = SandboxExtension.mariadb(1);
  @RegisterExtension static final SandboxExtension PG = SandboxExtension.postgresql(1);

  @TempDir Path dir;

  private static final String SCHEMA =
      "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(40) NOT NULL,"
          + " qty INT UNSIGNED, price DECIMAL(10,2), placed DATETIME(6), UNIQUE KEY (item))";

  @Test
  void translateApplyAndReplicateIntoPostgresql() throws Exception {
    SandboxServer src = MARIADB.server(1);
    SandboxServer pg = PG.server(1);
    Sql.run(src, "CREATE DATABASE shop", SCHEMA);
    String from = MARIADB.sandbox().name() + ":1";
    String to = PG.sandbox().name() + ":1";
    String home = MARIADB.sandboxes().home().toString();
    try (ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf"))) {
      String printed =
          ok(
              "ddl",
              "translate",
              "--from",
              from,
              "--schema",
              "shop",
              "--to",
              "postgresql",
              "--sandbox-home",
              home);
      assertThat(printed)
          .contains("CREATE TABLE")
          .contains("\"orders\"")
          .contains("PRIMARY KEY")
          .contains("varchar(40)")
          .contains("numeric(10,2)");
      ReplicatorFixture.Result bad =
          ReplicatorFixture.raw(
              "ddl",
              "translate",
              "--from",
              from,
              "--schema",
              "shop",
              "--to",
              "oracle",
              "--sandbox-home",
              home);
      assertThat(bad.code()).isNotZero();
      assertThat(bad.err()).contains("no translator for dialect 'oracle'").contains("postgresql");
      ok(
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
          to,
          "--sandbox-home",
          home);
      assertThat(pgColumns(pg)).containsExactly("id", "item", "qty", "price", "placed");
      Path duck = dir.resolve("warehouse.duckdb");
      ok(
          "ddl",
          "translate",
          "--from",
          from,
          "--schema",
          "shop",
          "--to",
          "duckdb",
          "--apply",
          "--target",
          "duckdb:" + duck,
          "--sandbox-home",
          home);
      try (Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + duck);
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT column_name, data_type FROM information_schema.columns"
                      + " WHERE table_schema = 'shop' AND table_name = 'orders'"
                      + " ORDER BY ordinal_position")) {
        List<String> cols = new ArrayList<>();
        while (rs.next()) {
          cols.add(rs.getString(1) + " " + rs.getString(2));
        }
        assertThat(cols)
            .containsExactly(
                "id INTEGER",
                "item VARCHAR",
                "qty UINTEGER",
                "price DECIMAL(10,2)",
                "placed TIMESTAMP");
      }

      f.ok(
          "setup",
          "direct",
          "--master",
          from,
          "--target",
          to,
          "--service",
          "topg",
          "--sandbox-home",
          home,
          "--data-dir",
          dir.resolve("data").toString());
      String conf = Files.readString(dir.resolve("conf/services/topg.conf"));
      assertThat(conf).contains("target.type = postgresql");
      f.start();
      Service s = f.replicator().service("topg");
      Sql.run(
          src,
          "INSERT INTO shop.orders VALUES (1, 'kayak', 2, 499.90, '2026-11-30 10:00:00.123456')",
          "INSERT INTO shop.orders VALUES (2, 'canoe', NULL, NULL, NULL)",
          "UPDATE shop.orders SET qty = qty + 1 WHERE id = 1",
          "INSERT INTO shop.orders VALUES (3, 'oar', 4294967295, -0.01, '1999-12-31 23:59:59')",
          "DELETE FROM shop.orders WHERE id = 2");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      List<String> want = mariadbRows(src);
      while (!pgRows(pg).equals(want) && System.nanoTime() < deadline) {
        assertThat(s.state()).isNotEqualTo(Service.State.OFFLINE_ERROR);
        Thread.sleep(100);
      }
      assertThat(pgRows(pg)).isEqualTo(want).hasSize(2);
    }
  }

  /** Runs a command without a configuration directory that must succeed. */
  private static String ok(String... args) {
    ReplicatorFixture.Result r = ReplicatorFixture.raw(args);
    assertThat(r.code()).as(String.join(" ", args) + ":\n" + r.out() + r.err()).isZero();
    return r.out();
  }

  private static List<String> pgColumns(SandboxServer pg) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = pg.connect(pg.root(), pg.defaultDatabase());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'shop'"
                    + " AND table_name = 'orders' ORDER BY ordinal_position")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static List<String> mariadbRows(SandboxServer src) throws Exception {
    try (Connection c = src.connect(src.root(), "");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT id, item, qty, price, DATE_FORMAT(placed, '%Y-%m-%d %H:%i:%s.%f')"
                    + " FROM shop.orders ORDER BY id")) {
      return rows(rs);
    }
  }

  private static List<String> pgRows(SandboxServer pg) throws Exception {
    try (Connection c = pg.connect(pg.root(), pg.defaultDatabase());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT id, item, qty, price, to_char(placed, 'YYYY-MM-DD HH24:MI:SS.US')"
                    + " FROM shop.orders ORDER BY id")) {
      return rows(rs);
    } catch (java.sql.SQLException e) {
      return List.of(e.getMessage());
    }
  }

  private static List<String> rows(ResultSet rs) throws Exception {
    List<String> out = new ArrayList<>();
    while (rs.next()) {
      StringBuilder b = new StringBuilder();
      for (int i = 1; i <= 5; i++) {
        b.append(rs.getString(i)).append('|');
      }
      out.add(b.toString());
    }
    return out;
  }
}
