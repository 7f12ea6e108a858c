package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Json;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control verbs against a replicator running master and slave services between two sandboxed
 * servers, through the {@code ferry} command (its output captured, {@code --json} parsed): batch
 * replication three ways, deferred offline, waits and their timeouts, refusals the state machine
 * makes, reset, and a switchover with setrole.
 */
class ReplicatorControlTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  @TempDir Path dir;

  private ReplicatorFixture masterSlave() throws Exception {
    ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf"));
    f.setupMasterSlave(db, dir.resolve("data"), "--service", "alpha");
    return f.start();
  }

  private static void sql(SandboxServer s, String... statements) throws Exception {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      for (String q : statements) {
        st.execute(q);
      }
    }
  }

  private static List<Integer> ids(SandboxServer s) throws Exception {
    List<Integer> ids = new java.util.ArrayList<>();
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM demo.t ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
    } catch (java.sql.SQLException e) {
      return ids; // not replicated yet
    }
    return ids;
  }

  private static JsonNode json(String out) throws Exception {
    return Json.mapper().readTree(out);
  }

  private static long storedLast(ReplicatorFixture f) throws Exception {
    return json(f.ok("status", "-service", "alpha", "--json")).get("storedLastSeqno").asLong();
  }

  private static void awaitStored(ReplicatorFixture f, long seqno) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (storedLast(f) < seqno) {
      assertThat(System.nanoTime()).as("master stored seqno " + seqno).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void batchReplicationUntilASeqnoAnEventAndAHeartbeat() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    try (ReplicatorFixture f = masterSlave()) {
      String services = f.ok("services");
      assertThat(services).contains("alpha ").contains("alpha_slave").contains("ONLINE");
      JsonNode list = json(f.ok("services", "--json"));
      assertThat(list).hasSize(2);
      sql(source, "CREATE DATABASE demo", "CREATE TABLE demo.t (id INT PRIMARY KEY)");
      awaitStored(f, 1);
      assertThat(f.ok("wait", "-service", "alpha_slave", "-applied", "1", "-limit", "30"))
          .contains("has applied seqno");
      assertThat(f.ok("offline", "-service", "alpha_slave")).contains("OFFLINE:NORMAL");

      // 1. until a seqno: transactions 2..6 are the inserts of 1..5; stop after the third
      for (int i = 1; i <= 5; i++) {
        sql(source, "INSERT INTO demo.t VALUES (" + i + ")");
      }
      awaitStored(f, 6);
      f.ok("online", "-service", "alpha_slave", "-until-seqno", "4");
      assertThat(f.ok("wait", "-service", "alpha_slave", "-state", "OFFLINE", "-limit", "30"))
          .contains("OFFLINE:NORMAL");
      assertThat(ids(replica)).containsExactly(1, 2, 3);

      // 2. until an event: the source position of seqno 5 (insert of 4)
      JsonNode stored = json(f.ok("status", "-service", "alpha", "--json"));
      assertThat(stored.get("storedLastSeqno").asLong()).isEqualTo(6);
      String event = eventOf(5);
      f.ok("online", "-service", "alpha_slave", "-until-event", event);
      f.ok("wait", "-service", "alpha_slave", "-state", "OFFLINE:NORMAL", "-limit", "30");
      assertThat(ids(replica)).containsExactly(1, 2, 3, 4);

      // 3. until a heartbeat
      f.ok("heartbeat", "-service", "alpha", "-name", "cutoff");
      sql(source, "INSERT INTO demo.t VALUES (100)");
      awaitStored(f, 8);
      f.ok("online", "-service", "alpha_slave", "-until-heartbeat", "cutoff");
      f.ok("wait", "-service", "alpha_slave", "-state", "OFFLINE", "-limit", "30");
      assertThat(ids(replica)).containsExactly(1, 2, 3, 4, 5);
      JsonNode slave = json(f.ok("status", "-service", "alpha_slave", "--json"));
      assertThat(slave.get("appliedLastSeqno").asLong()).isEqualTo(7);
      assertThat(slave.get("state").asText()).isEqualTo("OFFLINE:NORMAL");

      // and online without a limit catches up
      f.ok("online", "-service", "alpha_slave");
      f.ok("wait", "-service", "alpha_slave", "-applied", "8", "-limit", "30");
      assertThat(ids(replica)).containsExactly(1, 2, 3, 4, 5, 100);
    }
  }

  /**
   * {@code ferry wait -native}: a session that wrote on the source waits, by the GTID or binlog
   * coordinate the source gave it, until its write can be read on the replica.
   */
  @Test
  void waitingForASourceTransactionByItsGtidOrBinlogCoordinate() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    try (ReplicatorFixture f = masterSlave()) {
      sql(source, "CREATE DATABASE demo", "CREATE TABLE demo.t (id INT PRIMARY KEY)");
      f.ok("wait", "-service", "alpha_slave", "-applied", "1", "-limit", "30");
      f.ok("offline", "-service", "alpha_slave");
      String gtid;
      String coordinate;
      try (java.sql.Connection c = source.connect(source.root(), "");
          java.sql.Statement st = c.createStatement()) {
        st.execute("INSERT INTO demo.t VALUES (7)");
        try (java.sql.ResultSet rs = st.executeQuery("SELECT @@last_gtid")) {
          rs.next();
          gtid = rs.getString(1);
        }
        try (java.sql.ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
          rs.next();
          coordinate = rs.getString(1) + ":" + rs.getLong(2);
        }
      }
      // not applied while the slave is offline: the limit passes
      ReplicatorFixture.Result late =
          f.ferry("wait", "-service", "alpha_slave", "-native", gtid, "-limit", "1");
      assertThat(late.code()).as(late.out() + late.err()).isEqualTo(1);
      assertThat(late.out()).contains("after 1.0 s", "source position binlog");

      f.ok("online", "-service", "alpha_slave");
      assertThat(f.ok("wait", "-service", "alpha_slave", "-native", gtid, "-limit", "30"))
          .contains("has applied " + gtid);
      assertThat(ids(replica)).containsExactly(7);
      assertThat(f.ok("wait", "-service", "alpha_slave", "-native", coordinate, "-limit", "30"))
          .contains("has applied " + coordinate);

      // the source's GTID position (every domain), and a later GTID not yet written
      String position = Sql.value(source, "SELECT @@gtid_binlog_pos");
      assertThat(f.ok("wait", "-service", "alpha_slave", "-native", position, "-limit", "30"))
          .contains("has applied");
      String[] parts = gtid.split("-", -1);
      String next = parts[0] + "-" + parts[1] + "-" + (Long.parseLong(parts[2]) + 1);
      ReplicatorFixture.Result ahead =
          f.ferry("wait", "-service", "alpha_slave", "-native", next, "-limit", "0.5");
      assertThat(ahead.code()).isEqualTo(1);
      assertThat(ahead.out()).contains("after 0.5 s");
      ReplicatorFixture.Result bad =
          f.ferry("wait", "-service", "alpha_slave", "-native", "yesterday");
      assertThat(bad.code()).isEqualTo(2);
      assertThat(bad.err()).contains("cannot read 'yesterday'");
      ReplicatorFixture.Result other =
          f.ferry("wait", "-service", "alpha_slave", "-native", "other-bin.000001:4");
      assertThat(other.code()).isEqualTo(1);
      assertThat(other.out()).contains("cannot tell whether", "reads another binlog");
    }
  }

  @Test
  void deferredOfflineWaitsAndWhatTheStateMachineRefuses() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    try (ReplicatorFixture f = masterSlave()) {
      sql(source, "CREATE DATABASE demo", "CREATE TABLE demo.t (id INT PRIMARY KEY)");
      f.ok("wait", "-service", "alpha_slave", "-applied", "1", "-limit", "30");

      // refusals, with the reason and exit status 1
      ReplicatorFixture.Result again = f.ferry("online", "-service", "alpha_slave");
      assertThat(again.code()).isEqualTo(1);
      assertThat(again.err())
          .contains("service alpha_slave is ONLINE: only an offline service can go online");
      ReplicatorFixture.Result role =
          f.ferry("setrole", "-service", "alpha_slave", "-role", "master");
      assertThat(role.err()).contains("take it offline before changing its role");
      ReplicatorFixture.Result who = f.ferry("status");
      assertThat(who.code()).isEqualTo(2);
      assertThat(who.err())
          .contains("runs 2 services (alpha, alpha_slave): say which with -service NAME");
      assertThat(f.ferry("status", "-service", "nope").err()).contains("no service named 'nope'");
      ReplicatorFixture.Result badTime =
          f.ferry("offline-deferred", "-service", "alpha_slave", "-at-time", "yesterday");
      assertThat(badTime.code()).isEqualTo(2);
      assertThat(badTime.err()).contains("yesterday");

      // deferred offline: the slave goes offline by itself after seqno 4
      f.ok("offline-deferred", "-service", "alpha_slave", "-at-seqno", "4");
      JsonNode pending = json(f.ok("status", "-service", "alpha_slave", "--json"));
      assertThat(pending.get("pendingOffline").asText()).isEqualTo("after seqno 4");
      assertThat(f.ok("status", "-service", "alpha_slave"))
          .contains("pendingOffline     : after seqno 4");
      for (int i = 1; i <= 5; i++) {
        sql(source, "INSERT INTO demo.t VALUES (" + i + ")");
      }
      f.ok("wait", "-service", "alpha_slave", "-state", "OFFLINE:NORMAL", "-limit", "30");
      assertThat(ids(replica)).containsExactly(1, 2, 3);

      // waits that time out say so and exit 1
      long t0 = System.nanoTime();
      ReplicatorFixture.Result timeout =
          f.ferry("wait", "-service", "alpha_slave", "-state", "ONLINE", "-limit", "1");
      assertThat(timeout.code()).isEqualTo(1);
      assertThat(timeout.out())
          .contains("service alpha_slave is OFFLINE:NORMAL")
          .contains("after 1.0 s");
      assertThat(System.nanoTime() - t0).isLessThan(10_000_000_000L);
      assertThat(
              f.ferry("wait", "-service", "alpha_slave", "-applied", "99", "-limit", "0.5").code())
          .isEqualTo(1);
      assertThat(f.ferry("wait", "-service", "alpha_slave").code()).isEqualTo(2);

      // an immediate offline of the master, and status of an offline service still tells where it
      // is
      assertThat(f.ok("offline", "-service", "alpha", "-immediate")).contains("OFFLINE:NORMAL");
      JsonNode master = json(f.ok("status", "-service", "alpha", "--json"));
      assertThat(master.get("appliedLastSeqno").asLong()).isEqualTo(6);
      assertThat(master.get("storedLastSeqno").asLong()).isEqualTo(6);
      assertThat(f.ferry("online", "-service", "alpha", "-from-seqno", "3").err())
          .contains("from-seqno is for a slave");

      // reset: a dry run, then the slave's log and catalog
      ReplicatorFixture.Result dry = f.ferry("reset", "-service", "alpha_slave", "-all");
      assertThat(dry.code()).isEqualTo(1);
      assertThat(dry.out()).contains("Run again with -yes");
      assertThat(Files.isDirectory(dir.resolve("data/alpha_slave/thl"))).isTrue();
      f.ok("reset", "-service", "alpha_slave", "-all", "-yes");
      assertThat(Files.exists(dir.resolve("data/alpha_slave/thl"))).isFalse();
      try (Connection c = replica.connect(replica.root(), "");
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SHOW DATABASES LIKE 'ferry_alpha_slave'")) {
        assertThat(rs.next()).isFalse();
      }
    }
  }

  @Test
  void switchoverTheReplicaBecomesMasterAndTheOldMasterFollowsIt() throws Exception {
    SandboxServer one = db.server(1);
    SandboxServer two = db.server(2);
    try (ReplicatorFixture f = masterSlave()) {
      sql(one, "CREATE DATABASE demo", "CREATE TABLE demo.t (id INT PRIMARY KEY)");
      for (int i = 1; i <= 20; i++) {
        sql(one, "INSERT INTO demo.t VALUES (" + i + ")");
      }
      awaitStored(f, 21);
      f.ok("wait", "-service", "alpha_slave", "-applied", "21", "-limit", "30");
      f.ok("offline", "-service", "alpha");
      f.ok("offline", "-service", "alpha_slave");
      // the replica's service becomes the master; the old master's service follows it
      int newPort =
          io.ferry.server.config.ServiceConfig.load(dir.resolve("conf/services/alpha_slave.conf"))
              .get(io.ferry.server.config.ServiceSettings.SERVE_PORT);
      f.ok("setrole", "-service", "alpha_slave", "-role", "master");
      f.ok("setrole", "-service", "alpha", "-role", "slave", "-uri", "thl://127.0.0.1:" + newPort);
      // setrole rewrote both files: that is what they run, not a change for reload
      assertThat(f.ok("replicator", "reload")).doesNotContain("alpha");
      Path nextStart = dir.resolve("data/alpha_slave/next-start");
      String leftOver = Files.readString(nextStart);
      f.ok("online", "-service", "alpha_slave");
      f.ok("online", "-service", "alpha");
      for (int i = 21; i <= 40; i++) {
        sql(two, "INSERT INTO demo.t VALUES (" + i + ")");
      }
      f.ok("wait", "-service", "alpha", "-applied", "41", "-limit", "60");
      assertThat(ids(one)).hasSize(40).containsSequence(1, 2, 3).endsWith(38, 39, 40);
      assertThat(Checksums.of(one, List.of("demo"))).isEqualTo(Checksums.of(two, List.of("demo")));
      JsonNode newMaster = json(f.ok("status", "-service", "alpha_slave", "--json"));
      assertThat(newMaster.get("role").asText()).isEqualTo("master");
      assertThat(newMaster.get("storedLastSeqno").asLong()).isEqualTo(41);
      JsonNode oldMaster = json(f.ok("status", "-service", "alpha", "--json"));
      assertThat(oldMaster.get("role").asText()).isEqualTo("slave");
      assertThat(oldMaster.get("pendingError").isNull()).isTrue();

      // a crash before the switchover start was dropped leaves it behind: once the new master
      // has stored past it, it no longer counts (read again, it would store 20 rows twice)
      f.ok("offline", "-service", "alpha_slave");
      Files.writeString(nextStart, leftOver);
      f.ok("online", "-service", "alpha_slave");
      sql(two, "INSERT INTO demo.t VALUES (41)");
      f.ok("wait", "-service", "alpha", "-applied", "42", "-limit", "60");
      assertThat(ids(one)).hasSize(41);
      assertThat(
              json(f.ok("status", "-service", "alpha_slave", "--json"))
                  .get("storedLastSeqno")
                  .asLong())
          .isEqualTo(42);
      assertThat(Files.exists(nextStart)).isFalse();
    }
  }

  @Test
  void anImmediateOfflineBreaksAStatementTheTargetHoldsAndLosesNothing() throws Exception {
    SandboxServer one = db.server(1);
    SandboxServer two = db.server(2);
    try (ReplicatorFixture f = masterSlave()) {
      sql(one, "CREATE DATABASE demo", "CREATE TABLE demo.t (id INT PRIMARY KEY)");
      sql(one, "INSERT INTO demo.t VALUES (1)");
      f.ok("wait", "-service", "alpha_slave", "-applied", "2", "-limit", "30");
      try (Connection lock = two.connect(two.root(), "");
          Statement st = lock.createStatement()) {
        // a session on the replica holds the row: the slave's update waits for its lock
        lock.setAutoCommit(false);
        st.executeQuery("SELECT id FROM demo.t WHERE id = 1 FOR UPDATE").close();
        sql(one, "UPDATE demo.t SET id = 100 WHERE id = 1");
        awaitStored(f, 3);
        Thread.sleep(1000);
        long t0 = System.nanoTime();
        assertThat(f.ok("offline", "-service", "alpha_slave", "-immediate"))
            .contains("OFFLINE:NORMAL");
        assertThat(System.nanoTime() - t0).isLessThan(15_000_000_000L);
        lock.rollback();
      }
      f.ok("online", "-service", "alpha_slave");
      f.ok("wait", "-service", "alpha_slave", "-applied", "3", "-limit", "30");
      assertThat(ids(two)).containsExactly(100);
    }
  }

  @Test
  void reloadAddsChangesAndRemovesServicesWithoutTouchingTheOthers() throws Exception {
    SandboxServer source = db.server(1);
    try (ReplicatorFixture f = masterSlave()) {
      String since =
          json(f.ok("status", "-service", "alpha", "--json")).get("onlineSince").asText();
      Path extra = f.dir.resolve("services/counter.conf");
      List<String> lines =
          List.of(
              "service.name = counter",
              "service.role = dummy",
              "service.dir = " + dir.resolve("data/counter"),
              "source.host = 127.0.0.1",
              "source.port = " + source.port(),
              "source.user = " + source.replicator().user(),
              "source.password = " + source.replicator().password());
      Files.write(extra, lines);
      Files.write(
          f.dir.resolve("services/bad.conf"), List.of("service.name = bad", "service.rol = x"));
      ReplicatorFixture.Result added = f.ferry("replicator", "reload");
      assertThat(added.code()).isEqualTo(1); // one file is invalid
      assertThat(added.out())
          .contains("added: [\"counter\"]")
          .contains("bad.conf: ")
          .contains("service.rol: unknown key (did you mean service.role?)");
      f.ok("wait", "-service", "counter", "-state", "ONLINE", "-limit", "30");
      List<String> changed = new java.util.ArrayList<>(lines);
      changed.add("apply.block-commit-events = 7");
      Files.write(extra, changed);
      Files.delete(f.dir.resolve("services/bad.conf"));
      assertThat(f.ok("replicator", "reload")).contains("reloaded: [\"counter\"]");
      f.ok("wait", "-service", "counter", "-state", "ONLINE", "-limit", "30");
      // a service taken offline stays offline when its file changes
      f.ok("offline", "-service", "counter");
      changed.set(changed.size() - 1, "apply.block-commit-events = 8");
      Files.write(extra, changed);
      assertThat(f.ok("replicator", "reload")).contains("reloaded: [\"counter\"]");
      assertThat(json(f.ok("status", "-service", "counter", "--json")).get("state").asText())
          .isEqualTo("OFFLINE:NORMAL");
      // a mistake in a running service's file leaves the service running
      f.ok("online", "-service", "counter");
      changed.set(changed.size() - 1, "apply.block-commit-events = lots");
      Files.write(extra, changed);
      ReplicatorFixture.Result mistake = f.ferry("replicator", "reload");
      assertThat(mistake.code()).isEqualTo(1);
      assertThat(mistake.out())
          .contains("counter.conf")
          .contains("apply.block-commit-events")
          .contains("service counter keeps running with the configuration it was loaded with")
          .doesNotContain("removed: [\"counter\"]");
      assertThat(json(f.ok("status", "-service", "counter", "--json")).get("state").asText())
          .isEqualTo("ONLINE");
      // a filter's script is part of its service: a changed script reloads the service, a broken
      // one is refused and the service keeps running the chain it was loaded with
      Path script = f.dir.resolve("services/tag.lua");
      Files.writeString(script, "function filter(tx) end\n");
      changed.set(changed.size() - 1, "apply.block-commit-events = 9");
      changed.addAll(
          List.of("extract.filters = tag", "filter.tag.type = lua", "filter.tag.script = tag.lua"));
      Files.write(extra, changed);
      assertThat(f.ok("replicator", "reload")).contains("reloaded: [\"counter\"]");
      f.ok("wait", "-service", "counter", "-state", "ONLINE", "-limit", "30");
      Files.writeString(script, "function filter(tx) tx:setShard('tagged') end\n");
      assertThat(f.ok("replicator", "reload")).contains("reloaded: [\"counter\"]");
      f.ok("wait", "-service", "counter", "-state", "ONLINE", "-limit", "30");
      Sql.run(source, "CREATE DATABASE IF NOT EXISTS tagged_db");
      String filters = "";
      for (int i = 0; i < 300 && !filters.matches("(?s).*tag\\s+lua\\s+extract\\s+[1-9].*"); i++) {
        Thread.sleep(100);
        filters = f.ok("status", "-service", "counter", "-name", "filters");
      }
      assertThat(filters).containsPattern("binlog-to-nothing\\s+tag\\s+lua\\s+extract\\s+[1-9]");
      assertThat(f.ok("status", "-service", "counter", "-name", "shards")).contains("tagged");
      Files.writeString(script, "function filter(tx)\n  if then end\nend\n");
      ReplicatorFixture.Result broken = f.ferry("replicator", "reload");
      assertThat(broken.code()).isEqualTo(1);
      assertThat(broken.out())
          .contains("counter.conf")
          .contains("filter tag (lua)")
          .contains("tag.lua:2")
          .contains("service counter keeps running with the configuration it was loaded with");
      assertThat(json(f.ok("status", "-service", "counter", "--json")).get("state").asText())
          .isEqualTo("ONLINE");
      Files.delete(extra);
      assertThat(f.ok("replicator", "reload")).contains("removed: [\"counter\"]");
      assertThat(f.ok("services")).doesNotContain("counter");
      JsonNode alpha = json(f.ok("status", "-service", "alpha", "--json"));
      assertThat(alpha.get("state").asText()).isEqualTo("ONLINE");
      assertThat(alpha.get("onlineSince").asText()).isEqualTo(since);
    }
  }

  /** The native position of a seqno in the master's log, as kind:text. */
  private String eventOf(long seqno) throws Exception {
    try (io.ferry.core.thl.Thl thl =
            io.ferry.core.thl.Thl.openReadOnly(dir.resolve("data/alpha/thl"));
        io.ferry.core.thl.ThlReader r = thl.reader(seqno)) {
      var h = r.next(0, java.util.concurrent.TimeUnit.MILLISECONDS).header();
      return h.nativeKind() + ":" + h.nativeText();
    }
  }
}
