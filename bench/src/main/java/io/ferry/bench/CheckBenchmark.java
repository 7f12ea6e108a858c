package io.ferry.bench;

import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.check.SourceCheck;
import io.ferry.sandbox.Binaries;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxServer;
import io.ferry.sandbox.SandboxSpec;
import io.ferry.sandbox.Sandboxes;
import io.ferry.server.check.CheckJob;
import io.ferry.testkit.Sysbench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The consistency check's cost: rows checked per second on the source and on a replica, and what a
 * running check takes from a sysbench write workload's throughput (the same workload alone and with
 * checks running, interleaved), on a durable source and replica with a Ferry master and slave.
 */
public final class CheckBenchmark {
  private CheckBenchmark() {}

  static final String USAGE =
      """
      bench/run.sh check [options]
        consistency check: rows/s checked on the source and on the replica (the check alone),
        and a sysbench write workload's throughput alone and with checks running
        --rows N        rows of the checked table (1000000)
        --seconds N     seconds of each workload run (20)
        --rounds N      runs of each workload mode, interleaved (2)
        --clients N     sysbench client threads (4)
        --rest R,R...   the check's rest ratios while the workload runs (0.5,2; 0.5 is the
                        default of ferry check)
        --part check|provision|all   (all) provision: ferry provision of the same tables into an
                        empty server vs mariadb-dump --single-transaction | mariadb
      """;

  static final class Options {
    int rows = 1_000_000;
    int seconds = 20;
    int rounds = 2;
    int clients = 4;
    List<Double> rests = List.of(0.5, 2.0);
    String part = "all";
  }

  private static final Pattern TPS =
      Pattern.compile("transactions:\\s+\\d+\\s+\\(([0-9.]+) per sec");

  public static void main(String[] args) throws Exception {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          System.out.print(USAGE);
          return;
        }
        case "--rows" -> o.rows = Integer.parseInt(args[++i]);
        case "--seconds" -> o.seconds = Integer.parseInt(args[++i]);
        case "--rounds" -> o.rounds = Integer.parseInt(args[++i]);
        case "--clients" -> o.clients = Integer.parseInt(args[++i]);
        case "--part" -> o.part = args[++i];
        case "--rest" -> {
          List<Double> r = new ArrayList<>();
          for (String x : args[++i].split(",", -1)) {
            r.add(Double.parseDouble(x.strip()));
          }
          o.rests = r;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
    }
    Path home = Files.createTempDirectory(Path.of("/tmp"), "ferry-bench-ck-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    Sandboxes sandboxes = new Sandboxes(home, new Binaries(Binaries.defaultCacheDir()));
    System.out.printf(
        "consistency check benchmark: %d cores, data in %s (%s); source and replica"
            + " innodb_flush_log_at_trx_commit=1, sync_binlog=1, binlog on, buffer pool 128 MB%n%n",
        Runtime.getRuntime().availableProcessors(), home, Files.getFileStore(home).type());
    try {
      run(o, sandboxes, home);
    } finally {
      for (Sandbox s : sandboxes.list()) {
        sandboxes.destroy(s.name());
      }
      BenchFiles.deleteTree(home);
    }
  }

