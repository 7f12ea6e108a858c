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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The acceptance soak: source MariaDB → master service → (a TCP proxy) → slave service → replica
 * MariaDB, while sysbench runs read-write transactions on 8 schemas and ledger clients commit one
 * numbered row per transaction ({@link Ledger}). At random moments the master service, the slave
 * service and the replica's mariadbd are each killed with SIGKILL, and the network between the
 * services is cut. The slave applies with one channel, or with 8 channels under either parallel
 * scheduler, or ("rotate") with another layout at every start (channel count and scheduler, so that
 * a run whose channels stopped apart is finished by the next one before its own layout applies).
 * Afterwards every table has the same CHECKSUM on source and replica, the replica holds every
 * ledger number once (no gap, no duplicate), the slave's catalog has a row per channel (all at one
 * seqno after its clean stop), and neither service ever stopped on an error (a duplicate key or a
 * missing row would have stopped the slave).
 *
 * <p>The suite runs each layout with {@code kills} kills of each kind and half as many cuts (the
 * rows below: the single channel 20, the parallel layouts a shorter form); {@code
 * scripts/kill-soak.sh} runs the long form, with system properties {@code ferry.soak.kills} (of
 * each kind; cuts are half), {@code ferry.soak.seed} and {@code ferry.soak.layouts} (which rows
 * run, like {@code 8:shard,8:key}).
 */
class KillSoakTest {
  private static final int SCHEMAS = 8;
  private static final int LEDGER_CLIENTS = 2;

  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  @TempDir Path dir;

  /** The layouts a rotating slave applies with, one per start, in turn. */
  private static final List<String> ROTATION =
      List.of("8:shard", "4:shard", "1:shard", "8:key", "3:key", "6:shard", "8:shard", "2:key");

  private Path slaveConfig(String uri, SandboxServer replica, String layout) throws Exception {
    String[] l = layout.split(":", -1);
    return ServiceFiles.slave(
        dir,
        "soak_r",
        uri,
        replica,
        "apply.block-commit-events = 50",
        "apply.channels = " + l[0],
        "apply.scheduler = " + l[1]);
  }

