package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Json;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shard homes (system of record) between two MariaDB masters that replicate to each other, all four
 * services in one replicator driven through the {@code ferry} command: local writes to a shard
 * homed on the other server are caught as each master is configured (warned and counted, or dropped
 * so that they never reach the other server), {@code #LOCAL} shards never leave their server, a
 * shard without a home stops a master set to error with the command that fixes it, a {@code ferry
 * shard set} applies to running services at once, a slave set to error stops on a transaction from
 * the wrong home, and the map survives a restart of the replicator. The other server's tables are
 * checked against the source's own (checksums and rows).
 */
class ShardHomesTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  @TempDir Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Path services() {
    return dir.resolve("conf").resolve("services");
  }

  /** s1 reads server 1, s2 server 2; s1_to_s2 and s2_to_s1 apply each to the other server. */
  private void twoMasters(String[] s1, String[] s2, String[] s1ToS2, String[] s2ToS1)
      throws Exception {
    int p1 = freePort();
    int p2 = freePort();
    ServiceFiles.master(services(), "s1", db.server(1), p1, s1);
    ServiceFiles.master(services(), "s2", db.server(2), p2, s2);
    ServiceFiles.slave(services(), "s1_to_s2", "thl://127.0.0.1:" + p1, db.server(2), s1ToS2);
    ServiceFiles.slave(services(), "s2_to_s1", "thl://127.0.0.1:" + p2, db.server(1), s2ToS1);
  }

  private static String[] lines(String... l) {
    return l;
  }

  private static JsonNode json(String out) throws Exception {
    return Json.mapper().readTree(out);
  }

  private static JsonNode status(ReplicatorFixture f, String service) throws Exception {
    return json(f.ok("status", "-service", service, "--json"));
  }

  private static long violations(ReplicatorFixture f, String service, String kind)
      throws Exception {
    return status(f, service).get("shardHomeViolations").get(kind).asLong();
  }

  private static void await(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.call()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** Waits until what server {@code from} has written so far has reached server {@code to}. */
  private static void sync(SandboxServer from, SandboxServer to) throws Exception {
    String token = Checksums.mark(from);
    await("marker reaches the other server", () -> Checksums.hasMark(to, token));
  }

  private static String state(ReplicatorFixture f, String service) throws Exception {
    return status(f, service).get("state").asText();
  }

  @Test
  void writesOnTheWrongMasterAreCaughtAsConfiguredAndLocalShardsStayLocal() throws Exception {
    SandboxServer one = db.server(1);
    SandboxServer two = db.server(2);
    twoMasters(
        lines("shard.errant-writes = warn"), lines("shard.errant-writes = drop"), lines(), lines());
    Path map = dir.resolve("shards.map");
    Files.writeString(
        map,
        "# shard    home\n"
            + "acme       s1\n"
            + "pinnacle   s2\n"
            + "scratch    #LOCAL   # never replicated\n");
    try (ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf")).start()) {
      assertThat(f.ok("shard", "load", map.toString())).contains("loaded 3 shards");
      // each shard created on its home; scratch on both, separately
      Sql.run(one, "CREATE DATABASE acme", "CREATE TABLE acme.t (id INT PRIMARY KEY, v TEXT)");
      Sql.run(two, "CREATE DATABASE pinnacle", "CREATE TABLE pinnacle.t (id INT PRIMARY KEY)");
      for (SandboxServer s : List.of(one, two)) {
        Sql.run(s, "CREATE DATABASE scratch", "CREATE TABLE scratch.t (id INT PRIMARY KEY)");
      }
      sync(one, two);
      sync(two, one);
      // writes on each shard's home
      Sql.run(one, "INSERT INTO acme.t VALUES (1, 'home'), (2, 'home')");
      Sql.run(two, "INSERT INTO pinnacle.t VALUES (1), (2)");
      // errant writes: pinnacle on s1 (warn: it goes on), acme on s2 (drop: it stays there)
      Sql.run(one, "INSERT INTO pinnacle.t VALUES (100)");
      Sql.run(two, "INSERT INTO acme.t VALUES (200, 'errant')");
      // local shards
      Sql.run(one, "INSERT INTO scratch.t VALUES (1)");
      Sql.run(two, "INSERT INTO scratch.t VALUES (2)");
      // a correct write after the dropped one still arrives
      Sql.run(one, "INSERT INTO acme.t VALUES (3, 'home')");
      sync(one, two);
      sync(two, one);

      // warned: the errant pinnacle row reached server 2, so both servers agree
      assertThat(Checksums.of(two, List.of("pinnacle")))
          .isEqualTo(Checksums.of(one, List.of("pinnacle")));
      assertThat(Sql.value(two, "SELECT COUNT(*) FROM pinnacle.t WHERE id = 100")).isEqualTo("1");
      // dropped: server 1 never got the errant acme row; it has exactly its own rows
      assertThat(Sql.value(one, "SELECT COUNT(*) FROM acme.t WHERE id = 200")).isEqualTo("0");
      assertThat(Sql.rows(two, "SELECT id, v FROM acme.t WHERE id <> 200 ORDER BY id"))
          .isEqualTo(Sql.rows(one, "SELECT id, v FROM acme.t ORDER BY id"))
          .hasSize(3);
      // #LOCAL: each server has only its own scratch row
      assertThat(Sql.rows(one, "SELECT id FROM scratch.t")).containsExactly(List.of("1"));
      assertThat(Sql.rows(two, "SELECT id FROM scratch.t")).containsExactly(List.of("2"));

      assertThat(violations(f, "s1", "errant")).isEqualTo(1);
      assertThat(violations(f, "s2", "errant")).isEqualTo(1);
      // the warned write arrives at s1_to_s2 from s1, which is not pinnacle's home
      assertThat(violations(f, "s1_to_s2", "wrong-home")).isEqualTo(1);
      assertThat(violations(f, "s2_to_s1", "wrong-home")).isZero();
      // CREATE DATABASE, CREATE TABLE and the insert, on each master
      assertThat(violations(f, "s1", "local-dropped")).isEqualTo(3);
      assertThat(violations(f, "s2", "local-dropped")).isEqualTo(3);
      assertThat(f.ok("status", "-service", "s1")).contains("errant 1, local-dropped 3");
      assertThat(ReplicatorFixture.metrics(f))
          .contains("ferry_shard_home_violations_total{service=\"s2\",kind=\"errant\"} 1")
          .contains(
              "ferry_shard_home_violations_total{service=\"s1_to_s2\",kind=\"wrong-home\"} 1");
      for (String s : List.of("s1", "s2", "s1_to_s2", "s2_to_s1")) {
        assertThat(state(f, s)).as(s).isEqualTo("ONLINE");
      }
    }
  }

  @Test
  void errorsNameTheShardAndTheFixAndChangesApplyLiveAndSurviveARestart() throws Exception {
    SandboxServer one = db.server(1);
    SandboxServer two = db.server(2);
    twoMasters(
        lines("shard.no-home = error", "shard.errant-writes = warn"),
        lines(),
        lines("shard.wrong-home = error"),
        lines());
    try (ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf")).start()) {
      f.ok("shard", "set", "acme", "s1");
      Sql.run(one, "CREATE DATABASE acme", "CREATE TABLE acme.t (id INT PRIMARY KEY)");
      Sql.run(one, "INSERT INTO acme.t VALUES (1)");
      sync(one, two);
      assertThat(Checksums.of(two, List.of("acme"))).isEqualTo(Checksums.of(one, List.of("acme")));

      // a shard without a home stops s1 (no-home = error) with the command that fixes it
      Sql.run(one, "CREATE DATABASE superior");
      await("s1 stops", () -> state(f, "s1").equals("OFFLINE:ERROR"));
      String error = status(f, "s1").get("pendingError").get("message").asText();
      long seqno = status(f, "s1").get("pendingError").get("seqno").asLong();
      assertThat(error)
          .contains("shard 'superior'", "has no home", "seqno " + seqno, "origin s1")
          .contains("ferry shard set superior HOME", "ferry online -service s1");
      assertThat(Sql.exists(two, "superior")).isFalse();
      f.ok("shard", "set", "superior", "s1");
      f.ok("online", "-service", "s1");
      Sql.run(
          one, "CREATE TABLE superior.t (id INT PRIMARY KEY)", "INSERT INTO superior.t VALUES (7)");
      sync(one, two);
      assertThat(Checksums.of(two, List.of("superior")))
          .isEqualTo(Checksums.of(one, List.of("superior")))
          .isNotEmpty();

      // live: acme moves its home to s2 while everything runs; a write on server 1 is now errant
      // (s1 warns and passes it) and comes from the wrong home for s1_to_s2 (error: it stops)
      String since = status(f, "s1").get("onlineSince").asText();
      f.ok("shard", "set", "acme", "s2");
      Sql.run(one, "INSERT INTO acme.t VALUES (2)");
      await("s1_to_s2 stops", () -> state(f, "s1_to_s2").equals("OFFLINE:ERROR"));
      String wrong = status(f, "s1_to_s2").get("pendingError").get("message").asText();
      assertThat(wrong)
          .contains("shard 'acme'", "whose home is s2", "origin s1")
          .contains("ferry shard set acme s1", "ferry online -service s1_to_s2");
      assertThat(Sql.value(two, "SELECT COUNT(*) FROM acme.t WHERE id = 2")).isEqualTo("0");
      assertThat(violations(f, "s1", "errant")).isEqualTo(1);
      assertThat(state(f, "s1")).isEqualTo("ONLINE");
      assertThat(status(f, "s1").get("onlineSince").asText()).isEqualTo(since);
      // the fix named in the message: acme's home is s1 after all, and the row goes on
      f.ok("shard", "set", "acme", "s1", "--critical");
      f.ok("online", "-service", "s1_to_s2");
      sync(one, two);
      assertThat(Checksums.of(two, List.of("acme"))).isEqualTo(Checksums.of(one, List.of("acme")));
    }

    // the map is kept across a restart of the replicator, and still enforced
    Path file = dir.resolve("conf").resolve("shard-homes.conf");
    assertThat(file).exists();
    try (ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf")).start()) {
      JsonNode list = json(f.ok("shard", "list", "--json"));
      assertThat(list.get("shards").toString())
          .contains("\"shard\":\"acme\",\"home\":\"s1\",\"critical\":true")
          .contains("\"shard\":\"superior\",\"home\":\"s1\",\"critical\":false");
      assertThat(f.ok("shard", "list")).contains("2 shards in " + file.toAbsolutePath());
      Sql.run(one, "INSERT INTO acme.t VALUES (3)", "INSERT INTO superior.t VALUES (8)");
      sync(one, two);
      assertThat(Checksums.of(two, List.of("acme", "superior")))
          .isEqualTo(Checksums.of(one, List.of("acme", "superior")));
      Sql.run(one, "CREATE DATABASE unknown_shard");
      await("s1 stops again", () -> state(f, "s1").equals("OFFLINE:ERROR"));
      assertThat(status(f, "s1").get("pendingError").get("message").asText())
          .contains("ferry shard set unknown_shard HOME");
    }
  }
}
