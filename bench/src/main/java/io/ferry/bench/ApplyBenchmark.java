package io.ferry.bench;

import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.Binaries;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxServer;
import io.ferry.sandbox.SandboxSpec;
import io.ferry.sandbox.Sandboxes;
import io.ferry.testkit.Sysbench;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The seeds' catch-up test, like with like. A source and four replicas with identical durable
 * settings (innodb_flush_log_at_trx_commit=1, sync_binlog=1, binlog on, and every replica logs what
 * it applies: log-slave-updates for the native ones, target.log-to-binlog for Ferry's) start from
 * the same data; with the replicas stopped, sysbench write workloads across 30 schemas fill the
 * source's binlog; then each replica catches up in turn: (a) MariaDB's own replication,
 * single-threaded, (b) MariaDB's own parallel replication (4 threads, optimistic), (c) Ferry
 * (master and slave services, one apply channel, block commit), (d) the same Ferry with blocks of
 * one transaction (what the apply path does alone). Native progress is polled on one connection,
 * like Ferry's. Prints transactions/s, the ratios to (a), where Ferry's applying stage spends its
 * time, and the settings and file system of the run. Then, with sysbench at a steady 1,000
 * transactions/s, measures source-commit → replica-visible lag (p50, p99) of native replication and
 * of Ferry in the same run. Not a test: it prints figures.
 *
 * <p>With {@code --parallel}, the parallel-apply comparison instead ({@link
 * ParallelApplyBenchmark}): three workloads, each caught up by native single-threaded and
 * optimistic parallel replication and by Ferry on one channel and with the shard and key
 * schedulers.
 */
public final class ApplyBenchmark {
  private ApplyBenchmark() {}

  static final String USAGE =
      """
      bench/run.sh apply [options]
        catch-up and lag of Ferry (one channel) against MariaDB replication
        --seconds N        seconds of sysbench load that fill the binlog (10)
        --schemas N        sysbench schemas (30)
        --lag-seconds N    seconds of the lag measurement at 1,000 tx/s (20)
      """;

  public static void main(String[] args) throws Exception {
    List<String> all = List.of(args);
    if (all.contains("--help") || all.contains("-h")) {
      System.out.print(USAGE + "\n" + ParallelApplyBenchmark.USAGE);
      return;
    }
    if (all.contains("--parallel")) {
      Path home = Files.createTempDirectory(Path.of("/tmp"), "ferry-bench-par-");
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
      Sandboxes sandboxes = new Sandboxes(home, new Binaries(Binaries.defaultCacheDir()));
      try {
        ParallelApplyBenchmark.main(args, sandboxes, home);
      } finally {
        for (Sandbox s : sandboxes.list()) {
          sandboxes.destroy(s.name());
        }
        BenchFiles.deleteTree(home);
      }
      return;
    }
    int seconds = 10;
    int schemas = 30;
    int lagSeconds = 20;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--schemas" -> schemas = Integer.parseInt(args[++i]);
        case "--lag-seconds" -> lagSeconds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
    }
    Path home = Files.createTempDirectory(Path.of("/tmp"), "ferry-bench-apply-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    Sandboxes sandboxes = new Sandboxes(home, new Binaries(Binaries.defaultCacheDir()));
    try {
      Sandbox sandbox =
          sandboxes.create(
              SandboxSpec.mariadb("apply", 5)
                  .withOptions(
                      List.of(
                          "innodb_buffer_pool_size=256M",
                          "innodb_flush_log_at_trx_commit=1",
                          "sync_binlog=1",
                          "max_binlog_size=1G")));
      printSettings(sandbox, home);
      new Run(sandbox, schemas, home).catchUp(seconds).lag(lagSeconds);
    } finally {
      for (Sandbox s : sandboxes.list()) {
        sandboxes.destroy(s.name());
      }
      BenchFiles.deleteTree(home);
    }
  }

  /** The durability settings every server runs with, as they report them, and the file system. */
  private static void printSettings(Sandbox sandbox, Path home) throws Exception {
    SandboxServer one = sandbox.server(2);
    try (Connection c = one.connect(one.root(), "");
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs =
            st.executeQuery(
                "SELECT @@version, @@innodb_flush_log_at_trx_commit, @@sync_binlog, @@log_bin,"
                    + " @@log_slave_updates, @@binlog_format, @@innodb_buffer_pool_size")) {
      rs.next();
      System.out.printf(
          Locale.ROOT,
          "servers: MariaDB %s, innodb_flush_log_at_trx_commit=%s, sync_binlog=%s, log_bin=%s,"
              + " log_slave_updates=%s, binlog_format=%s, buffer pool %d MB (all five alike)%n",
          rs.getString(1),
          rs.getString(2),
          rs.getString(3),
          rs.getString(4),
          rs.getString(5),
          rs.getString(6),
          rs.getLong(7) >> 20);
    }
    String fs = Files.getFileStore(home).type();
    System.out.printf(
        "data directories and Ferry's THL: %s (file system %s%s); %d cores%n%n",
        home,
        fs,
        fs.equals("tmpfs") ? ": in memory, fsync costs nothing" : ": on disk, fsync is real",
        Runtime.getRuntime().availableProcessors());
  }

  private static final class Run {
    private final SandboxServer source;
    private final SandboxServer single;
    private final SandboxServer parallel;
    private final SandboxServer ferry;
    private final SandboxServer ferryOne;
    private final int schemas;
    private final Path work;
    private final Sysbench sysbench = new Sysbench("oltp_write_only", 1, 1000, 1);
    private FerryPair pair;
    private NativeReplica nativeSingle;

    Run(Sandbox sandbox, int schemas, Path work) {
      this.source = sandbox.server(1);
      this.single = sandbox.server(2);
      this.parallel = sandbox.server(3);
      this.ferry = sandbox.server(4);
      this.ferryOne = sandbox.server(5);
      this.schemas = schemas;
      this.work = work;
    }

    private BinlogPosition head() {
      SourceSettings s =
          SourceSettings.of(
              source.host(),
              source.port(),
              source.replicator().user(),
              source.replicator().password());
      return SourceProbe.probe(s).head();
    }

    Run catchUp(int seconds) throws Exception {
      BinlogPosition origin = head();
      System.out.printf("preparing %d sysbench schemas ...%n", schemas);
      for (int i = 1; i <= schemas; i++) {
        sysbench.prepare(source, "sb" + i);
      }
      BinlogPosition start = head();
      System.out.println("provisioning the four replicas with the same data ...");
      for (SandboxServer r : List.of(single, parallel, ferry, ferryOne)) {
        NativeReplica n = new NativeReplica(r);
        n.pointAt(source, origin);
        n.start();
        n.await(start);
        n.forget();
        n.close();
      }
      System.out.printf(
          "running oltp_write_only on %d schemas for %d s, replicas stopped ...%n",
          schemas, seconds);
      List<Process> load = new ArrayList<>();
      for (int i = 1; i <= schemas; i++) {
        load.add(sysbench.run(source, "sb" + i, seconds, 0, null));
      }
      for (Process p : load) {
        p.waitFor();
      }
      BinlogPosition end = head();
      long transactions = countTransactions(start, end);
      System.out.printf(
          "binlog to apply: %.1f MB, %,d transactions%n%n",
          (end.offset() - start.offset()) / 1e6, transactions);

      nativeSingle = new NativeReplica(single);
      nativeSingle.pointAt(source, start);
      long t0 = System.nanoTime();
      nativeSingle.start();
      nativeSingle.await(end);
      double a = (System.nanoTime() - t0) / 1e9;

      NativeReplica nativeParallel = new NativeReplica(parallel);
      nativeParallel.pointAt(source, start);
      nativeParallel.parallel(4, "optimistic");
      t0 = System.nanoTime();
      nativeParallel.start();
      nativeParallel.await(end);
      double b = (System.nanoTime() - t0) / 1e9;
      nativeParallel.forget();
      nativeParallel.close();

      pair =
          new FerryPair(
              work.resolve("ferry"), "bench", source, start, ferry, freePort(), 200, "500ms", true);
      double c;
      StackSampler sampler = new StackSampler(List.of("-thl-to-target", "-binlog-to-thl"));
      try {
        t0 = System.nanoTime();
        pair.online();
        pair.await(end);
        c = (System.nanoTime() - t0) / 1e9;
      } finally {
        sampler.stop();
      }
      System.out.println("Ferry (c), sampled every 20 ms while it caught up:");
      sampler.print(8);
      System.out.println();

      double d;
      try (FerryPair one =
          new FerryPair(
              work.resolve("ferry-one"),
              "one",
              source,
              start,
              ferryOne,
              freePort(),
              1,
              "1ms",
              true)) {
        t0 = System.nanoTime();
        one.online();
        one.await(end);
        d = (System.nanoTime() - t0) / 1e9;
      }

      double ra = transactions / a;
      double rb = transactions / b;
      double rc = transactions / c;
      double rd = transactions / d;
      System.out.printf(
          Locale.ROOT,
          "catch-up of %,d transactions (every replica durable and logging what it applies:"
              + " flush_log_at_trx_commit=1, sync_binlog=1, log_slave_updates / target.log-to-binlog)%n"
              + "  (a) MariaDB replication, single-threaded        %6.2f s  %,9.0f tx/s  1.00%n"
              + "  (b) MariaDB parallel (4 threads, optimistic)    %6.2f s  %,9.0f tx/s  %.2f%n"
              + "  (c) Ferry master+slave, one channel, blocks 200 %6.2f s  %,9.0f tx/s  %.2f"
              + "  [target >= 2.00]%n"
              + "  (d) Ferry, one channel, blocks of 1             %6.2f s  %,9.0f tx/s  %.2f%n%n",
          transactions,
          a,
          ra,
          b,
          rb,
          rb / ra,
          c,
          rc,
          rc / ra,
          d,
          rd,
          rd / ra);
      return this;
    }

    /** Transactions between two positions: the difference of the GTID sequence numbers. */
    private long countTransactions(BinlogPosition from, BinlogPosition to) throws Exception {
      return gtidSequence(to) - gtidSequence(from);
    }

    private long gtidSequence(BinlogPosition p) throws Exception {
      try (Connection c = source.connect(source.root(), "");
          java.sql.PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
        ps.setString(1, p.file());
        ps.setLong(2, p.offset());
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          rs.next();
          String gtid = rs.getString(1); // domain-server-seq, one domain here
          return Long.parseLong(gtid.substring(gtid.lastIndexOf('-') + 1));
        }
      }
    }

    void lag(int seconds) throws Exception {
      System.out.printf(
          "lag at a steady 1,000 transactions/s for %d s (native single-threaded and Ferry"
              + " following the same source) ...%n",
          seconds);
      LagProbe probe = new LagProbe(source, List.of(single, ferry));
      probe.install();
      List<Process> load = new ArrayList<>();
      int per = 1000 / 10;
      for (int i = 1; i <= 10; i++) {
        load.add(sysbench.run(source, "sb" + i, seconds, per, null));
      }
      List<LagProbe.Summary> result = probe.measure(seconds);
      for (Process p : load) {
        p.waitFor();
      }
      System.out.printf(
          Locale.ROOT,
          "  native replication  p50 %7.1f ms  p99 %7.1f ms  (%d probes)%n"
              + "  Ferry               p50 %7.1f ms  p99 %7.1f ms  (%d probes)%n",
          result.get(0).p50(),
          result.get(0).p99(),
          result.get(0).count(),
          result.get(1).p50(),
          result.get(1).p99(),
          result.get(1).count());
      pair.close();
      nativeSingle.stop();
      nativeSingle.close();
    }

    private static int freePort() throws Exception {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      }
    }
  }
}