  @ParameterizedTest(name = "{0} channel(s), scheduler {1}, {2} kills of each kind")
  @CsvSource({"1, shard, 20", "8, shard, 8", "8, key, 8", "8, rotate, 8"})
  void everythingKilledManyTimesAndTheReplicaStillConverges(
      int channels, String scheduler, int suiteKills) throws Exception {
    assumeTrue(Sysbench.installed(), "sysbench is not installed (scripts/test.sh installs it)");
    String layouts = System.getProperty("ferry.soak.layouts", "");
    assumeTrue(
        layouts.isEmpty() || List.of(layouts.split(",")).contains(channels + ":" + scheduler),
        "layout " + channels + ":" + scheduler + " not in ferry.soak.layouts");
    int killsEach = Integer.getInteger("ferry.soak.kills", suiteKills);
    int cuts = killsEach / 2;
    long seed = Long.getLong("ferry.soak.seed", 42L);
    long began = System.nanoTime();
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    Sysbench sysbench = new Sysbench("oltp_read_write", 2, 500, 1);
    List<String> schemas = new ArrayList<>();
    for (int i = 1; i <= SCHEMAS; i++) {
      schemas.add("sb" + i);
      sysbench.prepare(source, "sb" + i);
    }
    Ledger ledger = new Ledger(source, schemas, LEDGER_CLIENTS, 10);
    ledger.create();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", port)) {
      ServiceProcess master = new ServiceProcess(ServiceFiles.master(dir, "soak", source, port));
      // "rotate": every start of the slave applies with the next layout of ROTATION
      boolean rotate = scheduler.equals("rotate");
      int[] turn = {0};
      String uri = "thl://127.0.0.1:" + proxy.port();
      ServiceProcess slave =
          new ServiceProcess(
              slaveConfig(uri, replica, rotate ? ROTATION.get(0) : channels + ":" + scheduler));
      List<Process> load = new ArrayList<>();
      Map<String, Integer> done = new TreeMap<>();
      try {
        master.start();
        slave.start();
        for (String schema : schemas) {
          load.add(sysbench.run(source, schema, 0, 15, null));
        }
        ledger.start();
        List<String> victims = new ArrayList<>();
        for (int i = 0; i < killsEach; i++) {
          victims.addAll(List.of("master", "slave", "replica"));
        }
        for (int i = 0; i < cuts; i++) {
          victims.add("network");
        }
        Random random = new Random(seed);
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
              if (rotate) {
                slaveConfig(uri, replica, ROTATION.get(++turn[0] % ROTATION.size()));
              }
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
          done.merge(victim, 1, Integer::sum);
        }
        ledger.stop();
        for (Process p : load) {
          assertThat(p.isAlive()).as("sysbench ran all along").isTrue();
          p.destroy();
          p.waitFor();
        }
        String token = Checksums.mark(source);
        long deadline =
            System.nanoTime() + Duration.ofMinutes(Math.max(4, killsEach / 5)).toNanos();
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
        assertThat(expected).hasSize(SCHEMAS * 4);
        assertThat(Checksums.of(replica, schemas)).isEqualTo(expected);
        Ledger.Result ledgerRows = ledger.verify(replica);
        assertThat(ledgerRows.problems()).as("the replica's ledger").isEmpty();
        assertThat(ledgerRows.rows()).isEqualTo(ledger.transactions()).isGreaterThan(100);
        List<List<String>> rows =
            Sql.rows(replica, "SELECT task_id, seqno FROM ferry_soak_r.position ORDER BY task_id");
        int last =
            rotate
                ? Integer.parseInt(ROTATION.get(turn[0] % ROTATION.size()).split(":", -1)[0])
                : channels;
        assertThat(rows).as("the slave's channel rows").hasSize(last);
        for (int ch = 0; ch < last; ch++) {
          assertThat(rows.get(ch).get(0)).isEqualTo(Integer.toString(ch));
        }
        master.checkAlive();
        slave.checkAlive();
        slave.stop();
        rows = Sql.rows(replica, "SELECT DISTINCT seqno FROM ferry_soak_r.position");
        assertThat(rows).as("after a clean stop every channel is at one seqno").hasSize(1);
        long transactions;
        try (Thl thl = Thl.openReadOnly(dir.resolve("soak").resolve("thl"))) {
          transactions = thl.lastSeqno().orElse(-1) + 1;
        }
        long applied = Long.parseLong(rows.get(0).get(0));
        assertThat(applied).as("the slave's last seqno").isLessThan(transactions);
        assertThat(transactions).as("transactions through the master").isGreaterThan(3000);
        System.out.printf(
            "soak done (%d channel(s), scheduler %s, seed %d): %d transactions (the slave"
                + " applied through seqno %d; %d ledger rows by %d clients, last numbers %s),"
                + " kills %s, %d tables equal, %d proxied connections; the slave restarted %d"
                + " times with its channels apart, %d times with a transaction in doubt, rolled"
                + " back %d times after a lock wait between channels; %d s%n",
            channels,
            scheduler,
            seed,
            transactions,
            applied,
            ledgerRows.rows(),
            LEDGER_CLIENTS,
            ledgerRows.lastByClient(),
            done,
            expected.size(),
            proxy.connections(),
            slave.count("stopped without its channels agreeing"),
            slave.count("was being applied outside a transaction"),
            slave.count("waited for a row lock while later transactions were open"),
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
      } finally {
        ledger.stop();
        for (Process p : load) {
          p.destroyForcibly();
        }
        slave.stop();
        master.stop();
        Path kept = Path.of("target", "kill-soak", channels + "-" + scheduler + "-seed" + seed);
        master.keepLog(kept.resolve("master.log"));
        slave.keepLog(kept.resolve("slave.log"));
      }
    }
  }

  /**
   * The direct role (binlog to target in one process), killed 10 times and its target's mariadbd 5
   * times, with one channel or 8 (each scheduler): every table equal, the ledger exact, a catalog
   * row per channel.
   */
  @ParameterizedTest(name = "{0} channel(s), scheduler {1}")
  @CsvSource({"1, shard", "8, shard", "8, key"})
  void theDirectRoleKilledManyTimesMovesEverythingOnce(int channels, String scheduler)
      throws Exception {
    assumeTrue(Sysbench.installed(), "sysbench is not installed (scripts/test.sh installs it)");
    assumeTrue(
        System.getProperty("ferry.soak.layouts", "").isEmpty(),
        "a long soak runs the master/slave soak only");
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    Sysbench sysbench = new Sysbench("oltp_read_write", 2, 500, 1);
    List<String> schemas = List.of("d1", "d2", "d3", "d4");
    for (String schema : schemas) {
      sysbench.prepare(source, schema);
    }
    Ledger ledger = new Ledger(source, schemas, LEDGER_CLIENTS, 10);
    ledger.create();
    ServiceProcess direct =
        new ServiceProcess(
            ServiceFiles.direct(
                dir,
                "mover",
                source,
                target,
                "apply.block-commit-events = 50",
                "apply.channels = " + channels,
                "apply.scheduler = " + scheduler));
    List<Process> load = new ArrayList<>();
    try {
      direct.start();
      for (String schema : schemas) {
        load.add(sysbench.run(source, schema, 0, 25, null));
      }
      ledger.start();
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
      ledger.stop();
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
      Ledger.Result ledgerRows = ledger.verify(target);
      assertThat(ledgerRows.problems()).as("the target's ledger").isEmpty();
      assertThat(ledgerRows.rows()).isEqualTo(ledger.transactions()).isGreaterThan(100);
      assertThat(Sql.value(target, "SELECT COUNT(*) FROM ferry_mover.position"))
          .as("the catalog's channel rows")
          .isEqualTo(Integer.toString(channels));
      System.out.printf(
          "direct soak done (%d channel(s), scheduler %s): %d ledger rows, 10 service kills,"
              + " 5 target kills; restarts with the channels apart: %d, with a transaction in"
              + " doubt: %d%n",
          channels,
          scheduler,
          ledgerRows.rows(),
          direct.count("stopped without its channels agreeing"),
          direct.count("was being applied outside a transaction"));
    } finally {
      ledger.stop();
      for (Process p : load) {
        p.destroyForcibly();
      }
      direct.stop();
      direct.keepLog(
          Path.of("target", "kill-soak", "direct-" + channels + "-" + scheduler, "direct.log"));
    }
  }
}
