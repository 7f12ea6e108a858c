package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Json;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repairs and checks under SIGKILL: a master and a slave replicator, each its own process, while a
 * client writes to the source; the replica starts with rows changed, deleted and added by hand.
 * Every table is repaired twice while the slave's replicator is killed at a random moment and
 * started again, the master's is killed in the middle of a repair once, and a check runs while the
 * slave is killed again. Afterwards the check finds nothing, CHECKSUM TABLE finds source and
 * replica equal, and the slave never stopped on an error (a repair applied twice or half would show
 * as a duplicate key, a missing row, or a difference).
 */
class CheckKillTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  @TempDir Path dir;

  private static final int TABLES = 3;
  private static final int ROWS = 30_000;
  private static final int TOUCHED = 3_000; // the client writes ids up to this, and new ones

  @Test
  void repairsAndChecksSurviveKills() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    for (SandboxServer s : List.of(source, replica)) {
      List<String> sql =
          new ArrayList<>(List.of("SET SESSION sql_log_bin = 0", "CREATE DATABASE kr"));
      for (int t = 1; t <= TABLES; t++) {
        sql.add(
            "CREATE TABLE kr.t"
                + t
                + " (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(120) NOT NULL, pad VARCHAR(60))");
        sql.add(
            "INSERT INTO kr.t"
                + t
                + " SELECT seq, seq % 97, CONCAT('c-', seq, REPEAT('.', 100)), IF(seq % 7 = 0,"
                + " NULL, CONCAT('p', seq)) FROM seq.seq_1_to_"
                + ROWS);
      }
      Sql.run(s, sql.toArray(String[]::new));
    }
    Sql.run(
        replica,
        "SET SESSION sql_log_bin = 0",
        "UPDATE kr.t1 SET c = 'hand' WHERE id IN (5000, 25000)",
        "DELETE FROM kr.t2 WHERE id BETWEEN 10000 AND 10010",
        "INSERT INTO kr.t3 VALUES (900001, 1, 'extra', NULL), (29999, 0, 'x', 'y')"
            + " ON DUPLICATE KEY UPDATE pad = 'changed'");
    String head = Sql.rows(source, "SHOW MASTER STATUS").get(0).get(0);
    String offset = Sql.rows(source, "SHOW MASTER STATUS").get(0).get(1);

    int thlPort = freePort();
    Path confM = replicatorDir("m");
    Path confS = replicatorDir("s");
    List<String> m = new ArrayList<>(List.of("service.name = kr", "service.role = master"));
    m.add("service.dir = " + dir.resolve("data-kr"));
    m.addAll(ServiceFiles.source(source));
    m.add("source.start = " + head + ":" + offset);
    m.add("thl.serve.port = " + thlPort);
    m.add("thl.serve.heartbeat = 200ms");
    Files.write(confM.resolve("services").resolve("kr.conf"), m);
    List<String> s = new ArrayList<>(List.of("service.name = kr_r", "service.role = slave"));
    s.add("service.dir = " + dir.resolve("data-kr_r"));
    s.add("master.uri = thl://127.0.0.1:" + thlPort);
    s.add("master.silence-limit = 3s");
    s.addAll(ServiceFiles.target(replica));
    s.add("apply.block-commit-latency = 50ms");
    Files.write(confS.resolve("services").resolve("kr_r.conf"), s);

    ServiceProcess master = ServiceProcess.replicator(confM);
    ServiceProcess slave = ServiceProcess.replicator(confS);
    master.start();
    slave.start();
    AtomicBoolean stop = new AtomicBoolean();
    Thread load = load(source, stop);
    Random random = new Random(Long.getLong("ferry.soak.seed", 29));
    int kills = 0;
    int masterKills = 0;
    try {
      awaitOnline(confM, "kr");
      awaitOnline(confS, "kr_r");
      // every table repaired twice, each time with the slave killed at a random moment
      for (int round = 0; round < 2 * TABLES; round++) {
        String table = "kr.t" + (1 + round % TABLES);
        java.util.concurrent.atomic.AtomicReference<Throwable> failed =
            new java.util.concurrent.atomic.AtomicReference<>();
        Thread repair =
            new Thread(
                () -> {
                  try {
                    ok(confM, "repair", "-service", "kr", table, "--chunk-rows", "3000");
                  } catch (Throwable e) {
                    failed.set(e);
                  }
                });
        repair.start();
        Thread.sleep(100 + random.nextInt(1200));
        slave.kill();
        kills++;
        Thread.sleep(random.nextInt(500));
        slave.start();
        repair.join();
        assertThat(failed.get()).as("repair of " + table).isNull();
        awaitOnline(confS, "kr_r");
      }
      // the master killed in the middle of a repair: the source transaction it was in never was
      Thread repair =
          new Thread(
              () ->
                  ReplicatorFixture.raw(
                      "repair",
                      "-service",
                      "kr",
                      "kr.t1",
                      "--chunk-rows",
                      "500",
                      "--config-dir",
                      confM.toString()));
      repair.start();
      Thread.sleep(300 + random.nextInt(500));
      master.kill();
      masterKills++;
      repair.join();
      master.start();
      awaitOnline(confM, "kr");
      // a check, with the slave killed while it applies the markers
      String id =
          Json.mapper()
              .readTree(
                  ok(confM, "check", "-service", "kr", "kr", "--chunk-rows", "2000", "--json"))
              .get("job")
              .get("id")
              .asText();
      slave.kill();
      kills++;
      slave.start();
      awaitOnline(confS, "kr_r");
      JsonNode run = awaitRun(confS, "kr_r", id);
      assertThat(run.get("differ").asLong()).as("differences after the repairs").isZero();
      assertThat(run.get("error").asLong()).isZero();
      assertThat(run.get("chunks").asLong()).isGreaterThanOrEqualTo(TABLES * (ROWS / 2000L));
    } finally {
      stop.set(true);
      load.join();
    }
    long stored =
        Json.mapper()
            .readTree(ok(confM, "status", "-service", "kr", "--json"))
            .get("storedLastSeqno")
            .asLong();
    ok(confS, "wait", "-service", "kr_r", "-applied", Long.toString(stored), "-limit", "120");
    Map<String, Long> sums = Checksums.of(source, List.of("kr"));
    assertThat(sums).hasSize(TABLES);
    assertThat(Checksums.of(replica, List.of("kr"))).isEqualTo(sums);
    assertThat(slave.count("OFFLINE:ERROR")).as("the slave never stopped on an error").isZero();
    System.out.printf("CheckKillTest: %d slave kills, %d master kill%n", kills, masterKills);
    assertThat(kills).isEqualTo(2 * TABLES + 1);
    assertThat(masterKills).isEqualTo(1);
    master.stop();
    slave.stop();
  }

  private Path replicatorDir(String name) throws Exception {
    Path d = dir.resolve("conf-" + name);
    Files.createDirectories(d.resolve("services"));
    Files.write(d.resolve("replicator.conf"), List.of("admin.port = " + freePort()));
    return d;
  }

  private static String ok(Path conf, String... args) {
    return ReplicatorFixture.okIn(conf, args);
  }

  private static void awaitOnline(Path conf, String service) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (true) {
      List<String> all =
          List.of("status", "-service", service, "--json", "--config-dir", conf.toString());
      ReplicatorFixture.Result r = ReplicatorFixture.raw(all.toArray(String[]::new));
      if (r.code() == 0 && Json.mapper().readTree(r.out()).get("state").asText().equals("ONLINE")) {
        return;
      }
      assertThat(System.nanoTime())
          .as(service + " online: " + r.out() + r.err())
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static JsonNode awaitRun(Path conf, String service, String id) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (true) {
      ReplicatorFixture.Result r =
          ReplicatorFixture.raw(
              "check",
              "status",
              "-service",
              service,
              "--id",
              id,
              "--json",
              "--config-dir",
              conf.toString());
      for (JsonNode run : Json.mapper().readTree(r.out()).path("results").path("runs")) {
        if (run.get("id").asText().equals(id) && run.get("tablesEnded").asLong() == TABLES) {
          return run;
        }
      }
      assertThat(System.nanoTime()).as(service + " ends " + id).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /** Updates, deletes and inserts on the rows the hand edits do not touch, until stopped. */
  private static Thread load(SandboxServer source, AtomicBoolean stop) {
    Thread t =
        new Thread(
            () -> {
              Random r = new Random(7);
              int next = 1_000_000;
              try (java.sql.Connection c = source.connect(source.root(), "");
                  java.sql.Statement st = c.createStatement()) {
                while (!stop.get()) {
                  String table = "kr.t" + (1 + r.nextInt(TABLES));
                  int id = 1 + r.nextInt(TOUCHED);
                  switch (r.nextInt(3)) {
                    case 0 -> st.execute("UPDATE " + table + " SET k = k + 1 WHERE id = " + id);
                    case 1 -> st.execute("DELETE FROM " + table + " WHERE id = " + id);
                    default ->
                        st.execute(
                            "INSERT INTO " + table + " VALUES (" + next++ + ", 1, 'new', NULL)");
                  }
                  Thread.sleep(5);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "load");
    t.start();
    return t;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
