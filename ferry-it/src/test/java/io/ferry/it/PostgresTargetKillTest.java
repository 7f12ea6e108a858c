package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import io.ferry.testkit.Sysbench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * MariaDB → PostgreSQL with the real replicator (a direct service, target.type = postgresql) under
 * sysbench read-write on 4 schemas, while the replicator process and the PostgreSQL server are each
 * killed with SIGKILL at random moments. The tables reach PostgreSQL through the DDL translation
 * (sysbench's CREATE TABLE and CREATE INDEX in the binlog). Afterwards every table in PostgreSQL
 * holds exactly the source's rows, compared row by row through JDBC (sysbench's columns map to
 * integer and varchar: the mapping is the identity on their values), and the service never stopped
 * on an error (a missing row or a duplicate key would have stopped it). Sysbench's updates give the
 * same rows when replayed, so a ledger shows "nothing twice" too: a table without any key, written
 * insert-only in groups of rows with distinct numbers, where a replayed group would add its rows
 * again (nothing stops it): PostgreSQL holds exactly the source's rows, no more.
 *
 * <p>The suite runs {@code 3} kills of each kind; {@code scripts/pg-kill-soak.sh} runs the long
 * form with the system properties {@code ferry.pgsoak.kills} and {@code ferry.pgsoak.seed}.
 */
class PostgresTargetKillTest {
  private static final int SCHEMAS = 4;

  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(1);
  @RegisterExtension final SandboxExtension pg = SandboxExtension.postgresql(1);

  @TempDir Path dir;

