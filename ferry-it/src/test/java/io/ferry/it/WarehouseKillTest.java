package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import io.ferry.testkit.Sysbench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The warehouse target under kill -9: sysbench read-write on 4 schemas of a sandboxed MariaDB, a
 * direct service (a real replicator process) applying into the warehouse in batches, SIGKILLed at
 * random moments during the load (and, for PostgreSQL, its server too); afterwards every table in
 * the warehouse equals the source's row by row (by the documented mapping: sysbench's INT and CHAR
 * columns arrive as they are). DuckDB allows one process per file, so its tables are read after the
 * service stops; PostgreSQL's while it runs. The suite runs a short form; {@code
 * scripts/warehouse-kill-soak.sh} the long one (system property {@code ferry.warehouse.kills},
 * {@code ferry.warehouse.seed}).
 */
class WarehouseKillTest {
  private static final int SCHEMAS = 4;
  private static final int TABLES = 2;

  @RegisterExtension final SandboxExtension mariadb = SandboxExtension.mariadb(1);
  @RegisterExtension final SandboxExtension pg = SandboxExtension.postgresql(1);

  @TempDir Path dir;

  @ParameterizedTest(name = "dialect {0}, {1} kills")
  @CsvSource({"duckdb, 4", "postgresql, 4"})
  void killedDuringTheLoadTheWarehouseEqualsTheSource(String dialect, int suiteKills)
      throws Exception {
    assumeTrue(Sysbench.installed(), "sysbench is not installed (scripts/test.sh installs it)");
    int kills = Integer.getInteger("ferry.warehouse.kills", suiteKills);
    Random random = new Random(Long.getLong("ferry.warehouse.seed", 7L));
    SandboxServer source = mariadb.server(1);
    Sysbench sysbench = new Sysbench("oltp_read_write", TABLES, 300, 1);
    List<String> schemas = new ArrayList<>();
    for (int i = 1; i <= SCHEMAS; i++) {
      schemas.add("sb" + i);
      sysbench.prepare(source, "sb" + i);
    }
    Sql.run(
        source,
        "CREATE DATABASE IF NOT EXISTS wh_sync",
        "CREATE TABLE IF NOT EXISTS wh_sync.mark (id INT PRIMARY KEY, token VARCHAR(64))");
    boolean duck = dialect.equals("duckdb");
    Path store = dir.resolve("store.duckdb");
    List<String> lines = new ArrayList<>();
    lines.add("target.type = warehouse");
    lines.add("target.warehouse.batch-interval = 2s");
    lines.add("target.warehouse.batch-rows = 5000");
    if (duck) {
      lines.add("target.warehouse.dialect = duckdb");
      lines.add("target.warehouse.path = " + store);
    } else {
      SandboxServer p = pg.server(1);
      lines.add("target.warehouse.dialect = postgresql");
      lines.add("target.host = " + p.host());
      lines.add("target.port = " + p.port());
      lines.add("target.user = " + p.root().user());
      lines.add("target.password = " + p.root().password());
      lines.add("target.database = " + p.defaultDatabase());
      // the tables come from the log's CREATE TABLEs, translated by the postgresql target's
      // translator (ferry-postgresql is on this module's class path)
    }
    Path config = directFile(source, lines);
    ServiceProcess service = new ServiceProcess(config);
    List<Process> load = new ArrayList<>();
    try {
      service.start();
      for (String schema : schemas) {
        load.add(sysbench.run(source, schema, 0, 20, null));
      }
      // the replicator, and for PostgreSQL its server too, each killed `kills` times
      List<String> victims = new ArrayList<>();
      for (int i = 0; i < kills; i++) {
        victims.add("replicator");
        if (!duck) {
          victims.add("store");
        }
      }
      java.util.Collections.shuffle(victims, random);
      for (String victim : victims) {
        // (long enough that a restarted replicator is applying again before the next kill)
        Thread.sleep(duck ? 2500 + random.nextInt(2500) : 1200 + random.nextInt(2000));
        service.checkAlive();
        if (victim.equals("replicator")) {
          service.kill();
          Thread.sleep(random.nextInt(500));
          service.start();
        } else {
          pg.sandboxes().killServer(pg.sandbox().name(), 1);
          Thread.sleep(random.nextInt(500));
          pg.sandboxes().startServer(pg.sandbox().name(), 1);
        }
      }
      Thread.sleep(1000);
      for (Process p : load) {
        assertThat(p.isAlive()).as("sysbench ran all along").isTrue();
        p.destroy();
        p.waitFor();
      }
      String token = java.util.UUID.randomUUID().toString();
      Sql.run(source, "REPLACE INTO wh_sync.mark VALUES (1, '" + token + "')");
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      while (!caughtUp(duck, store, service, token)) {
        service.checkAlive();
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the warehouse did not catch up; log tail:\n" + service.tail());
        }
        Thread.sleep(500);
      }
      service.stop();
      assertThat(service.count("ERROR")).as("errors in the service's log").isZero();
      int compared = 0;
      try (Connection w = warehouse(duck, store)) {
        for (String s : schemas) {
          for (int t = 1; t <= TABLES; t++) {
            String q = "SELECT id, k, c, pad FROM " + s + ".sbtest" + t + " ORDER BY id";
            List<List<String>> expected = Sql.rows(source, q);
            assertThat(rows(w, q)).as(s + ".sbtest" + t).isEqualTo(expected);
            compared += expected.size();
          }
        }
      }
      assertThat(compared).isGreaterThan(SCHEMAS * TABLES * 200);
      System.out.printf(
          "warehouse kill test: %s, %d kills, %d rows equal, %d starts of the applying stage%n",
          dialect, kills, compared, service.count("stage binlog-to-target starts"));
    } finally {
      for (Process p : load) {
        p.destroyForcibly();
      }
      service.kill();
      service.keepLog(Path.of("target", "warehouse-kill-" + dialect + ".log"));
    }
  }

  private Path directFile(SandboxServer source, List<String> targetLines) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("service.name = wh");
    lines.add("service.role = direct");
    lines.add("service.dir = " + dir.resolve("wh"));
    lines.addAll(ServiceFiles.source(source));
    lines.add("source.start = beginning");
    lines.addAll(targetLines);
    Path f = dir.resolve("wh.conf");
    Files.write(f, lines);
    return f;
  }

  /**
   * Whether the warehouse holds the marker. DuckDB's file is read only with the service stopped
   * (one process per file): stopped, looked at, and started again when not there yet.
   */
  private boolean caughtUp(boolean duck, Path store, ServiceProcess service, String token)
      throws Exception {
    if (duck) {
      Thread.sleep(3000);
      service.stop();
    }
    boolean there;
    try (Connection w = warehouse(duck, store)) {
      List<List<String>> r = rows(w, "SELECT token FROM wh_sync.mark WHERE id = 1");
      there = !r.isEmpty() && token.equals(r.get(0).get(0));
    } catch (SQLException e) {
      there = false; // not created yet
    }
    if (duck && !there) {
      service.start();
    }
    return there;
  }

  private Connection warehouse(boolean duck, Path store) throws SQLException {
    if (duck) {
      return DriverManager.getConnection("jdbc:duckdb:" + store);
    }
    SandboxServer p = pg.server(1);
    return p.connect(p.root(), p.defaultDatabase());
  }

  private static List<List<String>> rows(Connection c, String sql) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getString(i));
        }
        out.add(row);
      }
    }
    return out;
  }
}
