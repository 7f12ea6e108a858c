package io.ferry.bench;

import io.ferry.core.parallel.ParallelStatus;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxServer;
import io.ferry.sandbox.SandboxSpec;
import io.ferry.sandbox.Sandboxes;
import io.ferry.testkit.Sysbench;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The parallel-apply catch-up comparison ({@code bench/run.sh apply --parallel}), the fair form of
 * {@link ApplyBenchmark} with more replicas: per workload, a source and one replica per variant,
 * every server durable alike (innodb_flush_log_at_trx_commit=1, sync_binlog=1, binlog on, every
 * replica logging what it applies); the replicas copy the prepared data from the source by native
 * replication, so all start from the same data; with them stopped, sysbench oltp_write_only fills
 * the source's binlog (rows chosen uniformly: sysbench's default hot spot would keep B's working
 * set in the buffer pool); then each replica in turn catches up the same binlog: MariaDB
 * single-threaded, MariaDB optimistic parallel (slave_parallel_threads = N), Ferry on one channel,
 * Ferry {@code shard} and {@code key} with N channels (the same N: as many worker threads as
 * native). Before each catch-up every server has written out its dirty pages, so that no variant
 * pays for the one before it.
 *
 * <p>Workloads: (A) 30 schemas of one table, in the buffer pool; (B) 30 schemas, the replicas with
 * a 64 MB buffer pool and several times that in tables (I/O-bound); (C) one schema of 8 tables, in
 * the buffer pool (the key scheduler only: one schema is one shard).
 *
 * <p>Prints each variant's transactions per second as it finishes, with what it cost (CPU of the
 * machine, the replica and this JVM; fsyncs, buffer pool reads and row lock waits per transaction
 * on the replica; for Ferry, where its threads spent their time and its channels' commit waits),
 * then a table with the ratios to native single-threaded and to native optimistic with the same
 * thread count, and the targets with PASS or MISS. Not a test: it prints figures.
 */
final class ParallelApplyBenchmark {
  private ParallelApplyBenchmark() {}

  static final String USAGE =
      """
      bench/run.sh apply --parallel [options]
        parallel apply: native single-threaded and optimistic parallel replication against Ferry
        on 1 channel and Ferry shard / key with N channels, catching up the same binlog
        --workload A|B|C|all  A: 30 schemas in memory; B: 30 schemas, replicas' buffer pool 64 MB
                              (I/O-bound); C: one schema of 8 tables in memory (default all)
        --seconds N           seconds of sysbench load that fill the binlog, per workload (10)
        --threads 4,8         native worker threads = Ferry channels of the parallel variants
        --rows N              rows per table in A and C (10000)
        --b-size-mb N         B's tables in MB, over 30 schemas (256; 1024 is the issue's ~1 GB)
        --key-block N         key scheduler: transactions per run (apply.block-commit-events) (50)
        --shard-block N       one channel and shard: transactions per block commit (200)
        --rand-type T         sysbench's row distribution in A and C: uniform (default) or
                              special (its hot spot: 75% of the accesses on 1% of the rows);
                              B is always uniform
        --timeout N           seconds a variant may take to catch up before it counts as failed
                              (900)
      """;

  private enum Engine {
    NATIVE,
    FERRY
  }

  /** One way of catching up: native or Ferry, its mode, its thread (channel) count. */
  private record Variant(Engine engine, String mode, int threads) {
    String label() {
      return switch (mode) {
        case "single" -> "native single-threaded";
        case "optimistic" -> "native optimistic";
        case "one" -> "Ferry 1 channel";
        default -> "Ferry " + mode;
      };
    }

    String id() {
      return mode + threads;
    }
  }

  /**
   * @param schemas sysbench schemas sb1..sbN
   * @param tables tables per schema
   * @param rows rows per table
   * @param clients sysbench client threads per schema
   * @param replicaPool the replicas' innodb_buffer_pool_size
   * @param sourcePool the source's (it holds the data, so the load runs at memory speed)
   * @param shard whether the shard scheduler is measured (one schema is one shard: not in C)
   */
  private record Workload(
      String id,
      String title,
      int schemas,
      int tables,
      int rows,
      int clients,
      String replicaPool,
      String sourcePool,
      boolean shard) {}

  /** A variant's outcome: seconds to catch up, or why it did not. */
  private record Result(Variant variant, double seconds, String failure) {}