  private Path config(SandboxServer source, SandboxServer target) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("service.name = topg");
    lines.add("service.role = direct");
    lines.add("service.dir = " + dir.resolve("topg"));
    lines.addAll(ServiceFiles.source(source));
    lines.add("source.start = beginning");
    lines.add("target.type = postgresql");
    lines.add("target.host = " + target.host());
    lines.add("target.port = " + target.port());
    lines.add("target.user = " + target.app().user());
    lines.add("target.password = " + target.app().password());
    lines.add("target.database = " + target.defaultDatabase());
    lines.add("apply.block-commit-events = 50");
    lines.add("apply.block-commit-latency = 100ms");
    Path file = dir.resolve("topg.properties");
    Files.write(file, lines);
    return file;
  }

  @Test
  void sysbenchIntoPostgresWithKillsOfReplicatorAndServer() throws Exception {
    assumeTrue(Sysbench.installed(), "sysbench is not installed (scripts/test.sh installs it)");
    int kills = Integer.getInteger("ferry.pgsoak.kills", 3);
    long seed = Long.getLong("ferry.pgsoak.seed", 7L);
    long began = System.nanoTime();
    SandboxServer source = db.server(1);
    SandboxServer target = pg.server(1);
    Sysbench sysbench = new Sysbench("oltp_read_write", 2, 500, 1);
    List<String> schemas = new ArrayList<>();
    for (int i = 1; i <= SCHEMAS; i++) {
      schemas.add("pgsb" + i);
      sysbench.prepare(source, "pgsb" + i);
    }
    Sql.run(
        source,
        "CREATE DATABASE IF NOT EXISTS pgmark",
        "CREATE TABLE IF NOT EXISTS pgmark.m (id INT PRIMARY KEY, token VARCHAR(64))");
    Sql.run(
        source,
        "CREATE DATABASE IF NOT EXISTS pgledger",
        "CREATE TABLE IF NOT EXISTS pgledger.l (n BIGINT NOT NULL, g INT NOT NULL, note"
            + " VARCHAR(40))");
    Ledger ledger = new Ledger(source);
    ServiceProcess service = new ServiceProcess(config(source, target));
    List<Process> load = new ArrayList<>();
    Map<String, Integer> done = new TreeMap<>();
    try {
      service.start();
      for (String schema : schemas) {
        load.add(sysbench.run(source, schema, 0, 20, null));
      }
      ledger.start();
      List<String> victims = new ArrayList<>();
      for (int i = 0; i < kills; i++) {
        victims.addAll(List.of("replicator", "postgresql"));
      }
      Random random = new Random(seed);
      Collections.shuffle(victims, random);
      for (String victim : victims) {
        Thread.sleep(1000 + random.nextInt(2000));
        service.checkAlive();
        if (victim.equals("replicator")) {
          service.kill();
          Thread.sleep(random.nextInt(300));
          service.start();
        } else {
          pg.sandboxes().killServer(pg.sandbox().name(), 1);
          Thread.sleep(random.nextInt(1000));
          pg.sandboxes().startServer(pg.sandbox().name(), 1);
        }
        done.merge(victim, 1, Integer::sum);
      }
      for (Process p : load) {
        assertThat(p.isAlive()).as("sysbench ran all along").isTrue();
        p.destroy();
        p.waitFor();
      }
      ledger.finish();
      String token = UUID.randomUUID().toString();
      Sql.run(source, "REPLACE INTO pgmark.m VALUES (1, '" + token + "')");
      long deadline = System.nanoTime() + Duration.ofMinutes(Math.max(3, kills / 4)).toNanos();
      while (!token.equals(pgMark(target))) {
        service.checkAlive();
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "PostgreSQL did not catch up; service log tail:\n" + service.tail());
        }
        Thread.sleep(200);
      }
      int tables = 0;
      long rows = 0;
      for (String schema : schemas) {
        for (int t = 1; t <= 2; t++) {
          String q = "SELECT id, k, c, pad FROM " + schema + ".sbtest" + t + " ORDER BY id";
          List<List<String>> expected = Sql.rows(source, q);
          assertThat(expected).as(q + " on MariaDB").isNotEmpty();
          assertThat(pgRows(target, q)).as(q + " in PostgreSQL").isEqualTo(expected);
          tables++;
          rows += expected.size();
        }
      }
      assertThat(tables).isEqualTo(SCHEMAS * 2);
      String lq = "SELECT n, g, note FROM pgledger.l ORDER BY n, g, note";
      List<List<String>> ledgerRows = Sql.rows(source, lq);
      assertThat(ledgerRows).as("ledger rows written").hasSizeGreaterThan(100);
      assertThat(pgRows(target, lq)).as(lq + " in PostgreSQL").isEqualTo(ledgerRows);
      service.checkAlive();
      assertThat(service.tail()).doesNotContain("OFFLINE:ERROR");
      System.out.printf(
          "PostgreSQL kill test: %s kills, %d tables (%d rows) and %d ledger rows equal, %d s%n",
          done,
          tables,
          rows,
          ledgerRows.size(),
          Duration.ofNanos(System.nanoTime() - began).toSeconds());
    } finally {
      ledger.finish();
      for (Process p : load) {
        p.destroyForcibly();
      }
      service.stop();
    }
  }

  /** Inserts groups of 3 ledger rows with new numbers, one group per transaction, until told. */
  private static final class Ledger extends Thread {
    private final SandboxServer source;
    private volatile boolean stop;
    private volatile Exception failure;

    Ledger(SandboxServer source) {
      super("ledger");
      this.source = source;
      setDaemon(true);
    }

    @Override
    public void run() {
      try (Connection c = source.connect(source.root(), "");
          Statement st = c.createStatement()) {
        for (long n = 1; !stop; n += 3) {
          st.execute("BEGIN");
          for (long i = n; i < n + 3; i++) {
            st.execute(
                "INSERT INTO pgledger.l VALUES (" + i + ", " + (i % 7) + ", 'entry " + i + "')");
          }
          st.execute("COMMIT");
          Thread.sleep(5);
        }
      } catch (Exception e) {
        failure = e;
      }
    }

    void finish() throws InterruptedException {
      stop = true;
      join(10_000);
      if (failure != null) {
        throw new AssertionError("the ledger writer failed", failure);
      }
    }
  }

  private static String pgMark(SandboxServer target) {
    try (Connection c = target.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT token FROM pgmark.m WHERE id = 1")) {
      return rs.next() ? rs.getString(1) : null;
    } catch (java.sql.SQLException e) {
      return null; // not there yet, or the server is starting
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
