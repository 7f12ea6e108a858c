package io.ferry.bench;

import io.ferry.core.position.BinlogPosition;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxServer;
import io.ferry.sandbox.SandboxSpec;
import io.ferry.sandbox.Sandboxes;
import io.ferry.server.Service;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Part 2 of {@link ConflictBenchmark}: three MariaDB masters all to all, every service in this JVM
 * (site {@code sN} is server N with a master service and a slave service from every other site, the
 * layout of ferry-it's MultiMasterLab; slaves keep what they apply out of their target's binlog, so
 * only realignments travel back). Per resolution: the same rows on every site, written outside
 * replication; every slave offline; each site updates the same {@code burst} rows, one transaction
 * each, with its own values and timestamps; once each master has extracted its site's burst the
 * slaves go online, and the clock runs until every site's table has the same checksum and keeps it
 * for three seconds. The outcome is checked against the rule's winner (priority: the first site;
 * newer: the last site, whose timestamps are the latest). Prints the time and the conflicts the
 * exceptions tables recorded. Not thread-safe: one run.
 */
final class ConflictConvergence {
  private static final int SITES = 3;
  private static final long STABLE_MILLIS = 3000;

  private final ConflictBenchmark.Options o;
  private final Sandboxes sandboxes;
  private final Path work;
  private List<SandboxServer> servers;

  /** A resolution: its service name prefix, the slave settings, and the site that must win. */
  private record Resolution(String prefix, String label, List<String> settings, int winner) {}

  ConflictConvergence(ConflictBenchmark.Options o, Sandboxes sandboxes, Path work) {
    this.o = o;
    this.sandboxes = sandboxes;
    this.work = work;
  }

  List<String> run() throws Exception {
    System.out.printf(
        "== convergence: %d masters all to all; each updates the same %,d rows differently, one"
            + " transaction a row, with the slaves offline%n",
        SITES, o.burst);
    Sandbox sandbox =
        sandboxes.create(
            SandboxSpec.mariadb("cf-mm", SITES).withOptions(ConflictBenchmark.DURABLE));
    servers = sandbox.servers();
    List<String> out = new ArrayList<>();
    List<String> names = List.of("pr_s1", "pr_s2", "pr_s3");
    out.add(
        once(
            new Resolution(
                "pr",
                "before-image, priority s1 > s2 > s3",
                List.of(
                    "apply.conflicts = before-image",
                    "apply.conflicts.resolve = priority",
                    "apply.conflicts.priority = " + String.join(", ", names)),
                1)));
    out.add(
        once(
            new Resolution(
                "nw", "timestamp(ts) newer", List.of("apply.conflicts = timestamp(ts) newer"), 3)));
    System.out.println();
    return out;
  }

  private static String site(String prefix, int i) {
    return prefix + "_s" + i;
  }

  private String once(Resolution r) throws Exception {
    System.out.printf("%s: loading %,d rows on every site ...%n", r.label(), o.burst);
    for (SandboxServer s : servers) {
      try (Connection c = s.connect(s.root(), "");
          Statement st = c.createStatement()) {
        st.execute("SET SESSION sql_log_bin = 0");
        st.execute("DROP DATABASE IF EXISTS mm");
        st.execute("CREATE DATABASE mm");
        st.execute(
            "CREATE TABLE mm.t (id INT PRIMARY KEY, v INT NOT NULL, ts DATETIME(6) NOT NULL,"
                + " note VARCHAR(20) NULL)");
        st.execute(
            "INSERT INTO mm.t SELECT seq, seq, '2026-01-01 00:00:00', 'start' FROM mm.seq_1_to_"
                + o.burst);
      }
    }
    int[] ports = new int[SITES + 1];
    for (int i = 1; i <= SITES; i++) {
      ports[i] = ConflictBenchmark.freePort();
    }
    Path dir = work.resolve(r.prefix());
    List<Service> masters = new ArrayList<>();
    List<Service> slaves = new ArrayList<>();
    List<String> slaveNames = new ArrayList<>();
    List<SandboxServer> slaveTargets = new ArrayList<>();
    try {
      for (int i = 1; i <= SITES; i++) {
        SandboxServer s = servers.get(i - 1);
        String name = site(r.prefix(), i);
        masters.add(
            FerryPair.service(
                dir,
                name,
                FerryPair.masterLines(
                    dir, name, s, s.root(), ConflictBenchmark.head(s), ports[i])));
      }
      for (int i = 1; i <= SITES; i++) {
        SandboxServer s = servers.get(i - 1);
        for (int j = 1; j <= SITES; j++) {
          if (j == i) {
            continue;
          }
          String name = site(r.prefix(), j) + "_to_s" + i;
          List<String> lines =
              FerryPair.slaveLines(dir, name, ports[j], s, s.root(), o.block, "500ms");
          lines.addAll(r.settings());
          lines.add("apply.conflicts.site = " + site(r.prefix(), i));
          slaves.add(FerryPair.service(dir, name, lines));
          slaveNames.add(name);
          slaveTargets.add(s);
        }
      }
      for (Service m : masters) {
        m.online(Service.OnlineOptions.NONE);
      }
      for (Service s : slaves) {
        s.online(Service.OnlineOptions.NONE);
      }
      for (Service s : slaves) {
        if (!s.await(Service.State.ONLINE, java.time.Duration.ofSeconds(60))) {
          throw new IllegalStateException(s.name() + " did not go online: " + s.state());
        }
      }
      for (Service s : slaves) {
        s.offline();
      }
      burst();
      for (int i = 1; i <= SITES; i++) {
        BinlogPosition head = ConflictBenchmark.head(servers.get(i - 1));
        while (!FerryPair.reached(masters.get(i - 1), head)) {
          Thread.sleep(5);
        }
      }
      long t0 = System.nanoTime();
      for (Service s : slaves) {
        s.online(Service.OnlineOptions.NONE);
      }
      double seconds = awaitConverged(t0, slaves);
      long conflicts = 0;
      long realigned = 0;
      for (int k = 0; k < slaves.size(); k++) {
        SandboxServer target = slaveTargets.get(k);
        conflicts += ConflictBenchmark.conflicts(target, slaveNames.get(k));
        realigned += realigned(target, slaveNames.get(k));
      }
      String winner = winnerCheck(r.winner());
      String line =
          String.format(
              Locale.ROOT,
              "convergence %-36s %s; %,d conflicts recorded (%,d realigned); %s",
              r.label(),
              Double.isNaN(seconds)
                  ? "did NOT converge in " + o.timeout + " s"
                  : String.format(Locale.ROOT, "converged in %.2f s", seconds),
              conflicts,
              realigned,
              winner);
      System.out.println("  " + line);
      return line;
    } finally {
      for (Service s : slaves) {
        s.close();
      }
      for (Service m : masters) {
        m.close();
      }
    }
  }

