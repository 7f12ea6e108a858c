package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import io.ferry.testkit.Sysbench;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-master kill -9 soak (issue 13): three MariaDB sites all to all, the services written by
 * {@code ferry setup all-masters} (lab layout) and run by one replicator in its own JVM ({@code
 * ferry replicator run}), every site writing its own shards ({@link MultiMasterLoad}: sysbench and
 * a ledger client each), and one site creates and alters a table halfway. At random moments the
 * replicator is killed with SIGKILL and restarted, and a random site's mariadbd is SIGKILLed and
 * restarted (its load pauses meanwhile; its ledger client reconnects and asks the server whether
 * its last commit survived). Conflict detection is off: each site writes only its own shards, so a
 * change applied twice or lost shows as a duplicate key or a missing row, which stops a service
 * (OFFLINE:ERROR, found in the replicator's log). Afterwards every table has the same CHECKSUM on
 * every site and every site's ledger is on every other site with each number once.
 *
 * <p>The suite runs a short form (3 kills of each kind); {@code scripts/mm-kill-soak.sh} the long
 * one, with system properties {@code ferry.mmsoak.kills} (of each kind) and {@code
 * ferry.mmsoak.seed} (printed at the start and in the summary).
 */
class MultiMasterKillSoakTest {
  private static final List<String> SITES = List.of("s1", "s2", "s3");

  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(3);

  @TempDir Path dir;

  /** Fails when the replicator exited by itself or a service went OFFLINE:ERROR. */
  private static void healthy(ServiceProcess replicator) throws Exception {
    replicator.checkAlive();
    if (replicator.count("-> OFFLINE:ERROR") > 0) {
      throw new AssertionError(
          "a service went OFFLINE:ERROR; replicator log tail:\n" + replicator.tail());
    }
  }

  @Test
  void replicatorsAndServersKilledAtRandomAndEverySiteStillConverges() throws Exception {
    assumeTrue(Sysbench.installed(), "sysbench is not installed (scripts/test.sh installs it)");
    int kills = Integer.getInteger("ferry.mmsoak.kills", 3);
    long seed = Long.getLong("ferry.mmsoak.seed", 13L);
    System.out.printf("multi-master kill soak: seed %d, %d kills of each kind%n", seed, kills);
    long began = System.nanoTime();
    List<SandboxServer> servers = List.of(db.server(1), db.server(2), db.server(3));
    MultiMasterLoad load = new MultiMasterLoad(new Sysbench("oltp_write_only", 2, 200, 1), 15);
    for (int i = 0; i < SITES.size(); i++) {
      load.site(SITES.get(i), servers.get(i), 2, 20);
    }
    ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf"));
    f.ok(
        "setup",
        "all-masters",
        "--servers",
        String.join(
            ",",
            db.sandbox().name() + ":1",
            db.sandbox().name() + ":2",
            db.sandbox().name() + ":3"),
        "--native-replicas",
        String.join(",", SITES),
        "--sandbox-home",
        db.sandboxes().home().toString(),
        "--data-dir",
        dir.resolve("data").toString());
    List<String> services = new ArrayList<>(SITES);
    services.addAll(MultiMasterLab.slaves(SITES.size()));
    ServiceProcess replicator = ServiceProcess.replicator(f.dir);
    Map<String, Integer> done = new TreeMap<>();
    try {
      replicator.start();
      long up = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (f.ferry("services").code() != 0) { // its admin API is not up yet
        replicator.checkAlive();
        assertThat(System.nanoTime()).as("the replicator's admin API is up").isLessThan(up);
        Thread.sleep(200);
      }
      for (String s : services) {
        f.ok("wait", "-service", s, "-state", "ONLINE", "-limit", "90");
      }
      load.prepare();
      load.start();
      List<String> victims = new ArrayList<>();
      for (int i = 0; i < kills; i++) {
        victims.addAll(List.of("replicator", "mariadbd"));
      }
      Random random = new Random(seed);
      Collections.shuffle(victims, random);
      int ddlSite = random.nextInt(SITES.size());
      String ddlSchema = SITES.get(ddlSite) + "_sb1";
      for (int v = 0; v < victims.size(); v++) {
        String victim = victims.get(v);
        if (v == victims.size() / 2) { // DDL between the kills: it must land once everywhere
          MultiMasterLoad.ddl(servers.get(ddlSite), ddlSchema);
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500 + random.nextInt(2500));
        while (System.nanoTime() < until) {
          healthy(replicator);
          load.checkRunning();
          Thread.sleep(100);
        }
        if (victim.equals("replicator")) {
          replicator.kill();
          Thread.sleep(random.nextInt(500));
          replicator.start();
          done.merge("replicator", 1, Integer::sum);
        } else {
          int site = random.nextInt(SITES.size());
          load.pause(SITES.get(site));
          db.sandboxes().killServer(db.sandbox().name(), site + 1);
          Thread.sleep(random.nextInt(1000));
          db.sandboxes().startServer(db.sandbox().name(), site + 1);
          load.resume(SITES.get(site));
          done.merge("mariadbd " + SITES.get(site), 1, Integer::sum);
        }
      }
      Thread.sleep(2000);
      load.stop();
      load.sync(Duration.ofMinutes(Math.max(3, kills / 4)), () -> healthy(replicator));
      assertThat(load.differences()).as("differences between the sites").isEmpty();
      assertThat(load.tables()).as("tables compared").isGreaterThan(9);
      assertThat(load.ledgerRows().values()).allMatch(n -> n > 50, "ledger rows of each site");
      MultiMasterLoad.ddlOnceEverywhere(servers, servers.get(ddlSite), ddlSchema);
      healthy(replicator);
      System.out.printf(
          "mm kill soak done (seed %d): kills %s; ledger rows %s (clients reconnected %d"
              + " times), %d tables equal on 3 sites; %d s%n",
          seed,
          done,
          load.ledgerRows(),
          load.ledgerReconnects(),
          load.tables(),
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
    } finally {
      load.close();
      replicator.stop();
      replicator.keepLog(Path.of("target", "mm-kill-soak", "seed" + seed, "replicator.log"));
    }
  }
}
