package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.parallel.ParallelStatus;
import io.ferry.core.pipeline.StageStatus;
import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parallel apply against its oracle: concurrent clients on the source run the patterns that break
 * naive parallel appliers (a hot row every transaction updates, unique values handed from row to
 * row, foreign keys with and without cascades, ranges inserted and deleted, DDL in the middle of
 * the stream, MyISAM and Aria tables, a transaction larger than a fragment, several schemas), a
 * direct service applies them with four channels, and every table of the target must equal the
 * source's (the serial history itself), under both schedulers; the barrier counters must show the
 * transactions that ran alone.
 */
class ParallelApplyTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  @TempDir Path dir;

  private static final List<String> SCHEMAS =
      List.of("p_hot", "p_uk", "p_fk", "p_gap", "p_misc", "p_s1", "p_s2", "p_s3");

  @ParameterizedTest
  @ValueSource(strings = {"shard", "key"})
  void everyTableEqualsTheSourceAfterTheHardPatterns(String scheduler) throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    schema(source);
    try (Service svc =
        new Service(
            ServiceFiles.load(
                ServiceFiles.direct(
                    dir,
                    "par",
                    source,
                    target,
                    "apply.channels = 4",
                    "apply.scheduler = " + scheduler,
                    "apply.block-commit-events = 10",
                    "source.fragment-bytes = 65536")),
            Clock.systemUTC())) {
      svc.online(Service.OnlineOptions.NONE);
      workload(source, 7L);
      String token = Checksums.mark(source);
      awaitMark(target, token, svc);
      svc.offline();
      Map<String, Long> want = Checksums.of(source, SCHEMAS);
      Map<String, Long> got = Checksums.of(target, SCHEMAS);
      assertThat(got).isEqualTo(want);
      assertThat(want).hasSizeGreaterThan(10);
      assertThat(Sql.value(target, "SELECT COUNT(*) FROM p_hot.ledger"))
          .isEqualTo(Sql.value(source, "SELECT COUNT(*) FROM p_hot.ledger"));

      StageStatus stage = svc.status().stages().get(svc.status().stages().size() - 1);
      ParallelStatus par = stage.parallel();
      assertThat(par).isNotNull();
      assertThat(par.channels()).hasSize(4);
      assertThat(par.serialized()).containsKey("DDL or non-transactional change");
      assertThat(par.serialized()).containsKey("large transaction (several fragments)");
      // a clean offline leaves every channel at the same seqno
      long first = par.channels().get(0).position().seqno();
      assertThat(par.channels()).allMatch(c -> c.position().seqno() == first);
      assertThat(Sql.rows(target, "SELECT DISTINCT seqno FROM ferry_par.position")).hasSize(1);
      System.out.println("parallel apply (" + scheduler + "): " + par);
      assertThat(par.channels().stream().filter(c -> c.transactions() > 0).count())
          .as("channels that applied something")
          .isGreaterThan(1);
      if (scheduler.equals("key")) {
        assertThat(par.serialized()).containsKey("parent of a cascading foreign key");
        assertThat(par.serializedLast())
            .containsEntry("parent of a cascading foreign key", "p_fk.cparent (c_fk)");
      }
    }
  }

  static void schema(SandboxServer source) throws Exception {
    List<String> ddl = new ArrayList<>();
    for (String s : SCHEMAS) {
      ddl.add("CREATE DATABASE " + s);
    }
    ddl.addAll(
        List.of(
            "CREATE TABLE p_hot.hot (id INT PRIMARY KEY, n BIGINT NOT NULL, v VARCHAR(40))",
            "INSERT INTO p_hot.hot VALUES (1, 0, '')",
            "CREATE TABLE p_hot.ledger (id BIGINT AUTO_INCREMENT PRIMARY KEY, who INT, n BIGINT)",
            "CREATE TABLE p_uk.u (id INT PRIMARY KEY, code VARCHAR(20) NOT NULL, UNIQUE KEY (code))"
                + " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
            "CREATE TABLE p_fk.parent (id INT PRIMARY KEY, name VARCHAR(20))",
            "CREATE TABLE p_fk.child (id INT PRIMARY KEY, parent_id INT NOT NULL, x INT,"
                + " CONSTRAINT p_fk FOREIGN KEY (parent_id) REFERENCES p_fk.parent (id))",
            "CREATE TABLE p_fk.cparent (id INT PRIMARY KEY, name VARCHAR(20))",
            "CREATE TABLE p_fk.cchild (id INT PRIMARY KEY, parent_id INT NOT NULL,"
                + " CONSTRAINT c_fk FOREIGN KEY (parent_id) REFERENCES p_fk.cparent (id)"
                + " ON DELETE CASCADE)",
            "CREATE TABLE p_gap.g (id INT PRIMARY KEY, k INT NOT NULL, KEY (k))",
            "CREATE TABLE p_misc.m (id INT PRIMARY KEY, v INT) ENGINE=MyISAM",
            "CREATE TABLE p_misc.a (id INT PRIMARY KEY, v INT) ENGINE=Aria",
            "CREATE TABLE p_misc.big (id INT PRIMARY KEY, pad VARCHAR(2000))"));
    for (int i = 0; i < 20; i++) {
      ddl.add("INSERT INTO p_uk.u VALUES (" + i + ", 'c" + i + "')");
    }
    for (String s : List.of("p_s1", "p_s2", "p_s3")) {
      ddl.add("CREATE TABLE " + s + ".t (id INT PRIMARY KEY, v INT, w VARCHAR(30))");
    }
    Sql.run(source, ddl.toArray(String[]::new));
  }

  /** Four clients at once, then DDL, then four more, with a large transaction in between. */
  static void workload(SandboxServer source, long seed) throws Exception {
    runClients(source, seed, 4, 150);
    Sql.run(source, "ALTER TABLE p_s1.t ADD COLUMN extra INT DEFAULT 7");
    StringBuilder big = new StringBuilder("INSERT INTO p_misc.big VALUES ");
    String pad = "x".repeat(1500);
    for (int i = 0; i < 400; i++) {
      big.append(i == 0 ? "" : ",").append("(").append(i).append(", '").append(pad).append("')");
    }
    Sql.run(source, big.toString());
    runClients(source, seed + 1, 4, 150);
  }

  private static void runClients(SandboxServer source, long seed, int clients, int rounds)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int who = c;
        done.add(
            pool.submit(
                () -> {
                  client(source, new Random(seed * 31 + who), who, rounds);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void client(SandboxServer source, Random r, int who, int rounds)
      throws SQLException {
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      for (int i = 0; i < rounds; i++) {
        int base = who * 100_000 + i * 10;
        try {
          switch (r.nextInt(8)) {
            case 0, 1 -> {
              st.execute(
                  "UPDATE p_hot.hot SET n = n + 1, v = 'c" + who + "-" + i + "' WHERE id = 1");
              st.execute("INSERT INTO p_hot.ledger (who, n) SELECT " + who + ", n FROM p_hot.hot");
            }
            case 2 -> {
              // hand a unique value from one row to another, case folded by the collation
              int a = r.nextInt(20);
              int b = r.nextInt(20);
              String tmp = "t" + who + "_" + i;
              st.execute("UPDATE p_uk.u SET code = '" + tmp + "' WHERE id = " + a);
              st.execute("UPDATE p_uk.u SET code = UPPER(code) WHERE id = " + b);
            }
            case 3 -> {
              st.execute("INSERT INTO p_fk.parent VALUES (" + base + ", 'p')");
              st.execute("INSERT INTO p_fk.child VALUES (" + base + ", " + base + ", 1)");
              c.commit();
              st.execute("UPDATE p_fk.child SET x = x + 1 WHERE id = " + base);
              st.execute("DELETE FROM p_fk.child WHERE id = " + base);
              st.execute("DELETE FROM p_fk.parent WHERE id = " + base);
              c.commit();
              st.execute("INSERT INTO p_fk.parent VALUES (" + base + ", 'again')");
            }
            case 4 -> {
              st.execute("INSERT INTO p_fk.cparent VALUES (" + base + ", 'p')");
              st.execute("INSERT INTO p_fk.cchild VALUES (" + base + ", " + base + ")");
              st.execute("INSERT INTO p_fk.cchild VALUES (" + (base + 1) + ", " + base + ")");
              c.commit();
              st.execute("DELETE FROM p_fk.cparent WHERE id = " + base);
            }
            case 5 -> {
              for (int k = 0; k < 5; k++) {
                st.execute(
                    "INSERT INTO p_gap.g VALUES (" + (base + k) + ", " + r.nextInt(50) + ")");
              }
              c.commit();
              st.execute(
                  "DELETE FROM p_gap.g WHERE k BETWEEN "
                      + r.nextInt(25)
                      + " AND "
                      + (25 + r.nextInt(25)));
            }
            case 6 -> {
              st.execute("REPLACE INTO p_misc.m VALUES (" + r.nextInt(30) + ", " + i + ")");
              st.execute("REPLACE INTO p_misc.a VALUES (" + r.nextInt(30) + ", " + i + ")");
            }
            default -> {
              String s = "p_s" + (1 + r.nextInt(3));
              st.execute(
                  "REPLACE INTO "
                      + s
                      + ".t (id, v, w) VALUES ("
                      + r.nextInt(50)
                      + ", "
                      + i
                      + ", 'w"
                      + who
                      + "')");
              st.execute("DELETE FROM " + s + ".t WHERE id = " + r.nextInt(50));
            }
          }
          c.commit();
        } catch (SQLException e) {
          c.rollback(); // a deadlock between the clients on the source: its history has no such tx
          if (e.getErrorCode() != 1213 && e.getErrorCode() != 1205 && e.getErrorCode() != 1062) {
            throw e;
          }
        }
      }
    }
  }

  static void awaitMark(SandboxServer target, String token, Service svc) throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    while (!Checksums.hasMark(target, token)) {
      if (svc.state() == Service.State.OFFLINE_ERROR) {
        throw new AssertionError("the service failed: " + svc.failure().message());
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("the target never caught up");
      }
      Thread.sleep(100);
    }
  }
}