  private static void run(Options o, Sandboxes sandboxes, Path home) throws Exception {
    List<SandboxServer> servers =
        sandboxes
            .create(SandboxSpec.mariadb("ck", 3).withOptions(ConflictBenchmark.DURABLE))
            .servers();
    SandboxServer source = servers.get(0);
    SandboxServer replica = servers.get(1);
    long t0 = System.nanoTime();
    for (SandboxServer s : servers.subList(0, 2)) {
      fill(s, o.rows);
    }
    System.out.printf(
        Locale.ROOT,
        "filled ck.big (%,d rows) and sb.sbtest1..4 (10,000 rows) alike on both servers, outside"
            + " the binlog, in %.0f s%n",
        o.rows,
        (System.nanoTime() - t0) / 1e9);
    BinlogPosition start = ConflictBenchmark.head(source);
    if (!o.part.equals("check")) {
      ProvisionBench.run(source, servers.get(2), home, o.rows);
    }
    if (o.part.equals("provision")) {
      return;
    }
    try (FerryPair pair =
        new FerryPair(
            home.resolve("ferry"),
            "ck",
            source,
            start,
            replica,
            ConflictBenchmark.freePort(),
            200,
            "500ms",
            true)) {
      pair.online();
      Thread.sleep(2000);

      // 1. the check alone, without rest: rows/s on the source and on the replica
      Map<String, Object> alone = check(pair, 0.0);
      double sourceSeconds = ((Number) alone.get("seconds")).doubleValue();
      long rows = ((Number) alone.get("rows")).longValue();
      String id = (String) alone.get("id");
      double[] target = replicaTime(replica, id, 120);
      System.out.printf(
          Locale.ROOT,
          "check of ck.big alone (rest 0): %,d rows in %d chunks; source %.1f s = %,.0f rows/s;"
              + " replica %.1f s of its apply time = %,.0f rows/s (%d chunks, all match: %s)%n",
          rows,
          ((Number) alone.get("chunks")).intValue(),
          sourceSeconds,
          rows / sourceSeconds,
          target[0],
          rows / target[0],
          (long) target[1],
          target[2] == 0 ? "yes" : "NO, " + (long) target[2] + " differ");

      // 2. the workload alone and with checks, interleaved
      Sysbench bench =
          new Sysbench("oltp_write_only", 4, 10_000, o.clients, List.of("--rand-type=uniform"));
      List<Double> plain = new ArrayList<>();
      Map<Double, List<Double>> checked = new java.util.TreeMap<>();
      Map<Double, double[]> checkRate = new java.util.TreeMap<>();
      for (int round = 1; round <= o.rounds; round++) {
        plain.add(workload(bench, source, home, o.seconds, "plain-" + round));
        for (double rest : o.rests) {
          double[] rate = checkRate.computeIfAbsent(rest, k -> new double[2]);
          java.util.concurrent.atomic.AtomicBoolean stop =
              new java.util.concurrent.atomic.AtomicBoolean();
          Thread checks =
              new Thread(
                  () -> {
                    try {
                      while (!stop.get()) {
                        Map<String, Object> st = check(pair, rest);
                        rate[0] += ((Number) st.get("rows")).longValue();
                        rate[1] += ((Number) st.get("seconds")).doubleValue();
                      }
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
          checks.start();
          checked
              .computeIfAbsent(rest, k -> new ArrayList<>())
              .add(workload(bench, source, home, o.seconds, "checked-" + rest + "-" + round));
          stop.set(true);
          checks.join();
        }
      }
      double p = plain.stream().mapToDouble(d -> d).average().orElse(0);
      System.out.printf(
          Locale.ROOT,
          "sysbench oltp_write_only, %d clients, %d s per run, %d rounds interleaved:%n"
              + "  alone: %s tx/s (mean %,.0f)%n",
          o.clients,
          o.seconds,
          o.rounds,
          format(plain),
          p);
      for (Map.Entry<Double, List<Double>> e : checked.entrySet()) {
        double c = e.getValue().stream().mapToDouble(d -> d).average().orElse(0);
        double[] rate = checkRate.get(e.getKey());
        System.out.printf(
            Locale.ROOT,
            "  with checks of ck.big one after another, rest %.1f: %s tx/s (mean %,.0f), ratio to"
                + " alone %.3f (%.1f%% fewer); the checks meanwhile %,.0f rows/s on the source%n",
            e.getKey(),
            format(e.getValue()),
            c,
            c / p,
            (1 - c / p) * 100,
            rate[0] / Math.max(rate[1], 1e-9));
      }
      String failed = pair.retries();
      if (!failed.isEmpty()) {
        System.out.println("slave retries: " + failed);
      }
    }
  }

  private static String format(List<Double> values) {
    List<String> out = new ArrayList<>();
    values.forEach(v -> out.add(String.format(Locale.ROOT, "%,.0f", v)));
    return String.join(" / ", out);
  }

  /** Runs a check of ck.big on the master service until it ends; its status. */
  private static Map<String, Object> check(FerryPair pair, double rest) throws Exception {
    pair.master.check(
        new CheckJob.Request(
            false,
            List.of("ck.big"),
            List.of(),
            new SourceCheck.Settings(0, 0.25, "", rest),
            false,
            10));
    while (true) {
      @SuppressWarnings("unchecked")
      Map<String, Object> job = (Map<String, Object>) pair.master.checkStatus(null, 1).get("job");
      if (job.get("finished") != null) {
        if (!"done".equals(job.get("state"))) {
          throw new IllegalStateException("the check ended " + job.get("state") + ": " + job);
        }
        return job;
      }
      Thread.sleep(50);
    }
  }

  /**
   * The replica's time for a run's chunks (the sum of each chunk's check), its chunks and how many
   * differ, once it recorded the table's end.
   */
  private static double[] replicaTime(SandboxServer replica, String id, int timeoutSeconds)
      throws Exception {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    try (Connection c = replica.connect(replica.root(), "");
        Statement st = c.createStatement()) {
      while (true) {
        try (ResultSet rs =
            st.executeQuery(
                "SELECT SUM(kind = 'end'), SUM(IF(kind = 'chunk',"
                    + " CAST(SUBSTRING_INDEX(SUBSTRING_INDEX(message, 'checked in ', -1), ' ms', 1)"
                    + " AS UNSIGNED), 0)), SUM(kind = 'chunk'), SUM(result = 'differ')"
                    + " FROM ferry_ck_r.checks WHERE check_id = '"
                    + id
                    + "'")) {
          if (rs.next() && rs.getLong(1) > 0) {
            return new double[] {rs.getLong(2) / 1000.0, rs.getLong(3), rs.getLong(4)};
          }
        } catch (java.sql.SQLException e) {
          if (e.getErrorCode() != 1146) {
            throw e;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the replica did not end check " + id);
        }
        Thread.sleep(100);
      }
    }
  }

  private static double workload(
      Sysbench bench, SandboxServer source, Path home, int seconds, String name) throws Exception {
    Path log = home.resolve("sysbench-" + name + ".log");
    Process p = bench.run(source, "sb", seconds, 0, log);
    p.waitFor();
    String out = Files.readString(log);
    Matcher m = TPS.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no throughput in sysbench's output:\n" + out);
    }
    return Double.parseDouble(m.group(1));
  }

  /** The checked table and the workload's tables, the same on every server, not in the binlog. */
  static void fill(SandboxServer s, int rows) throws Exception {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      st.execute("SET SESSION sql_log_bin = 0");
      st.execute("CREATE DATABASE ck");
      st.execute(
          "CREATE TABLE ck.big (id INT NOT NULL PRIMARY KEY, k INT NOT NULL, c CHAR(120) NOT"
              + " NULL, pad CHAR(60) NOT NULL, KEY (k)) ENGINE=InnoDB");
      for (int from = 1; from <= rows; from += 200_000) {
        int to = Math.min(rows, from + 199_999);
        st.execute(
            "INSERT INTO ck.big SELECT seq, seq % 9973, CONCAT('c-', seq, '-', REPEAT('x', 90)),"
                + " CONCAT('p-', seq) FROM seq.seq_"
                + from
                + "_to_"
                + to);
      }
      st.execute("CREATE DATABASE sb");
      for (int t = 1; t <= 4; t++) {
        st.execute(
            "CREATE TABLE sb.sbtest"
                + t
                + " (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL DEFAULT 0, c"
                + " CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', KEY k_"
                + t
                + " (k)) ENGINE=InnoDB");
        st.execute(
            "INSERT INTO sb.sbtest"
                + t
                + " SELECT seq, seq % 9973, CONCAT('c-', seq), CONCAT('p-', seq) FROM"
                + " seq.seq_1_to_10000");
      }
    }
  }
}
