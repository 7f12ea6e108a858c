package io.ferry.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.target.TargetKeys;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Netting: inserts, updates, deletes and key changes of the same keys inside ONE batch leave the
 * warehouse with exactly the source's final rows (DuckDB and PostgreSQL).
 */
class NettingTest {
  @RegisterExtension static final SandboxExtension MARIADB = SandboxExtension.mariadb(1);
  @RegisterExtension static final SandboxExtension PG = SandboxExtension.postgresql(1);

  @TempDir Path dir;

  private static final String[] SETUP = {
    "DROP DATABASE IF EXISTS app",
    "CREATE DATABASE app",
    "CREATE TABLE app.acct (id INT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(12,2))",
    "CREATE TABLE app.pair (a INT, b VARCHAR(10), v INT NOT NULL, PRIMARY KEY (a, b))",
  };

  private static final String[] WORKLOAD = {
    "BEGIN",
    "INSERT INTO app.acct VALUES (100, 'gone', 1)",
    "DELETE FROM app.acct WHERE id = 100",
    "COMMIT",
    "INSERT INTO app.acct VALUES (101, 'new', 1)",
    "UPDATE app.acct SET name = 'new2' WHERE id = 101",
    "UPDATE app.acct SET name = 'new3', amount = 3.5 WHERE id = 101",
    "UPDATE app.acct SET name = 'x' WHERE id = 1",
    "UPDATE app.acct SET name = 'y' WHERE id = 1",
    "DELETE FROM app.acct WHERE id = 2",
    "UPDATE app.acct SET id = 200 WHERE id = 3",
    "UPDATE app.acct SET name = 'moved' WHERE id = 200",
    "DELETE FROM app.acct WHERE id = 4",
    "UPDATE app.acct SET id = 4 WHERE id = 5",
    "UPDATE app.acct SET id = 300 WHERE id = 6",
    "UPDATE app.acct SET id = 6 WHERE id = 7",
    "UPDATE app.acct SET id = 7 WHERE id = 300",
    "DELETE FROM app.acct WHERE id = 8",
    "INSERT INTO app.acct VALUES (8, 'again', 8.8)",
    "UPDATE app.acct SET amount = amount + 1 WHERE id BETWEEN 10 AND 20",
    "DELETE FROM app.acct WHERE id BETWEEN 30 AND 35",
    "INSERT INTO app.acct VALUES (102, 'short', NULL)",
    "UPDATE app.acct SET id = 103 WHERE id = 102",
    "DELETE FROM app.acct WHERE id = 103",
    "INSERT INTO app.acct VALUES (104, NULL, NULL)",
    "UPDATE app.acct SET name = '' WHERE id = 104",
    "UPDATE app.pair SET b = 'z' WHERE a = 1 AND b = 'b'",
    "UPDATE app.pair SET a = 9 WHERE a = 2 AND b = 'a'",
    "DELETE FROM app.pair WHERE a = 3",
    "INSERT INTO app.pair VALUES (3, 'a', 33)",
    "UPDATE app.pair SET v = v * 10",
    "BEGIN",
    "UPDATE app.acct SET name = 'rolled back' WHERE id = 9",
    "ROLLBACK",
  };

  private static void seed(SandboxServer src) throws Exception {
    StringBuilder acct = new StringBuilder("INSERT INTO app.acct VALUES ");
    for (int i = 1; i <= 50; i++) {
      acct.append(i == 1 ? "" : ",").append("(" + i + ", 'n" + i + "', " + i + ".25)");
    }
    Harness.sql(
        src,
        acct.toString(),
        "INSERT INTO app.pair VALUES (1, 'a', 1), (1, 'b', 2), (2, 'a', 3), (3, 'a', 4)");
  }

  @Test
  void duckdbNetsABatchToTheSourceRows() throws Exception {
    run(Harness.duckdb("net", dir), false);
  }

  @Test
  void postgresqlNetsABatchToTheSourceRows() throws Exception {
    try (Connection c = PG.server(1).connect();
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS app CASCADE");
      st.execute("DROP SCHEMA IF EXISTS marker CASCADE");
      st.execute("DROP SCHEMA IF EXISTS ferry_net CASCADE");
      st.execute("CREATE SCHEMA app");
      st.execute(
          "CREATE TABLE app.acct (id integer PRIMARY KEY, name varchar(40), amount numeric(12,2))");
      st.execute(
          "CREATE TABLE app.pair (a integer, b varchar(10), v integer NOT NULL, PRIMARY KEY (a,"
              + " b))");
      st.execute("CREATE SCHEMA marker");
      st.execute("CREATE TABLE marker.done (id integer PRIMARY KEY)");
    }
    // no postgresql translator on this module's class path: the tables were made above
    run(Harness.postgresql("net", dir, PG.server(1)).set(TargetKeys.DDL, "ignore"), true);
  }

  private void run(Harness.Config config, boolean pg) throws Exception {
    SandboxServer src = MARIADB.server(1);
    BinlogPosition start = Harness.head(src);
    Harness.sql(src, SETUP);
    seed(src);
    Harness.marker(src);
    List<Transaction> first = Harness.read(src, start, 1);
    BinlogPosition second = Harness.head(src);
    Harness.sql(src, WORKLOAD);
    Harness.marker(src);
    List<Transaction> batch = Harness.read(src, second, first.size() + 1);

    try (WarehouseTarget target = Harness.open(config)) {
      Applier a = target.applier();
      Harness.applyAll(a, first);
      Harness.applyAll(a, batch); // the whole workload is one batch
      a.close();
      assertThat(target.stats().get("applier").get("batches")).isEqualTo(2L);
      assertThat(target.stats().get("applier").get("transactions"))
          .isEqualTo((long) (first.size() + batch.size()));
      try (Stream<Path> left = Files.list(dir.resolve("warehouse-staging").resolve("net"))) {
        assertThat(left).isEmpty();
      }
      try (Connection w = target.dialect().connect()) {
        String text = pg ? "::text" : "::VARCHAR";
        try (Connection s = src.connect(src.root(), "")) {
          assertThat(
                  Harness.rows(w, "SELECT id, name, amount" + text + " FROM app.acct ORDER BY id"))
              .isEqualTo(
                  Harness.rows(
                      s, "SELECT id, name, CAST(amount AS CHAR) FROM app.acct ORDER BY id"))
              .hasSize(44);
          assertThat(Harness.rows(w, "SELECT a, b, v FROM app.pair ORDER BY a, b"))
              .isEqualTo(Harness.rows(s, "SELECT a, b, v FROM app.pair ORDER BY a, b"));
        }
        assertThat(Harness.rows(w, "SELECT seqno FROM ferry_net.position").get(0).get(0))
            .isEqualTo(Long.toString(first.size() + batch.size()));
      }
    }
  }
}
