package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.testkit.SandboxExtension;
import io.ferry.testkit.Sysbench;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-master acceptance under load (issue 13): the services are the ones {@code ferry setup
 * all-masters} and {@code ferry setup star} write (lab layout, one replicator in this JVM), every
 * site logging what it applies ({@code --native-replicas}), so a change that looped would show in
 * the binlogs. Each site writes its own shards at once ({@link MultiMasterLoad}: sysbench and a
 * ledger client); one site creates and alters a table during the load; one site's mariadbd (all
 * masters) or the hub's master service (star) is stopped for a while and comes back. Afterwards
 * every table has the same CHECKSUM on every site, every site's ledger is on every other site with
 * each number once, the DDL is in every server's binlog exactly once under its origin's server id,
 * and no service ever went OFFLINE:ERROR.
 */
class MultiMasterTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(3);

  @TempDir Path dir;

  private String sb(int i) {
    return db.sandbox().name() + ":" + i;
  }

  /** Fails at once when a service of the replicator went OFFLINE:ERROR. */
  private static void healthy(ReplicatorFixture f) {
    for (Service s : f.replicator().services()) {
      if (s.state() == Service.State.OFFLINE_ERROR) {
        throw new AssertionError(s.name() + " went OFFLINE:ERROR: " + s.failure().message());
      }
    }
  }

  /** Lets the load run for a while, watching the services and the load. */
  private static void run(ReplicatorFixture f, MultiMasterLoad load, long millis) throws Exception {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) {
      healthy(f);
      load.checkRunning();
      Thread.sleep(200);
    }
  }

  private static MultiMasterLoad load(List<String> names, List<SandboxServer> servers) {
    MultiMasterLoad load = new MultiMasterLoad(new Sysbench("oltp_write_only", 2, 200, 1), 15);
    for (int i = 0; i < names.size(); i++) {
      load.site(names.get(i), servers.get(i), 2, 20);
    }
    return load;
  }

  private static void converged(ReplicatorFixture f, MultiMasterLoad load) throws Exception {
    load.stop();
    load.sync(Duration.ofMinutes(2), () -> healthy(f));
    assertThat(load.differences()).as("differences between the sites").isEmpty();
    assertThat(load.tables()).as("tables compared").isGreaterThan(9);
    assertThat(load.ledgerRows().values()).allMatch(n -> n > 50, "ledger rows of each site");
    healthy(f);
  }

  @Test
  void threeMastersAllToAllUnderLoadConvergeWithDdlOnceAndASiteStoppedForAWhile() throws Exception {
    assumeTrue(Sysbench.installed(), "sysbench is not installed (scripts/test.sh installs it)");
    long began = System.nanoTime();
    List<SandboxServer> servers = List.of(db.server(1), db.server(2), db.server(3));
    List<String> names = List.of("s1", "s2", "s3");
    MultiMasterLoad load = load(names, servers);
    try (ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf"))) {
      f.ok(
          "setup",
          "all-masters",
          "--servers",
          sb(1) + "," + sb(2) + "," + sb(3),
          "--native-replicas",
          "s1,s2,s3",
          "--sandbox-home",
          db.sandboxes().home().toString(),
          "--data-dir",
          dir.resolve("data").toString());
      f.start();
      List<String> services = new ArrayList<>(names);
      services.addAll(MultiMasterLab.slaves(3));
      for (String s : services) {
        f.ok("wait", "-service", s, "-state", "ONLINE", "-limit", "60");
      }
      try {
        load.prepare();
        load.start();
        run(f, load, 4000);
        MultiMasterLoad.ddl(servers.get(0), "s1_sb1");
        run(f, load, 3000);
        // site 2's server goes down while the others keep writing, and comes back
        load.pause("s2");
        db.sandboxes().stopServer(db.sandbox().name(), 2);
        run(f, load, 8000);
        db.sandboxes().startServer(db.sandbox().name(), 2);
        load.resume("s2");
        run(f, load, 8000);
        converged(f, load);
      } finally {
        load.close();
      }
      MultiMasterLoad.ddlOnceEverywhere(servers, servers.get(0), "s1_sb1");
      System.out.printf(
          "all-masters under load: ledger rows %s, %d tables equal on 3 sites, ledger"
              + " reconnects %d; %d s%n",
          load.ledgerRows(),
          load.tables(),
          load.ledgerReconnects(),
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
    }
  }

  @Test
  void aStarWithAHubAndTwoSpokesUnderLoadConvergesWithDdlOnceAndTheHubStoppedForAWhile()
      throws Exception {
    assumeTrue(Sysbench.installed(), "sysbench is not installed (scripts/test.sh installs it)");
    long began = System.nanoTime();
    List<SandboxServer> servers = List.of(db.server(1), db.server(2), db.server(3));
    List<String> names = List.of("hub", "ny", "sj");
    MultiMasterLoad load = load(names, servers);
    try (ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf"))) {
      f.ok(
          "setup",
          "star",
          "--hub",
          sb(1),
          "--spokes",
          sb(2) + "," + sb(3),
          "--names",
          String.join(",", names),
          "--native-replicas",
          "ny,sj",
          "--sandbox-home",
          db.sandboxes().home().toString(),
          "--data-dir",
          dir.resolve("data").toString());
      // the spokes receive the hub's and the other spoke's transactions and log them under their
      // origins: on four channels of the key scheduler, whose runs must end where origins change
      for (String spoke : List.of("hub_to_ny", "hub_to_sj")) {
        java.nio.file.Files.write(
            dir.resolve("conf").resolve("services").resolve(spoke + ".conf"),
            List.of("apply.channels = 4", "apply.scheduler = key"),
            java.nio.file.StandardOpenOption.APPEND);
      }
      f.start();
      for (String s :
          List.of("hub", "ny", "sj", "ny_to_hub", "sj_to_hub", "hub_to_ny", "hub_to_sj")) {
        f.ok("wait", "-service", s, "-state", "ONLINE", "-limit", "60");
      }
      try {
        load.prepare();
        load.start();
        run(f, load, 4000);
        MultiMasterLoad.ddl(servers.get(1), "ny_sb1");
        run(f, load, 3000);
        // the hub's master (the relay between the spokes) stops for a while, and comes back
        f.ok("offline", "-service", "hub");
        run(f, load, 8000);
        f.ok("online", "-service", "hub");
        run(f, load, 8000);
        converged(f, load);
      } finally {
        load.close();
      }
      MultiMasterLoad.ddlOnceEverywhere(servers, servers.get(1), "ny_sb1");
      Map<String, Long> rows = load.ledgerRows();
      System.out.printf(
          "star under load: ledger rows %s, %d tables equal on the hub and 2 spokes; %d s%n",
          rows, load.tables(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
    }
  }
}
