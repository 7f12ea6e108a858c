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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * New replicas of a running master, seeded three ways while sysbench writes to the source: a slave
 * provisioned from snapshots of its master's source; a slave restored from a backup of that first
 * replica (its catalog becomes the new slave's); a slave restored from a backup of the source (its
 * binlog position). The oracle is the source: after the load stops and every slave has caught up,
 * CHECKSUM TABLE of every table is the same on all four servers, and no slave stopped.
 */
class ReplicaSeedTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(4);

  @TempDir Path dir;

  private static final int TABLES = 4;

  @Test
  void seedsSlavesByProvisioningAndFromBackupsUnderLoad() throws Exception {
    Assumptions.assumeTrue(Sysbench.installed(), "sysbench is not installed");
    SandboxServer source = db.server(1);
    new Sysbench("oltp_write_only", TABLES, 10_000, 1).prepare(source, "sb");
    Sql.run(
        source,
        "CREATE TABLE sb.notes (id INT AUTO_INCREMENT PRIMARY KEY, t TEXT, d DATETIME(6))",
        "INSERT INTO sb.notes (t, d) SELECT REPEAT('n', seq % 300), NOW(6) FROM"
            + " seq.seq_1_to_2000");
    int thlPort = freePort();
    ReplicatorFixture f =
        new ReplicatorFixture(dir.resolve("conf"), "services.auto-online = false");
    Path services = f.dir.resolve("services");
    ServiceFiles.master(dir.resolve("data"), "m", source, thlPort);
    Files.move(dir.resolve("data").resolve("m.conf"), services.resolve("m.conf"));
    for (int i = 2; i <= 4; i++) {
      Path conf =
          ServiceFiles.slave(
              dir.resolve("data"), "r" + i, "thl://127.0.0.1:" + thlPort, db.server(i));
      Files.move(conf, services.resolve("r" + i + ".conf"));
    }
    String home = db.sandboxes().home().toString();
    String name = db.sandbox().name();
    try (f) {
      f.start();
      f.ok("online", "-service", "m");
      Process load =
          new Sysbench("oltp_write_only", TABLES, 10_000, 2)
              .run(source, "sb", 0, 100, dir.resolve("sysbench.log"));
      try {
        // 1. a slave provisioned from snapshots of the master's source
        JsonNode job =
            Json.mapper()
                .readTree(
                    f.ok(
                        "provision",
                        "-service",
                        "r2",
                        "--source",
                        name + ":1",
                        "--sandbox-home",
                        home,
                        "--batch-rows",
                        "1000",
                        "--json"))
                .get("job");
        assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("done");
        awaitState(f, "r2", "ONLINE");
        Thread.sleep(1500);
        // 2. a backup of that replica, restored as another slave: it starts after its catalog
        String backup =
            bare(
                "backup",
                "--from",
                name + ":2",
                "--to",
                dir.resolve("b2").toString(),
                "--sandbox-home",
                home);
        assertThat(backup).contains("ferry_r2");
        String restored =
            f.ok(
                "restore",
                "--from",
                dir.resolve("b2").toString(),
                "--to",
                name + ":3",
                "-service",
                "r3",
                "--sandbox-home",
                home);
        assertThat(restored).contains("catalog ferry_r2 is now r3's");
        f.ok("online", "-service", "r3");
        // 3. a backup of the source, restored as a third slave: it starts after its position
        String sourceBackup =
            bare(
                "backup",
                "--from",
                name + ":1",
                "--to",
                dir.resolve("b1").toString(),
                "--sandbox-home",
                home);
        assertThat(sourceBackup).contains("binlog position of the snapshot");
        f.ok(
            "restore",
            "--from",
            dir.resolve("b1").toString(),
            "--to",
            name + ":4",
            "-service",
            "r4",
            "--sandbox-home",
            home);
        awaitState(f, "r3", "ONLINE");
        awaitState(f, "r4", "ONLINE");
        // refused before anything is loaded: a service that is online, either way
        for (String b : List.of("b1", "b2")) {
          ReplicatorFixture.Result again =
              f.ferry(
                  "restore",
                  "--from",
                  dir.resolve(b).toString(),
                  "--to",
                  name + ":3",
                  "-service",
                  "r3",
                  "--sandbox-home",
                  home);
          assertThat(again.code()).as(again.out() + again.err()).isEqualTo(1);
          assertThat(again.err()).contains("r3 is ONLINE").contains("offline");
        }
        Thread.sleep(2000); // all three replicate on under the load
        assertThat(load.isAlive()).as("sysbench ran all along").isTrue();
      } finally {
        load.destroy();
        load.waitFor();
      }
      // each fetched only what came after its seed (the master's log begins with the prepare)
      long[] first = new long[5];
      for (int i = 2; i <= 4; i++) {
        JsonNode st = Json.mapper().readTree(f.ok("status", "-service", "r" + i, "--json"));
        first[i] = st.get("storedFirstSeqno").asLong();
        assertThat(first[i]).as("r" + i + " fetched from").isGreaterThan(10);
      }
      assertThat(first[4])
          .as("the source backup came after the provisioning")
          .isGreaterThan(first[2]);
      List<String> head = Sql.rows(source, "SHOW MASTER STATUS").get(0);
      Map<String, Long> sums = Checksums.of(source, List.of("sb"));
      assertThat(sums).hasSize(TABLES + 1);
      for (int i = 2; i <= 4; i++) {
        f.ok(
            "wait",
            "-service",
            "r" + i,
            "-native",
            head.get(0) + ":" + head.get(1),
            "-limit",
            "120");
        assertThat(Checksums.of(db.server(i), List.of("sb"))).as("server " + i).isEqualTo(sums);
        awaitState(f, "r" + i, "ONLINE"); // none stopped on a duplicate key or a missing row
      }
    }
  }

  private static void awaitState(ReplicatorFixture f, String service, String prefix)
      throws Exception {
    ProvisionTest.awaitState(f.dir, service, prefix);
  }

  /** A command that takes no --config-dir, and must succeed. */
  private static String bare(String... args) {
    ReplicatorFixture.Result r = ReplicatorFixture.raw(args);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    return r.out();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
