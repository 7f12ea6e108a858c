package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Transaction;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlReader;
import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.server.ServiceStatus;
import io.ferry.testkit.SandboxExtension;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Origin tagging without loops (docs/multi-master.md): services written by hand, each site a master
 * of its own binlog and a slave per site it receives from, applying with {@code
 * target.log-to-binlog}. What one site writes — rows, DDL, a statement-based transaction — reaches
 * the others once, logged there under its origin's server id, and never comes back; the checks are
 * against the sites themselves (checksums, ledgers whose ids the writer made unique, the binlogs'
 * own events).
 */
class OriginLoopTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(3);

  @TempDir Path dir;

  private final List<Service> services = new ArrayList<>();
  private final Clock clock = Clock.systemUTC();

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Service start(Path conf) {
    Service s = new Service(ServiceFiles.load(conf), clock);
    services.add(s);
    s.online(Service.OnlineOptions.NONE);
    return s;
  }

  private void closeAll() {
    for (Service s : services) {
      s.close();
    }
  }

  /** Waits for a condition; fails at once when a service went OFFLINE:ERROR. */
  private void await(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      healthy();
      if (condition.call()) {
        return;
      }
      Thread.sleep(100);
    }
    healthy();
    throw new AssertionError("timed out waiting for " + what);
  }

  private void healthy() {
    for (Service s : services) {
      if (s.state() == Service.State.OFFLINE_ERROR) {
        throw new AssertionError(s.name() + " failed: " + s.failure().message());
      }
    }
  }

  /** A marker written on one site has reached another. */
  private void sync(SandboxServer from, SandboxServer to) throws Exception {
    String token = Checksums.mark(from);
    await(
        "the marker from " + from.port() + " on " + to.port(), () -> Checksums.hasMark(to, token));
  }

  private static ServiceStatus.Origins origins(Service s) {
    return s.status().origins();
  }

  /** Ledger rows a site writes: ids unique by construction, in a table without a key. */
  private static void ledger(SandboxServer s, String schema, int from, int to) throws Exception {
    List<String> q = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      q.add("INSERT INTO " + schema + ".ledger VALUES (" + i + ", 'x" + i + "')");
    }
    Sql.run(s, q.toArray(String[]::new));
  }

  /** Rows and distinct ids of a ledger: equal when nothing was applied twice. */
  private static List<String> ledgerCounts(SandboxServer s, String schema) throws Exception {
    return Sql.rows(s, "SELECT COUNT(*), COUNT(DISTINCT id) FROM " + schema + ".ledger").get(0);
  }

  private static void siteSchema(SandboxServer s, String schema) throws Exception {
    Sql.run(
        s,
        "CREATE DATABASE " + schema,
        "CREATE TABLE " + schema + ".t (id INT PRIMARY KEY, v VARCHAR(20))",
        "CREATE TABLE " + schema + ".ledger (id INT NOT NULL, note VARCHAR(20), KEY (id))");
  }

  /** Rows, DDL and a statement-based transaction on one site. */
  private static void siteWrites(SandboxServer s, String schema, int base) throws Exception {
    Sql.run(
        s,
        "INSERT INTO " + schema + ".t VALUES (" + base + ", 'row'), (" + (base + 1) + ", 'row')",
        "ALTER TABLE " + schema + ".t ADD COLUMN extra INT NULL",
        "CREATE TABLE " + schema + ".made_later (id INT PRIMARY KEY)",
        "INSERT INTO " + schema + ".made_later VALUES (1)",
        "SET SESSION binlog_format = STATEMENT",
        "UPDATE " + schema + ".t SET v = 'stmt', extra = 7 WHERE id = " + base,
        "SET SESSION binlog_format = ROW");
  }

  @Test
  void bidirectionalWritesConvergeAndNeverComeBack() throws Exception {
    SandboxServer a = db.server(1);
    SandboxServer b = db.server(2);
    int pa = freePort();
    int pb = freePort();
    try {
      start(ServiceFiles.master(dir, "s1", a, pa));
      start(ServiceFiles.master(dir, "s2", b, pb));
      Service toB =
          start(
              ServiceFiles.slave(
                  dir, "s1_to_s2", "thl://127.0.0.1:" + pa, b, "target.log-to-binlog = true"));
      Service toA =
          start(
              ServiceFiles.slave(
                  dir, "s2_to_s1", "thl://127.0.0.1:" + pb, a, "target.log-to-binlog = true"));

      siteSchema(a, "site_a");
      siteSchema(b, "site_b");
      siteWrites(a, "site_a", 100);
      siteWrites(b, "site_b", 200);
      ledger(a, "site_a", 1, 50);
      ledger(b, "site_b", 1, 50);
      // both sites write the other's tables too
      sync(a, b);
      sync(b, a);
      Sql.run(a, "INSERT INTO site_b.t (id, v) VALUES (1000, 'from a')");
      Sql.run(b, "INSERT INTO site_a.t (id, v) VALUES (2000, 'from b')");
      ledger(a, "site_a", 51, 80);
      ledger(b, "site_b", 51, 80);
      sync(a, b);
      sync(b, a);
      Thread.sleep(2000); // what would loop has had the time to come back
      sync(a, b);
      sync(b, a);

      List<String> schemas = List.of("site_a", "site_b");
      await("equal checksums", () -> Checksums.of(a, schemas).equals(Checksums.of(b, schemas)));
      assertThat(Checksums.of(a, schemas)).hasSize(6);
      for (SandboxServer s : List.of(a, b)) {
        for (String schema : schemas) {
          assertThat(ledgerCounts(s, schema))
              .as(schema + " on " + s.port())
              .containsExactly("80", "80");
        }
        assertThat(Sql.value(s, "SELECT v FROM site_a.t WHERE id = 100")).isEqualTo("stmt");
        assertThat(Sql.value(s, "SELECT extra FROM site_b.t WHERE id = 200")).isEqualTo("7");
      }

      // DDL ran once on each server, logged under the server id of the site that wrote it
      for (String ddl : List.of("ADD COLUMN extra", "CREATE TABLE site_a.made_later")) {
        assertThat(MultiMasterLoad.binlogStatements(a, ddl)).hasSize(ddl.contains("extra") ? 2 : 1);
        assertThat(MultiMasterLoad.binlogStatements(b, ddl)).hasSize(ddl.contains("extra") ? 2 : 1);
      }
      assertThat(MultiMasterLoad.binlogStatements(b, "CREATE TABLE site_a.made_later"))
          .containsExactly(a.serverId());
      assertThat(MultiMasterLoad.binlogStatements(a, "CREATE TABLE site_b.made_later"))
          .containsExactly(b.serverId());
      // the statement-based transaction: B logs it as rows (binlog_format=ROW), annotated with it
      assertThat(MultiMasterLoad.binlogStatements(a, "UPDATE site_a.t SET v = 'stmt'"))
          .containsExactly(a.serverId());
      assertThat(MultiMasterLoad.binlogStatements(b, "UPDATE site_a.t SET v = 'stmt'"))
          .containsExactly(a.serverId());
      // rows too: B's GTID state has a transaction of A's server id, and A's of B's
      assertThat(Sql.value(b, "SELECT @@gtid_binlog_state")).contains("-" + a.serverId() + "-");
      assertThat(Sql.value(a, "SELECT @@gtid_binlog_state")).contains("-" + b.serverId() + "-");

      // each master relays everything (source.relay = all): what came back was passed over
      assertThat(origins(toB).apply().skippedLocalOrigin()).isPositive();
      assertThat(origins(toA).apply().skippedLocalOrigin()).isPositive();
      assertThat(origins(toB).apply().targetServerId()).isEqualTo(b.serverId());
      assertThat(origins(toB).apply().applied()).containsKey("s1 (server id " + a.serverId() + ")");
      assertThat(origins(toB).apply().applied().keySet())
          .noneMatch(k -> k.contains("server id " + b.serverId() + ")"));
      // the origin names recorded beside the data
      assertThat(Sql.rows(b, "SELECT server_id, service FROM ferry_s1_to_s2.origins"))
          .contains(List.of(String.valueOf(a.serverId()), "s1"));
    } finally {
      closeAll();
    }
  }

  @Test
  void aStarHubRelaysWithOriginNamesAndSpokesRelayOnlyTheirOwn() throws Exception {
    SandboxServer a = db.server(1);
    SandboxServer h = db.server(2);
    SandboxServer b = db.server(3);
    int pa = freePort();
    int ph = freePort();
    int pb = freePort();
    String logs = "target.log-to-binlog = true";
    try {
      Service ma = start(ServiceFiles.master(dir, "a", a, pa, "source.relay = local"));
      Service mh = start(ServiceFiles.master(dir, "h", h, ph, "source.relay = all"));
      Service mb = start(ServiceFiles.master(dir, "b", b, pb, "source.relay = local"));
      start(ServiceFiles.slave(dir, "a_to_h", "thl://127.0.0.1:" + pa, h, logs));
      start(ServiceFiles.slave(dir, "b_to_h", "thl://127.0.0.1:" + pb, h, logs));
      Service toA = start(ServiceFiles.slave(dir, "h_to_a", "thl://127.0.0.1:" + ph, a, logs));
      Service toB = start(ServiceFiles.slave(dir, "h_to_b", "thl://127.0.0.1:" + ph, b, logs));

      siteSchema(a, "site_a");
      siteSchema(b, "site_b");
      siteWrites(a, "site_a", 100);
      siteWrites(b, "site_b", 200);
      ledger(a, "site_a", 1, 40);
      ledger(b, "site_b", 1, 40);
      sync(a, b);
      sync(b, a);
      Thread.sleep(2000);
      sync(a, b);
      sync(b, a);

      List<String> schemas = List.of("site_a", "site_b");
      Map<String, Long> atA = Checksums.of(a, schemas);
      assertThat(atA).hasSize(6);
      await("equal checksums on the hub", () -> Checksums.of(h, schemas).equals(atA));
      await("equal checksums on b", () -> Checksums.of(b, schemas).equals(atA));
      for (SandboxServer s : List.of(a, h, b)) {
        for (String schema : schemas) {
          assertThat(ledgerCounts(s, schema))
              .as(schema + " on " + s.port())
              .containsExactly("40", "40");
        }
        assertThat(MultiMasterLoad.binlogStatements(s, "CREATE TABLE site_a.made_later"))
            .containsExactly(a.serverId());
        assertThat(MultiMasterLoad.binlogStatements(s, "CREATE TABLE site_b.made_later"))
            .containsExactly(b.serverId());
      }

      // B applies A's transactions under A's origin name, which the hub's master found in a_to_h's
      // catalog on the hub; what A wrote never came back to A through the hub
      String aOrigin = "a (server id " + a.serverId() + ")";
      assertThat(origins(toB).apply().applied()).containsKey(aOrigin);
      assertThat(origins(toA).apply().applied()).containsKey("b (server id " + b.serverId() + ")");
      assertThat(origins(toA).apply().skippedLocalOrigin()).isPositive();
      assertThat(origins(toB).apply().skippedLocalOrigin()).isPositive();
      assertThat(origins(mh).relay().relayedForeign()).isPositive();
      // the spokes' masters kept what the hub gave them out of their logs
      assertThat(origins(ma).relay().droppedForeign()).isPositive();
      assertThat(origins(mb).relay().droppedForeign()).isPositive();

      // the hub's log says so: A's transactions carry A's server id and A's name
      int fromA = 0;
      try (Thl thl = Thl.openReadOnly(dir.resolve("h").resolve("thl"));
          ThlReader r = thl.reader(0)) {
        Transaction t;
        while ((t = next(r)) != null) {
          if (t.header().sourceId().equals(String.valueOf(a.serverId()))) {
            assertThat(t.header().originService()).isEqualTo("a");
            fromA++;
          }
        }
      }
      assertThat(fromA).isPositive();
      assertThat(mh.status().origins().relayPolicy()).isEqualTo("all");
    } finally {
      closeAll();
    }
  }

  private static Transaction next(ThlReader r) throws InterruptedException {
    io.ferry.core.event.ReplEvent e;
    while ((e = r.nextEvent(0, TimeUnit.MILLISECONDS)) != null) {
      if (e instanceof Transaction t) {
        return t;
      }
    }
    return null;
  }
}