  /** Every site updates rows 1..burst, one transaction each, all three at once. */
  private void burst() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(SITES);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int i = 1; i <= SITES; i++) {
        int site = i;
        SandboxServer s = servers.get(i - 1);
        done.add(
            pool.submit(
                () -> {
                  try (Connection c = s.connect(s.root(), "");
                      PreparedStatement ps =
                          c.prepareStatement(
                              "UPDATE mm.t SET v = ?, ts = ?, note = ? WHERE id = ?")) {
                    for (int id = 1; id <= o.burst; id++) {
                      ps.setInt(1, site * 1_000_000 + id);
                      ps.setString(2, "2026-01-01 00:00:0" + site);
                      ps.setString(3, "site " + site);
                      ps.setInt(4, id);
                      ps.executeUpdate();
                    }
                  }
                  return null;
                }));
      }
      for (Future<Void> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Seconds from {@code t0} until all sites hold the same rows and keep them {@link
   * #STABLE_MILLIS}; NaN after the timeout.
   */
  private double awaitConverged(long t0, List<Service> slaves) throws Exception {
    long deadline = t0 + o.timeout * 1_000_000_000L;
    String last = null;
    long since = 0;
    while (System.nanoTime() < deadline) {
      for (Service s : slaves) {
        if (s.state() == Service.State.OFFLINE_ERROR) {
          throw new IllegalStateException(s.name() + " failed: " + s.failure().message());
        }
      }
      List<String> sums = new ArrayList<>();
      for (SandboxServer s : servers) {
        sums.add(ConflictBenchmark.checksum(s, "mm"));
      }
      long now = System.nanoTime();
      boolean equal = sums.stream().distinct().count() == 1;
      if (equal && sums.get(0).equals(last)) {
        if (now - since >= STABLE_MILLIS * 1_000_000L) {
          return (since - t0) / 1e9;
        }
      } else if (equal) {
        last = sums.get(0);
        since = now;
      } else {
        last = null;
      }
      Thread.sleep(50);
    }
    return Double.NaN;
  }

  /** Whether every site holds the winner's version of every row. */
  private String winnerCheck(int winner) throws Exception {
    long wrong = 0;
    for (SandboxServer s : servers) {
      try (Connection c = s.connect(s.root(), "");
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT COUNT(*) FROM mm.t WHERE v <> "
                      + winner
                      + " * 1000000 + id OR note <> 'site "
                      + winner
                      + "'")) {
        rs.next();
        wrong += rs.getLong(1);
      }
    }
    return wrong == 0
        ? "every site holds s" + winner + "'s version of every row, as the rule says"
        : wrong + " rows (over all sites) are not s" + winner + "'s version: WRONG";
  }

  private static long realigned(SandboxServer s, String service) throws Exception {
    if (ConflictBenchmark.conflicts(s, service) == 0) {
      return 0;
    }
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT COUNT(*) FROM `ferry_" + service + "`.conflicts WHERE realign = 'done'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
