package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Json;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Control of a slave that applies on four channels, through the CLI of a running replicator: batch
 * replication until a seqno and a heartbeat and skipping a seqno keep their meaning (every channel
 * stops at the same seqno); status shows channels and shards and the metrics have them; an
 * immediate offline in the middle of a load leaves the channels apart, and the next start with
 * another channel count (one, or two) finishes the old assignment by itself and then applies with
 * the new one.
 */
class ParallelControlTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  @TempDir Path dir;

  private ReplicatorFixture masterSlave(String... slaveLines) throws Exception {
    ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf"));
    f.setupMasterSlave(db, dir.resolve("data"), "--service", "alpha");
    setSlave(slaveLines);
    return f.start();
  }

  private void setSlave(String... lines) throws Exception {
    Path conf = dir.resolve("conf").resolve("services").resolve("alpha_slave.conf");
    List<String> kept =
        Files.readAllLines(conf, StandardCharsets.UTF_8).stream()
            .filter(l -> !l.startsWith("apply.channels") && !l.startsWith("apply.scheduler"))
            .toList();
    Files.write(conf, kept, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    Files.write(conf, List.of(lines), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  private static JsonNode json(String out) throws Exception {
    return Json.mapper().readTree(out);
  }

  private static JsonNode parallel(ReplicatorFixture f) throws Exception {
    JsonNode stages = json(f.ok("status", "-service", "alpha_slave", "--json")).get("stages");
    return stages.get(stages.size() - 1).get("parallel");
  }

  private static long stored(ReplicatorFixture f) throws Exception {
    return json(f.ok("status", "-service", "alpha", "--json")).get("storedLastSeqno").asLong();
  }

  private static void awaitStored(ReplicatorFixture f, long seqno) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (stored(f) < seqno) {
      assertThat(System.nanoTime()).as("master stored seqno " + seqno).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static List<List<String>> positions(SandboxServer replica) throws Exception {
    return Sql.rows(replica, "SELECT task_id, seqno FROM ferry_alpha_slave.position ORDER BY 1");
  }

  @Test
  void batchReplicationStatusAndMetricsWithChannels() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    try (ReplicatorFixture f = masterSlave("apply.channels = 4", "apply.scheduler = shard")) {
      List<String> setup = new java.util.ArrayList<>();
      for (int s = 1; s <= 6; s++) {
        setup.add("CREATE DATABASE d" + s);
        setup.add("CREATE TABLE d" + s + ".t (id INT PRIMARY KEY)");
      }
      Sql.run(source, setup.toArray(String[]::new));
      awaitStored(f, 11);
      f.ok("wait", "-service", "alpha_slave", "-applied", "11", "-limit", "60");
      f.ok("offline", "-service", "alpha_slave");

      // until a seqno: 12..23 are one insert per schema, twice round
      for (int round = 1; round <= 2; round++) {
        for (int s = 1; s <= 6; s++) {
          Sql.run(source, "INSERT INTO d" + s + ".t VALUES (" + round + ")");
        }
      }
      awaitStored(f, 23);
      f.ok("online", "-service", "alpha_slave", "-until-seqno", "17");
      f.ok("wait", "-service", "alpha_slave", "-state", "OFFLINE:NORMAL", "-limit", "60");
      for (int s = 1; s <= 6; s++) {
        assertThat(Sql.value(replica, "SELECT COUNT(*) FROM d" + s + ".t")).isEqualTo("1");
      }
      // every channel stopped at the same seqno
      assertThat(positions(replica)).hasSize(4).allMatch(r -> r.get(1).equals("17"));

      // skip a seqno (the second insert into d1), then a heartbeat stop
      f.ok("online", "-service", "alpha_slave", "-skip-seqno", "18", "-until-seqno", "23");
      f.ok("wait", "-service", "alpha_slave", "-state", "OFFLINE:NORMAL", "-limit", "60");
      assertThat(Sql.value(replica, "SELECT COUNT(*) FROM d1.t")).isEqualTo("1");
      assertThat(Sql.value(replica, "SELECT COUNT(*) FROM d2.t")).isEqualTo("2");
      f.ok("heartbeat", "-service", "alpha", "-name", "cutoff");
      Sql.run(source, "INSERT INTO d3.t VALUES (3)");
      awaitStored(f, 25);
      f.ok("online", "-service", "alpha_slave", "-until-heartbeat", "cutoff");
      f.ok("wait", "-service", "alpha_slave", "-state", "OFFLINE", "-limit", "60");
      assertThat(Sql.value(replica, "SELECT COUNT(*) FROM d3.t")).isEqualTo("2");
      assertThat(positions(replica)).hasSize(4).allMatch(r -> r.get(1).equals("24"));

      f.ok("online", "-service", "alpha_slave");
      f.ok("wait", "-service", "alpha_slave", "-applied", "25", "-limit", "60");
      assertThat(Sql.value(replica, "SELECT COUNT(*) FROM d3.t")).isEqualTo("3");

      String channels = f.ok("status", "-service", "alpha_slave", "-name", "channels");
      assertThat(channels).contains("CHANNEL", "COMMIT WAIT", "scheduler shard", "ran alone");
      assertThat(channels.lines().filter(l -> l.matches("^[0-3] .*")).count()).isEqualTo(4);
      String shards = f.ok("status", "-service", "alpha_slave", "-name", "shards");
      // shards seen since this online: d3's insert, on the channel the catalog remembers for it
      String d3 =
          Sql.value(replica, "SELECT channel FROM ferry_alpha_slave.shard WHERE shard = 'd3'");
      assertThat(shards).contains("CHANNEL", "LAG");
      assertThat(shards.lines().filter(l -> l.startsWith("d3 ")).findFirst().orElseThrow())
          .matches("d3\\s+" + d3 + "\\s+25\\s.*");
      JsonNode par = parallel(f);
      assertThat(par.get("scheduler").asText()).isEqualTo("shard");
      assertThat(par.get("channels")).hasSize(4);
      assertThat(par.get("serialized").isObject()).isTrue();
      assertThat(par.get("lockWaitRetries").asLong()).isZero();
      String metrics = ReplicatorFixture.metrics(f);
      assertThat(metrics)
          .contains("ferry_channel_seqno{service=\"alpha_slave\",channel=\"3\"}")
          .contains("ferry_parallel_lock_wait_retries_total{service=\"alpha_slave\"} 0")
          .contains("ferry_shard_lag_seconds{service=\"alpha_slave\",shard=\"d3\"");
    }
  }

  @Test
  void anUncleanStopIsFinishedWithTheOldLayoutThenTheNewCountApplies() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    List<String> schemas = List.of("e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8");
    List<String> setup = new java.util.ArrayList<>();
    for (String s : schemas) {
      setup.add("CREATE DATABASE " + s);
      setup.add("CREATE TABLE " + s + ".t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
    }
    try (ReplicatorFixture f =
        masterSlave(
            "apply.channels = 4", "apply.scheduler = shard", "apply.block-commit-events = 7")) {
      Sql.run(source, setup.toArray(String[]::new));
      leaveApart(f, source, replica, schemas);

      // one channel: the four-channel run is finished first (its layout, by itself), then one
      // channel applies
      finishWith(f, source, replica, schemas, 1, "apply.channels = 1");

      // four again, apart again; then two channels finish the four-channel run and apply
      setSlave("apply.channels = 4", "apply.scheduler = shard");
      f.ok("replicator", "reload");
      f.ok("online", "-service", "alpha_slave");
      leaveApart(f, source, replica, schemas);
      finishWith(f, source, replica, schemas, 2, "apply.channels = 2", "apply.scheduler = shard");
    }
  }

  /** Writes under load and takes the slave offline at once until its channels stop apart. */
  private void leaveApart(
      ReplicatorFixture f, SandboxServer source, SandboxServer replica, List<String> schemas)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Thread load =
        new Thread(
            () -> {
              java.util.Random r = new java.util.Random(3);
              try (java.sql.Connection c = source.connect(source.root(), "");
                  java.sql.Statement st = c.createStatement()) {
                while (!stop.get()) {
                  st.execute("INSERT INTO " + schemas.get(r.nextInt(8)) + ".t (v) VALUES (1)");
                }
              } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    load.start();
    boolean apart = false;
    for (int attempt = 0; attempt < 10 && !apart; attempt++) {
      Thread.sleep(700);
      f.ok("offline", "-service", "alpha_slave", "-immediate");
      apart = positions(replica).stream().map(r -> r.get(1)).distinct().count() > 1;
      if (!apart) {
        f.ok("online", "-service", "alpha_slave");
      }
    }
    stop.set(true);
    load.join();
    assertThat(apart).as("an immediate offline left the channels apart").isTrue();
  }

  /**
   * Restarts the slave with another layout: it finishes the four-channel run by itself (without an
   * error, and without applying a row twice: the tables equal the source's), catches up, and its
   * catalog holds the new count of rows.
   */
  private void finishWith(
      ReplicatorFixture f,
      SandboxServer source,
      SandboxServer replica,
      List<String> schemas,
      int channels,
      String... lines)
      throws Exception {
    f.ok("offline", "-service", "alpha");
    setSlave(lines);
    f.ok("replicator", "reload");
    f.ok("online", "-service", "alpha_slave");
    f.ok("online", "-service", "alpha");
    String token = Checksums.mark(source);
    long deadline = System.currentTimeMillis() + 120_000;
    while (!Checksums.hasMark(replica, token)) {
      assertThat(System.currentTimeMillis()).as("caught up").isLessThan(deadline);
      assertThat(f.ferry("status", "-service", "alpha_slave").out()).doesNotContain("ERROR");
      Thread.sleep(100);
    }
    f.ok("offline", "-service", "alpha_slave");
    assertThat(Checksums.of(replica, schemas)).isEqualTo(Checksums.of(source, schemas));
    assertThat(positions(replica)).hasSize(channels);
    assertThat(positions(replica).stream().map(r -> r.get(1)).distinct().count())
        .as("a clean offline leaves every row at one seqno")
        .isEqualTo(1);
    assertThat(
            Sql.value(replica, "SELECT value FROM ferry_alpha_slave.channels WHERE name = 'count'"))
        .isEqualTo(Integer.toString(channels));
  }
}
