package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.core.thl.Thl;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import io.ferry.testkit.Sysbench;
import io.ferry.testkit.TcpProxy;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance soak: source MariaDB → master service → (a TCP proxy) → slave service → replica
 * MariaDB, while sysbench runs read-write transactions on 8 schemas. At random moments the master
 * service, the slave service and the replica's mariadbd are each killed with SIGKILL 20 times, and
 * the network between the services is cut 10 times. Afterwards every table has the same CHECKSUM on
 * source and replica, and neither service ever stopped on an error (a duplicate key or a missing
 * row would have stopped the slave).
 */
class KillSoakTest {
  private static final int SCHEMAS = 8;
  private static final int KILLS_EACH = 20;
  private static final int CUTS = 10;

  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  @TempDir Path dir;

  @Test
  void everythingKilledManyTimesAndTheReplicaStillConverges() throws Exception {
    assumeTrue(Sysbench.installed(), "sysbench is not installed (scripts/test.sh installs it)");
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    Sysbench sysbench = new Sysbench("oltp_read_write", 2, 500, 1);
    List<String> schemas = new ArrayList<>();
    for (int i = 1; i <= SCHEMAS; i++) {
      schemas.add("sb" + i);
      sysbench.prepare(source, "sb" + i);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", port)) {
      ServiceProcess master = new ServiceProcess(ServiceFiles.master(dir, "soak", source, port));
      ServiceProcess slave =
          new ServiceProcess(
              ServiceFiles.slave(
                  dir,
                  "soak_r",
                  "thl://127.0.0.1:" + proxy.port(),
                  replica,
                  "apply.block-commit-events = 50"));
      List<Process> load = new ArrayList<>();
      try {
        master.start();
        slave.start();
        for (String schema : schemas) {
          load.add(sysbench.run(source, schema, 0, 15, null));
        }
        List<String> victims = new ArrayList<>();
        for (int i = 0; i < KILLS_EACH; i++) {
          victims.addAll(List.of("master", "slave", "replica"));
        }
        for (int i = 0; i < CUTS; i++) {
          victims.add("network");
        }
        Random random = new Random(42);
        Collections.shuffle(victims, random);
        for (String victim : victims) {
          Thread.sleep(200 + random.nextInt(800));
          master.checkAlive();
          slave.checkAlive();
          switch (victim) {
            case "master" -> {
              master.kill();
              Thread.sleep(random.nextInt(300));
              master.start();
            }
            case "slave" -> {
              slave.kill();
              Thread.sleep(random.nextInt(300));
              slave.start();
            }
            case "replica" -> {
              db.sandboxes().killServer(db.sandbox().name(), 2);
              Thread.sleep(random.nextInt(300));
              db.sandboxes().startServer(db.sandbox().name(), 2);
            }
            default -> {
              proxy.cut();
              Thread.sleep(100 + random.nextInt(1000));
              proxy.restore();
            }
          }
        }
        for (Process p : load) {
          assertThat(p.isAlive()).as("sysbench ran all along").isTrue();
          p.destroy();
          p.waitFor();
        }
        String token = Checksums.mark(source);
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (!Checksums.hasMark(replica, token)) {
          master.checkAlive();
          slave.checkAlive();
          if (System.nanoTime() > deadline) {
            throw new AssertionError(
                "the replica did not catch up; slave log tail:\n" + slave.tail());
          }
          Thread.sleep(200);
        }
        Map<String, Long> expected = Checksums.of(source, schemas);
        assertThat(expected).hasSize(SCHEMAS * 2);
        assertThat(Checksums.of(replica, schemas)).isEqualTo(expected);
        long transactions;
        try (Thl thl = Thl.openReadOnly(dir.resolve("soak").resolve("thl"))) {
          transactions = thl.lastSeqno().orElse(-1) + 1;
        }
        assertThat(transactions).as("transactions through the master").isGreaterThan(3000);
        System.out.printf(
            "soak done: %d transactions, %d kills and cuts, %d proxied connections%n",
            transactions, victims.size(), proxy.connections());
      } finally {
        for (Process p : load) {
          p.destroyForcibly();
        }
        slave.stop();
        master.stop();
      }
    }
  }

  @Test
  void theDirectRoleKilledManyTimesMovesEverythingOnce() throws Exception {
    assumeTrue(Sysbench.installed(), "sysbench is not installed (scripts/test.sh installs it)");
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    Sysbench sysbench = new Sysbench("oltp_read_write", 2, 500, 1);
    List<String> schemas = List.of("d1", "d2", "d3", "d4");
    for (String schema : schemas) {
      sysbench.prepare(source, schema);
    }
    ServiceProcess direct =
        new ServiceProcess(
            ServiceFiles.direct(dir, "mover", source, target, "apply.block-commit-events = 50"));
    List<Process> load = new ArrayList<>();
    try {
      direct.start();
      for (String schema : schemas) {
        load.add(sysbench.run(source, schema, 0, 25, null));
      }
      Random random = new Random(7);
      for (int i = 0; i < 15; i++) {
        Thread.sleep(300 + random.nextInt(700));
        direct.checkAlive();
        if (i % 3 == 2) {
          db.sandboxes().killServer(db.sandbox().name(), 2);
          Thread.sleep(random.nextInt(300));
          db.sandboxes().startServer(db.sandbox().name(), 2);
        } else {
          direct.kill();
          Thread.sleep(random.nextInt(300));
          direct.start();
        }
      }
      for (Process p : load) {
        assertThat(p.isAlive()).as("sysbench ran all along").isTrue();
        p.destroy();
        p.waitFor();
      }
      String token = Checksums.mark(source);
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (!Checksums.hasMark(target, token)) {
        direct.checkAlive();
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the target did not catch up; log tail:\n" + direct.tail());
        }
        Thread.sleep(200);
      }
      assertThat(Checksums.of(target, schemas)).isEqualTo(Checksums.of(source, schemas));
    } finally {
      for (Process p : load) {
        p.destroyForcibly();
      }
      direct.stop();
    }
  }
}
