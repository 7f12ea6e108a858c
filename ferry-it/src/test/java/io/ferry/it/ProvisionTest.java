package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Json;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import io.ferry.testkit.Sysbench;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provisioning an empty target while sysbench writes to the source, then replicating on: a MariaDB
 * replica (then with the replicator killed with SIGKILL in the middle of the copy and the
 * provisioning resumed), and a PostgreSQL target through the same filters and type mapping. The
 * oracle is the source itself after the load stops and the service caught up: CHECKSUM TABLE of
 * every table (MariaDB), every row through JDBC (PostgreSQL).
 */
class ProvisionTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);
  @RegisterExtension final SandboxExtension pg = SandboxExtension.postgresql(1);

  @TempDir Path dir;

  private static final int TABLES = 4;

  /** Columns of every kind whose values provisioning must carry like the binlog does. */
  private static final String TYPES =
      "(id INT PRIMARY KEY, e ENUM('a','b','c'), s SET('x','y'), f FLOAT, dt DATETIME(6), ts"
          + " TIMESTAMP(3) NULL, tm TIME(2), y YEAR, bt BIT(5), d DECIMAL(12,4), l1 VARCHAR(20)"
          + " CHARACTER SET latin1, vb VARBINARY(8), zd DATE, u BIGINT UNSIGNED)";

  private List<String> sources(SandboxServer source) throws Exception {
    Sysbench prepare = new Sysbench("oltp_write_only", TABLES, 20_000, 1);
    prepare.prepare(source, "sb");
    Sql.run(
        source,
        "CREATE TABLE sb.types " + TYPES,
        "INSERT INTO sb.types SELECT seq, ELT(1 + seq % 3, 'a', 'b', 'c'), IF(seq % 2, 'x,y',"
            + " ''), seq / 3, NOW(6) - INTERVAL seq MINUTE, IF(seq % 5 = 0, NULL, NOW(3)),"
            + " SEC_TO_TIME(seq * 37.25 - 5000), 1990 + seq % 50, seq % 32, seq / 7, 'h\u00e9llo',"
            + " UNHEX(LPAD(HEX(seq), 6, '0')), IF(seq % 7 = 0, '2024-00-00', '2024-02-29'),"
            + " 18446744073709551615 - seq FROM seq.seq_1_to_3000",
        "CREATE TABLE sb.nokey (n INT, note VARCHAR(20))",
        "INSERT INTO sb.nokey SELECT seq % 10, 'x' FROM seq.seq_1_to_500",
        // large rows: batches are bounded by bytes as well as by rows
        "CREATE TABLE sb.blobs (id INT PRIMARY KEY, b LONGBLOB)",
        "INSERT INTO sb.blobs SELECT seq, REPEAT(CHAR(65 + seq % 26), 200000 + seq) FROM"
            + " seq.seq_1_to_150");
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= TABLES; i++) {
      names.add("sb.sbtest" + i);
    }
    names.add("sb.types");
    names.add("sb.nokey");
    names.add("sb.blobs");
    return names;
  }

  private Process load(SandboxServer source) throws Exception {
    return new Sysbench("oltp_write_only", TABLES, 20_000, 2)
        .run(source, "sb", 0, 150, dir.resolve("sysbench.log"));
  }

  private static void stop(Process p) throws Exception {
    assertThat(p.isAlive()).as("sysbench ran all along").isTrue();
    p.destroy();
    p.waitFor();
  }

  @Test
  void provisionsAMariaDbReplicaUnderLoadAndResumesAfterAKill() throws Exception {
    Assumptions.assumeTrue(Sysbench.installed(), "sysbench is not installed");
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    sources(source);
    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("services"));
    Files.write(conf.resolve("replicator.conf"), List.of("admin.port = " + freePort()));
    List<String> lines = new ArrayList<>(List.of("service.name = prov", "service.role = direct"));
    lines.add("service.dir = " + dir.resolve("data-prov"));
    lines.addAll(ServiceFiles.source(source));
    lines.add("source.start = " + head(source));
    lines.addAll(ServiceFiles.target(replica));
    Files.write(conf.resolve("services").resolve("prov.conf"), lines);
    ServiceProcess replicator = ServiceProcess.replicator(conf);
    replicator.start();
    Process load = load(source);
    try {
      takeOffline(conf, "prov");
      // small batches and one table at a time: the copy takes long enough to be killed inside
      ok(
          conf,
          "provision",
          "-service",
          "prov",
          "--parallel",
          "1",
          "--batch-rows",
          "200",
          "--no-wait");
      Path state = dir.resolve("data-prov").resolve("provision.state");
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (copied(state).size() < 2) {
        assertThat(System.nanoTime()).as("two tables copied").isLessThan(deadline);
        Thread.sleep(20);
      }
      replicator.kill();
      List<String> copiedBefore = copied(state);
      replicator.start();
      // the service stays offline: its provisioning did not end
      awaitState(conf, "prov", "OFFLINE");
      String resumed = ok(conf, "provision", "-service", "prov", "--parallel", "2", "--json");
      JsonNode job = Json.mapper().readTree(resumed).get("job");
      assertThat(job.get("state").asText()).isEqualTo("done");
      long earlier = 0;
      for (JsonNode t : job.get("tables")) {
        if (t.get("note").asText("").startsWith("by an earlier run")) {
          earlier++;
        }
      }
      assertThat(earlier).as("tables the killed run had copied").isEqualTo(copiedBefore.size());
      awaitState(conf, "prov", "ONLINE");
      Thread.sleep(2000); // replication goes on under the load
    } finally {
      stop(load);
    }
    String end = head(source);
    ok(conf, "wait", "-service", "prov", "-native", end, "-limit", "120");
    Map<String, Long> sums = Checksums.of(source, List.of("sb"));
    assertThat(sums).hasSize(TABLES + 3);
    assertThat(Checksums.of(replica, List.of("sb"))).isEqualTo(sums);
    awaitState(conf, "prov", "ONLINE"); // it never stopped on a duplicate key or missing row
    replicator.stop();
  }

  @Test
  void provisionsAPostgresTargetUnderLoad() throws Exception {
    Assumptions.assumeTrue(Sysbench.installed(), "sysbench is not installed");
    SandboxServer source = db.server(1);
    SandboxServer target = pg.server(1);
    List<String> tables = sources(source);
    ReplicatorFixture f = new ReplicatorFixture(dir.resolve("pgconf"));
    List<String> lines = new ArrayList<>(List.of("service.name = topg", "service.role = direct"));
    lines.add("service.dir = " + dir.resolve("data-topg"));
    lines.addAll(ServiceFiles.source(source));
    lines.add("source.start = " + head(source));
    lines.add("target.type = postgresql");
    lines.add("target.host = " + target.host());
    lines.add("target.port = " + target.port());
    lines.add("target.user = " + target.app().user());
    lines.add("target.password = " + target.app().password());
    lines.add("target.database = " + target.defaultDatabase());
    Files.write(f.dir.resolve("services").resolve("topg.conf"), lines);
    try (f) {
      f.start();
      Process load = load(source);
      try {
        takeOffline(f.dir, "topg");
        JsonNode job =
            Json.mapper()
                .readTree(f.ok("provision", "-service", "topg", "sb", "--json"))
                .get("job");
        assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("done");
        awaitState(f.dir, "topg", "ONLINE");
        // the same rows through replication (row events), for the columns whose text differs
        // between the two servers: the provisioned rows must come out the same in PostgreSQL
        Sql.run(
            source,
            "CREATE TABLE sb.types_replicated " + TYPES,
            "INSERT INTO sb.types_replicated SELECT * FROM sb.types");
        Thread.sleep(2000);
      } finally {
        stop(load);
      }
      f.ok("wait", "-service", "topg", "-native", head(source), "-limit", "120");
      for (String t : tables) {
        String q =
            t.equals("sb.types")
                ? "SELECT id, e, y, d, l1, u FROM sb.types ORDER BY id"
                : t.equals("sb.nokey")
                    ? "SELECT n, note FROM sb.nokey ORDER BY n, note"
                    : t.equals("sb.blobs")
                        ? "SELECT id, length(b), md5(b) FROM sb.blobs ORDER BY id"
                        : "SELECT id, k, c, pad FROM " + t + " ORDER BY id";
        List<List<String>> expected = Sql.rows(source, q);
        assertThat(expected).as(q).isNotEmpty();
        assertThat(Sql.pgRows(target, q)).as(q + " in PostgreSQL").isEqualTo(expected);
      }
      List<List<String>> replicated =
          Sql.pgRows(target, "SELECT * FROM sb.types_replicated ORDER BY id");
      assertThat(replicated).hasSize(3000);
      assertThat(Sql.pgRows(target, "SELECT * FROM sb.types ORDER BY id")).isEqualTo(replicated);
    }
  }

  /**
   * The replicator starts every service: this one goes online and soon fails (the target lacks the
   * tables the load writes) or is taken offline; either way it is offline before provisioning.
   */
  private static void takeOffline(Path conf, String service) throws Exception {
    awaitState(conf, service, "O"); // ONLINE, OFFLINE:ERROR
    ReplicatorFixture.raw("offline", "-service", service, "--config-dir", conf.toString());
    awaitState(conf, service, "OFFLINE");
  }

  /** The tables the state file says are committed on the target. */
  private static List<String> copied(Path state) throws Exception {
    if (!Files.exists(state)) {
      return List.of();
    }
    return Files.readAllLines(state).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("begin "))
        .toList();
  }

  private static String head(SandboxServer s) throws Exception {
    List<String> r = Sql.rows(s, "SHOW MASTER STATUS").get(0);
    return r.get(0) + ":" + r.get(1);
  }

  private static String ok(Path conf, String... args) {
    return ReplicatorFixture.okIn(conf, args);
  }

  /** Waits until the service's state starts with {@code prefix} (at most 2 minutes). */
  static void awaitState(Path conf, String service, String prefix) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (true) {
      ReplicatorFixture.Result r =
          ReplicatorFixture.raw(
              "status", "-service", service, "--json", "--config-dir", conf.toString());
      if (r.code() == 0
          && Json.mapper().readTree(r.out()).get("state").asText().startsWith(prefix)) {
        return;
      }
      assertThat(System.nanoTime())
          .as(service + " " + prefix + ": " + r.out() + r.err())
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