  /** A workload's outcomes. */
  private record Outcome(Workload workload, long transactions, String data, List<Result> results) {}

  private static final class Options {
    List<String> workloads = List.of("A", "B", "C");
    int seconds = 10;
    List<Integer> threads = List.of(4, 8);
    int rows = 10_000;
    int bSizeMb = 256;
    int keyBlock = 50;
    int shardBlock = 200;
    int timeout = 900;
    String randType = "uniform";
  }

  static void main(String[] args, Sandboxes sandboxes, Path home) throws Exception {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--parallel" -> {}
        case "--workload" -> {
          String w = args[++i].toUpperCase(Locale.ROOT);
          o.workloads = w.equals("ALL") ? List.of("A", "B", "C") : List.of(w.split(",", -1));
        }
        case "--seconds" -> o.seconds = Integer.parseInt(args[++i]);
        case "--threads" -> {
          List<Integer> t = new ArrayList<>();
          for (String s : args[++i].split(",", -1)) {
            t.add(Integer.parseInt(s.strip()));
          }
          o.threads = t;
        }
        case "--rows" -> o.rows = Integer.parseInt(args[++i]);
        case "--b-size-mb" -> o.bSizeMb = Integer.parseInt(args[++i]);
        case "--key-block" -> o.keyBlock = Integer.parseInt(args[++i]);
        case "--shard-block" -> o.shardBlock = Integer.parseInt(args[++i]);
        case "--timeout" -> o.timeout = Integer.parseInt(args[++i]);
        case "--rand-type" -> o.randType = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
    }
    // a sysbench row takes about 250 bytes with its share of the secondary index
    int bRows = (int) Math.max(1000, (long) o.bSizeMb * 1_048_576 / 30 / 250);
    List<Workload> chosen = new ArrayList<>();
    for (String w : o.workloads) {
      chosen.add(
          switch (w.strip()) {
            case "A" ->
                new Workload(
                    "A", "30 schemas, in the buffer pool", 30, 1, o.rows, 1, "256M", "256M", true);
            case "B" ->
                new Workload(
                    "B",
                    "30 schemas, I/O-bound (replicas' buffer pool 64 MB)",
                    30,
                    1,
                    bRows,
                    1,
                    "64M",
                    Math.max(256, o.bSizeMb * 3 / 2) + "M",
                    true);
            case "C" ->
                new Workload(
                    "C",
                    "one schema of 8 tables, in the buffer pool",
                    1,
                    8,
                    o.rows,
                    16,
                    "256M",
                    "256M",
                    false);
            default -> throw new IllegalArgumentException("unknown workload " + w + "\n" + USAGE);
          });
    }
    System.out.printf(
        Locale.ROOT,
        "parallel apply catch-up: workloads %s, %d s of load each, %s threads/channels,"
            + " key runs of %d transactions, shard and one-channel blocks of %d, shard map"
            + " '* = round-robin', sysbench oltp_write_only --rand-type=%s (B: uniform); %d cores,"
            + " data directories and THL in %s (file system %s)%n%n",
        o.workloads,
        o.seconds,
        o.threads,
        o.keyBlock,
        o.shardBlock,
        o.randType,
        Runtime.getRuntime().availableProcessors(),
        home,
        Files.getFileStore(home).type());
    List<Outcome> outcomes = new ArrayList<>();
    for (Workload w : chosen) {
      long t0 = System.nanoTime();
      outcomes.add(new Run(w, o, sandboxes, home).run());
      System.out.printf(
          Locale.ROOT,
          "workload %s took %.0f s in all%n%n",
          w.id(),
          (System.nanoTime() - t0) / 1e9);
    }
    printTable(outcomes, o);
  }

  private static List<Variant> variants(Workload w, Options o) {
    List<Variant> v = new ArrayList<>();
    v.add(new Variant(Engine.NATIVE, "single", 1));
    for (int n : o.threads) {
      v.add(new Variant(Engine.NATIVE, "optimistic", n));
    }
    v.add(new Variant(Engine.FERRY, "one", 1));
    if (w.shard()) {
      for (int n : o.threads) {
        v.add(new Variant(Engine.FERRY, "shard", n));
      }
    }
    for (int n : o.threads) {
      v.add(new Variant(Engine.FERRY, "key", n));
    }
    return v;
  }

  /** One workload: its servers, its data, its binlog, and every variant catching up. */
  private static final class Run {
    private final Workload w;
    private final Options o;
    private final Sandboxes sandboxes;
    private final Path work;
    private final List<Variant> variants;
    private final Sysbench sysbench;
    private SandboxServer source;
    private Sandbox replicas;

    Run(Workload w, Options o, Sandboxes sandboxes, Path home) {
      this.w = w;
      this.o = o;
      this.sandboxes = sandboxes;
      this.work = home.resolve("ferry-" + w.id().toLowerCase(Locale.ROOT));
      this.variants = variants(w, o);
      this.sysbench =
          new Sysbench(
              "oltp_write_only",
              w.tables(),
              w.rows(),
              w.clients(),
              // B always uniform: with sysbench's default hot spot (75% of the accesses on 1% of
              // the rows) the working set would fit in the buffer pool
              List.of("--rand-type=" + (w.id().equals("B") ? "uniform" : o.randType)));
    }

    Outcome run() throws Exception {
      String lower = w.id().toLowerCase(Locale.ROOT);
      List<String> durable =
          List.of("innodb_flush_log_at_trx_commit=1", "sync_binlog=1", "max_binlog_size=1G");
      System.out.printf(
          "== workload %s: %s; creating a source and %d replicas ...%n",
          w.id(), w.title(), variants.size());
      Sandbox src =
          sandboxes.create(
              SandboxSpec.mariadb("src-" + lower, 1)
                  .withOptions(with(durable, "innodb_buffer_pool_size=" + w.sourcePool())));
      try {
        replicas =
            sandboxes.create(
                SandboxSpec.mariadb("rep-" + lower, variants.size())
                    .withOptions(with(durable, "innodb_buffer_pool_size=" + w.replicaPool())));
        source = src.server(1);
        return catchUp();
      } finally {
        for (String name : List.of("rep-" + lower, "src-" + lower)) {
          if (sandboxes.find(name).isPresent()) {
            sandboxes.destroy(name);
          }
        }
        BenchFiles.deleteTree(work);
      }
    }

    private static List<String> with(List<String> base, String more) {
      List<String> out = new ArrayList<>(base);
      out.add(more);
      return out;
    }

    private Outcome catchUp() throws Exception {
      printSettings();
      BinlogPosition origin = head();
      System.out.printf(
          "preparing %d schema(s) of %d table(s) x %,d rows on the source ...%n",
          w.schemas(), w.tables(), w.rows());
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<Void>> done = new ArrayList<>();
        for (int i = 1; i <= w.schemas(); i++) {
          String schema = "sb" + i;
          done.add(
              pool.submit(
                  () -> {
                    sysbench.prepare(source, schema);
                    return null;
                  }));
        }
        for (Future<Void> f : done) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      BinlogPosition start = head();
      String data = dataSize();
      System.out.printf("data: %s; every replica copies it by native replication ...%n", data);
      List<NativeReplica> copying = new ArrayList<>();
      for (SandboxServer r : replicas.servers()) {
        NativeReplica n = new NativeReplica(r);
        n.pointAt(source, origin);
        n.start();
        copying.add(n);
      }
      for (NativeReplica n : copying) {
        awaitNative(n, start, 3600);
        n.forget();
        n.close();
      }
      List<SandboxServer> all = new ArrayList<>(replicas.servers());
      all.add(source);
      quiesce(all);

      System.out.printf(
          "running oltp_write_only for %d s (%s), replicas stopped ...%n",
          o.seconds,
          w.schemas() == 1
              ? w.clients() + " client threads on one schema"
              : w.schemas() + " schemas, " + w.clients() + " client each");
      List<Process> load = new ArrayList<>();
      for (int i = 1; i <= w.schemas(); i++) {
        load.add(sysbench.run(source, "sb" + i, o.seconds, 0, null));
      }
      for (Process p : load) {
        p.waitFor();
      }
      BinlogPosition end = head();
      long transactions = gtidSequence(end) - gtidSequence(start);
      System.out.printf(
          Locale.ROOT,
          "binlog to apply: %.1f MB, %,d transactions (%,.0f tx/s on the source)%n",
          (end.offset() - start.offset()) / 1e6,
          transactions,
          transactions / (double) o.seconds);
      quiesce(List.of(source));

      List<Result> results = new ArrayList<>();
      for (int i = 0; i < variants.size(); i++) {
        Variant v = variants.get(i);
        SandboxServer r = replicas.server(i + 1);
        results.add(measure(v, r, start, end, transactions));
        quiesce(List.of(r, source));
      }
      return new Outcome(w, transactions, data, results);
    }

    private Result measure(
        Variant v, SandboxServer r, BinlogPosition start, BinlogPosition end, long transactions)
        throws Exception {
      System.out.printf("%s, %d: catching up ...%n", v.label(), v.threads());
      Map<String, Long> before = counters(r);
      Cpu.Snapshot cpu0 = Cpu.snapshot(r, source);
      double seconds;
      String failure = null;
      List<String> detail = new ArrayList<>();
      if (v.engine() == Engine.NATIVE) {
        NativeReplica n = new NativeReplica(r);
        n.pointAt(source, start);
        n.parallel(v.mode().equals("single") ? 0 : v.threads(), "optimistic");
        long t0 = System.nanoTime();
        try {
          n.start();
          awaitNative(n, end, o.timeout);
        } catch (Exception e) {
          failure = e.getMessage();
        }
        seconds = (System.nanoTime() - t0) / 1e9;
        n.forget();
        n.close();
      } else {
        List<String> extra = new ArrayList<>();
        int block = o.shardBlock;
        if (v.threads() > 1) {
          extra.add("apply.channels = " + v.threads());
          extra.add("apply.scheduler = " + v.mode());
          if (v.mode().equals("shard")) {
            extra.add("apply.shards = * = round-robin");
          } else {
            block = o.keyBlock;
          }
        }
        String name = w.id().toLowerCase(Locale.ROOT) + "_" + v.id();
        StackSampler sampler =
            new StackSampler(
                List.of("-binlog-to-thl", "-remote-to-thl", "-thl-to-target", "-channel-*"));
        try (FerryPair pair =
            new FerryPair(
                work.resolve(name),
                name,
                source,
                start,
                r,
                freePort(),
                block,
                "500ms",
                true,
                extra)) {
          long t0 = System.nanoTime();
          try {
            pair.online();
            awaitFerry(pair, end, o.timeout);
          } catch (RuntimeException e) {
            failure = e.getMessage();
          }
          seconds = (System.nanoTime() - t0) / 1e9;
          sampler.stop();
          try {
            ParallelStatus ps = pair.parallelStatus();
            if (ps != null) {
              detail.add(describe(ps));
            }
            String retries = pair.retries();
            if (!retries.isEmpty()) {
              detail.add("apply stage: " + retries);
            }
          } catch (RuntimeException e) {
            detail.add("status not available: " + e);
          }
        } finally {
          sampler.stop();
        }
        System.out.print(Cpu.indent(sampler.text(5)));
      }
      Cpu.Snapshot cpu1 = Cpu.snapshot(r, source);
      Map<String, Long> after = counters(r);
      detail.add(0, cpu0.until(cpu1, seconds));
      detail.add(1, costs(before, after, transactions));
      if (failure != null) {
        System.out.printf("  FAILED after %.1f s: %s%n", seconds, failure);
      } else {
        System.out.printf(Locale.ROOT, "  %.2f s, %,.0f tx/s%n", seconds, transactions / seconds);
      }
      for (String d : detail) {
        System.out.println("  " + d);
      }
      return new Result(v, seconds, failure);
    }

    /** Fsyncs, buffer pool reads and lock waits on the replica while it caught up. */
    private static String costs(Map<String, Long> a, Map<String, Long> b, long transactions) {
      Map<String, Long> d = new HashMap<>();
      b.forEach((k, v) -> d.put(k, v - a.getOrDefault(k, 0L)));
      return String.format(
          Locale.ROOT,
          "replica: fsyncs %,d (%.3f/tx: InnoDB %,d, binlog group commits %,d), binlog commits"
              + " %,d, buffer pool reads %.2f/tx, row lock waits %,d (%,d ms), deadlocks %,d,"
              + " retried transactions %,d; pages written %.2f/tx (doublewrite batches %,d),"
              + " waits for a free page %,d",
          d.getOrDefault("Innodb_data_fsyncs", 0L) + d.getOrDefault("Binlog_group_commits", 0L),
          (d.getOrDefault("Innodb_data_fsyncs", 0L) + d.getOrDefault("Binlog_group_commits", 0L))
              / (double) transactions,
          d.getOrDefault("Innodb_data_fsyncs", 0L),
          d.getOrDefault("Binlog_group_commits", 0L),
          d.getOrDefault("Binlog_commits", 0L),
          d.getOrDefault("Innodb_buffer_pool_reads", 0L) / (double) transactions,
          d.getOrDefault("Innodb_row_lock_waits", 0L),
          d.getOrDefault("Innodb_row_lock_time", 0L),
          d.getOrDefault("Innodb_deadlocks", 0L),
          d.getOrDefault("Slave_retried_transactions", 0L),
          d.getOrDefault("Innodb_pages_written", 0L) / (double) transactions,
          d.getOrDefault("Innodb_dblwr_writes", 0L),
          d.getOrDefault("Innodb_buffer_pool_wait_free", 0L));
    }

    private static String describe(ParallelStatus ps) {
      StringBuilder tx = new StringBuilder();
      StringBuilder wait = new StringBuilder();
      for (ParallelStatus.ChannelStatus c : ps.channels()) {
        tx.append(tx.length() == 0 ? "" : " ").append(c.transactions());
        wait.append(wait.length() == 0 ? "" : " ")
            .append(String.format(Locale.ROOT, "%.1f", c.commitWaitMillis() / 1000.0));
      }
      return "channels ("
          + ps.scheduler()
          + "): transactions ["
          + tx
          + "], waits for the turn to"
          + " commit in s ["
          + wait
          + "], lock-wait re-runs "
          + ps.lockWaitRetries()
          + ", ran alone "
          + ps.serialized();
    }

    private void printSettings() throws Exception {
      SandboxServer one = replicas.server(1);
      try (Connection c = one.connect(one.root(), "");
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT @@version, @@innodb_flush_log_at_trx_commit, @@sync_binlog, @@log_bin,"
                      + " @@log_slave_updates, @@binlog_format, @@innodb_buffer_pool_size,"
                      + " @@innodb_flush_method, @@innodb_log_file_size")) {
        rs.next();
        System.out.printf(
            Locale.ROOT,
            "replicas: MariaDB %s, innodb_flush_log_at_trx_commit=%s, sync_binlog=%s, log_bin=%s,"
                + " log_slave_updates=%s, binlog_format=%s, buffer pool %d MB, flush method %s,"
                + " redo log %d MB (all alike); source: the same with a %s buffer pool%n",
            rs.getString(1),
            rs.getString(2),
            rs.getString(3),
            rs.getString(4),
            rs.getString(5),
            rs.getString(6),
            rs.getLong(7) >> 20,
            rs.getString(8),
            rs.getLong(9) >> 20,
            w.sourcePool());
      }
    }

    private String dataSize() throws Exception {
      try (Connection c = source.connect(source.root(), "");
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT SUM(data_length + index_length), SUM(table_rows) FROM"
                      + " information_schema.TABLES WHERE TABLE_SCHEMA LIKE 'sb%'")) {
        rs.next();
        return String.format(
            Locale.ROOT,
            "%d MB of tables (%,d rows) against a replica buffer pool of %s",
            rs.getLong(1) >> 20,
            (long) w.schemas() * w.tables() * w.rows(),
            w.replicaPool());
      }
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

    private long gtidSequence(BinlogPosition p) throws Exception {
      try (Connection c = source.connect(source.root(), "");
          PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
        ps.setString(1, p.file());
        ps.setLong(2, p.offset());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          String gtid = rs.getString(1); // domain-server-seq, one domain here
          return Long.parseLong(gtid.substring(gtid.lastIndexOf('-') + 1));
        }
      }
    }
  }

  private static void awaitNative(NativeReplica n, BinlogPosition end, int timeoutSeconds)
      throws Exception {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (!n.reached(end)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("did not catch up in " + timeoutSeconds + " s");
      }
      Thread.sleep(5);
    }
  }

  private static void awaitFerry(FerryPair pair, BinlogPosition end, int timeoutSeconds)
      throws Exception {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (!pair.reached(end)) {
      if (System.nanoTime() > deadline) {
        ParallelStatus ps = pair.parallelStatus();
        throw new IllegalStateException(
            "did not catch up in "
                + timeoutSeconds
                + " s (applied "
                + pair.slave.applied()
                + (ps == null ? "" : "; " + ps)
                + ")");
      }
      Thread.sleep(5);
    }
  }

  /** Server status counters of a replica that tell what its catching up cost. */
  private static Map<String, Long> counters(SandboxServer r) throws Exception {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Connection c = r.connect(r.root(), "");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_data_fsyncs',"
                    + " 'Binlog_group_commits', 'Binlog_commits', 'Innodb_buffer_pool_reads',"
                    + " 'Innodb_row_lock_waits', 'Innodb_row_lock_time', 'Innodb_deadlocks',"
                    + " 'Slave_retried_transactions', 'Innodb_pages_written',"
                    + " 'Innodb_buffer_pool_wait_free', 'Innodb_dblwr_writes')")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  /**
   * Lets servers write out their dirty pages (innodb_max_dirty_pages_pct = 0 for a while, at most a
   * minute), so the next catch-up does not share the disk and the CPU with the last one's page
   * flushing.
   */
  static void quiesce(List<SandboxServer> servers) throws Exception {
    Map<SandboxServer, Double> was = new HashMap<>();
    for (SandboxServer s : servers) {
      try (Connection c = s.connect(s.root(), "");
          Statement st = c.createStatement()) {
        try (ResultSet rs = st.executeQuery("SELECT @@innodb_max_dirty_pages_pct")) {
          rs.next();
          was.put(s, rs.getDouble(1));
        }
        st.execute("SET GLOBAL innodb_max_dirty_pages_pct = 0");
      }
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    for (SandboxServer s : servers) {
      try (Connection c = s.connect(s.root(), "");
          Statement st = c.createStatement()) {
        while (System.nanoTime() < deadline) {
          try (ResultSet rs =
              st.executeQuery("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'")) {
            rs.next();
            if (rs.getLong(2) < 16) {
              break;
            }
          }
          Thread.sleep(100);
        }
        st.execute("SET GLOBAL innodb_max_dirty_pages_pct = " + was.get(s));
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The table of every figure, with the ratios and the targets. */
  private static void printTable(List<Outcome> outcomes, Options o) {
    System.out.println(
        "catch-up of the same binlog, every replica durable and logging what it applies"
            + " (flush_log_at_trx_commit=1, sync_binlog=1, log_slave_updates /"
            + " target.log-to-binlog)");
    System.out.printf(
        "%-3s %-24s %3s %9s %8s %10s %12s  %s%n",
        "", "variant", "N", "s", "tx/s", "x single", "x optim. N", "target");
    List<String> verdicts = new ArrayList<>();
    for (Outcome out : outcomes) {
      Workload w = out.workload();
      double single = Double.NaN;
      Map<Integer, Double> optimistic = new HashMap<>();
      for (Result r : out.results()) {
        double rate = r.failure() == null ? out.transactions() / r.seconds() : Double.NaN;
        if (r.variant().mode().equals("single")) {
          single = rate;
        } else if (r.variant().mode().equals("optimistic")) {
          optimistic.put(r.variant().threads(), rate);
        }
      }
      double bestFerry = Double.NaN;
      String bestLabel = "";
      for (Result r : out.results()) {
        Variant v = r.variant();
        double rate = r.failure() == null ? out.transactions() / r.seconds() : Double.NaN;
        double xs = rate / single;
        Double opt =
            v.engine() == Engine.FERRY && v.threads() > 1 ? optimistic.get(v.threads()) : null;
        double xo = opt == null ? Double.NaN : rate / opt;
        String target = target(w, v, xs, xo);
        if (v.engine() == Engine.FERRY && (Double.isNaN(bestFerry) || xs > bestFerry)) {
          bestFerry = xs;
          bestLabel = v.label() + " " + v.threads();
        }
        System.out.printf(
            Locale.ROOT,
            "%-3s %-24s %3d %9s %8s %10s %12s  %s%n",
            w.id(),
            v.label(),
            v.threads(),
            r.failure() == null ? String.format(Locale.ROOT, "%.2f", r.seconds()) : "FAILED",
            Double.isNaN(rate) ? "-" : String.format(Locale.ROOT, "%,.0f", rate),
            Double.isNaN(xs) ? "-" : String.format(Locale.ROOT, "%.2f", xs),
            Double.isNaN(xo) ? "-" : String.format(Locale.ROOT, "%.2f", xo),
            target);
        if (!target.isEmpty()) {
          verdicts.add(w.id() + " " + v.label() + " " + v.threads() + ": " + target);
        }
      }
      if (w.id().equals("B")) {
        verdicts.add(
            String.format(
                Locale.ROOT,
                "B best Ferry (%s): %.2fx native single-threaded, target >= 4.50x: %s",
                bestLabel,
                bestFerry,
                bestFerry >= 4.5 ? "PASS" : "MISS"));
      }
      System.out.printf(
          Locale.ROOT, "    (%s: %,d transactions; %s)%n", w.id(), out.transactions(), out.data());
    }
    System.out.printf(
        Locale.ROOT,
        "N: worker threads (native) or channels (Ferry); x optim. N: against native optimistic"
            + " with the same N; key runs of %d transactions, shard blocks of %d%n%n",
        o.keyBlock,
        o.shardBlock);
    System.out.println("targets:");
    for (String v : verdicts) {
      System.out.println("  " + v);
    }
  }

  /** The target for a variant, with PASS or MISS; empty where it sets none. */
  private static String target(Workload w, Variant v, double xs, double xo) {
    if (v.engine() != Engine.FERRY) {
      return "";
    }
    switch (w.id()) {
      case "A" -> {
        if (v.mode().equals("shard")) {
          boolean ok = xs >= 3.0 && xo >= 1.5;
          return ">= 3x single & >= 1.5x optim.: " + (ok ? "PASS" : "MISS");
        }
      }
      case "B" -> {
        if (v.threads() > 1) {
          return ">= 4.5x single: " + (xs >= 4.5 ? "PASS" : "MISS");
        }
      }
      case "C" -> {
        if (v.mode().equals("key")) {
          boolean ok = xs >= 1.5 && xo >= 1.0;
          return ">= 1.5x single & >= 1x optim.: " + (ok ? "PASS" : "MISS");
        }
      }
      default -> {}
    }
    return "";
  }

  /**
   * CPU time from /proc: the machine's busy and I/O-wait shares, and the CPU of the replica's and
   * the source's server processes and of this JVM (Ferry), in % of one core.
   */
  static final class Cpu {
    private static final double TICKS = 100.0; // USER_HZ

    record Snapshot(long busy, long iowait, long total, long replica, long source, long jvm) {
      String until(Snapshot b, double seconds) {
        double all = b.total - total;
        int cores = Runtime.getRuntime().availableProcessors();
        return String.format(
            Locale.ROOT,
            "CPU: machine %.0f%% busy of %d%% (I/O wait %.0f%%), replica mariadbd %.0f%%, Ferry's"
                + " JVM %.0f%%, source mariadbd %.0f%% (of one core)",
            all == 0 ? 0 : 100.0 * cores * (b.busy - busy) / all,
            100 * cores,
            all == 0 ? 0 : 100.0 * cores * (b.iowait - iowait) / all,
            100.0 * (b.replica - replica) / TICKS / seconds,
            100.0 * (b.jvm - jvm) / TICKS / seconds,
            100.0 * (b.source - source) / TICKS / seconds);
      }
    }

    static Snapshot snapshot(SandboxServer replica, SandboxServer source) {
      long[] m = machine();
      return new Snapshot(
          m[0],
          m[1],
          m[2],
          process(replica.pid()),
          process(source.pid()),
          process(OptionalLong.of(ProcessHandle.current().pid())));
    }

    /** busy, iowait, total ticks of all cores. */
    private static long[] machine() {
      try {
        String line = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.UTF_8).get(0);
        String[] f = line.trim().split("\\s+", -1);
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
          total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]);
        long iowait = Long.parseLong(f[5]);
        return new long[] {total - idle - iowait, iowait, total};
      } catch (IOException | RuntimeException e) {
        return new long[] {0, 0, 0};
      }
    }

    /** utime + stime of a process, in ticks; 0 if unknown. */
    private static long process(OptionalLong pid) {
      if (pid.isEmpty()) {
        return 0;
      }
      try {
        String s = Files.readString(Path.of("/proc/" + pid.getAsLong() + "/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ", -1);
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
      } catch (IOException | RuntimeException e) {
        return 0;
      }
    }

    static String indent(String text) {
      return text.isEmpty() ? "" : text.replaceAll("(?m)^", "  ");
    }
  }
}
