package io.ferry.bench;

import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.Binaries;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxServer;
import io.ferry.sandbox.SandboxSpec;
import io.ferry.sandbox.Sandboxes;
import io.ferry.server.Service;
import io.ferry.testkit.Sysbench;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What multi-master conflict detection costs ({@code bench/run.sh conflicts}), in two parts.
 *
 * <p>Throughput: a source and one replica per run, every server durable alike
 * (innodb_flush_log_at_trx_commit=1, sync_binlog=1, binlog on; the slave services keep what they
 * apply out of the replica's binlog, as a site's incoming services do). The replicas copy the
 * prepared sysbench tables (each with a {@code ts TIMESTAMP(6)} column updated on every change) by
 * native replication, so all start from the same data; with them stopped, sysbench fills the
 * source's binlog; a master service extracts it to the THL once; then a slave service per run
 * applies that THL to its own replica, the modes taking turns (off, before-image, timestamp, off,
 * ...), so that the noise of a shared machine hits every mode alike. Without conflicts detection
 * only adds predicates to updates' and deletes' WHERE clauses: the runs measure that cost. Each run
 * is checked: no conflict recorded, every table's checksum equal to the source's.
 *
 * <p>Convergence ({@link ConflictConvergence}): three masters all to all; with the slaves offline
 * each site updates the same rows differently; the time from the slaves going online until every
 * site holds the same rows.
 *
 * <p>Not a test: it prints figures and the target (detection on at least 0.75 of off).
 */
public final class ConflictBenchmark {
  private ConflictBenchmark() {}

  static final String USAGE =
      """
      bench/run.sh conflicts [options]
        conflict detection: apply throughput with detection off and on (no conflicts), and the
        time three all-to-all masters take to converge after a burst of conflicting updates
        --part throughput|convergence|all   (all)
        --seconds N        seconds of sysbench load that fill the binlog (20)
        --test NAME        sysbench test (oltp_write_only; oltp_update_non_index, ...)
        --tables N         sysbench tables, one schema (4)
        --rows N           rows per table (10000)
        --clients N        sysbench client threads (4)
        --rounds N         runs of each mode, interleaved (2)
        --block N          transactions per block commit (apply.block-commit-events) (200)
        --burst N          rows every site updates differently, one transaction each (1000)
        --timeout N        seconds a run may take before it counts as failed (600)
      """;

  /** A detection mode: its label and the slave settings that turn it on. */
  record Mode(String id, String label, List<String> settings) {}

  static final class Options {
    String part = "all";
    int seconds = 20;
    String test = "oltp_write_only";
    int tables = 4;
    int rows = 10_000;
    int clients = 4;
    int rounds = 2;
    int block = 200;
    int burst = 1000;
    int timeout = 600;
  }

  /** The servers' durable settings, the same in both parts. */
  static final List<String> DURABLE =
      List.of(
          "innodb_flush_log_at_trx_commit=1",
          "sync_binlog=1",
          "max_binlog_size=1G",
          "innodb_buffer_pool_size=128M");

  public static void main(String[] args) throws Exception {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          System.out.print(USAGE);
          return;
        }
        case "--part" -> o.part = args[++i];
        case "--seconds" -> o.seconds = Integer.parseInt(args[++i]);
        case "--test" -> o.test = args[++i];
        case "--tables" -> o.tables = Integer.parseInt(args[++i]);
        case "--rows" -> o.rows = Integer.parseInt(args[++i]);
        case "--clients" -> o.clients = Integer.parseInt(args[++i]);
        case "--rounds" -> o.rounds = Integer.parseInt(args[++i]);
        case "--block" -> o.block = Integer.parseInt(args[++i]);
        case "--burst" -> o.burst = Integer.parseInt(args[++i]);
        case "--timeout" -> o.timeout = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
    }
    if (!List.of("all", "throughput", "convergence").contains(o.part)) {
      throw new IllegalArgumentException(
          "--part " + o.part + ": use throughput, convergence or all\n" + USAGE);
    }
    Path home = Files.createTempDirectory(Path.of("/tmp"), "ferry-bench-cf-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    Sandboxes sandboxes = new Sandboxes(home, new Binaries(Binaries.defaultCacheDir()));
    System.out.printf(
        "conflict detection benchmark: %d cores, data directories and THL in %s (file system"
            + " %s); every server innodb_flush_log_at_trx_commit=1, sync_binlog=1, binlog on,"
            + " buffer pool 128 MB%n%n",
        Runtime.getRuntime().availableProcessors(), home, Files.getFileStore(home).type());
    try {
      List<String> summary = new ArrayList<>();
      if (!o.part.equals("convergence")) {
        summary.addAll(new Throughput(o, sandboxes, home.resolve("tp")).run());
      }
      if (!o.part.equals("throughput")) {
        summary.addAll(new ConflictConvergence(o, sandboxes, home.resolve("cv")).run());
      }
      System.out.println("summary:");
      for (String s : summary) {
        System.out.println("  " + s);
      }
    } finally {
      for (Sandbox s : sandboxes.list()) {
        sandboxes.destroy(s.name());
      }
      BenchFiles.deleteTree(home);
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static BinlogPosition head(SandboxServer s) {
    return SourceProbe.probe(
            SourceSettings.of(s.host(), s.port(), s.root().user(), s.root().password()))
        .head();
  }

  /** Global status counters whose names are given, as numbers. */
  static Map<String, Long> status(SandboxServer s, String... names) throws Exception {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SHOW GLOBAL STATUS WHERE Variable_name IN ('"
                    + String.join("', '", names)
                    + "')")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  /** CHECKSUM TABLE of every table of a schema, in name order, as one string. */
  static String checksum(SandboxServer s, String schema) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT table_name FROM information_schema.TABLES WHERE table_schema = '"
                  + schema
                  + "' ORDER BY table_name")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        try (ResultSet rs = st.executeQuery("CHECKSUM TABLE `" + schema + "`.`" + t + "`")) {
          rs.next();
          sb.append(t).append('=').append(rs.getLong(2)).append(' ');
        }
      }
    }
    return sb.toString().strip();
  }

  /** Rows in a service's exceptions table (0 when it has none). */
  static long conflicts(SandboxServer s, String service) throws Exception {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT COUNT(*) FROM information_schema.TABLES WHERE table_schema = 'ferry_"
                  + service
                  + "' AND table_name = 'conflicts'")) {
        rs.next();
        if (rs.getLong(1) == 0) {
          return 0;
        }
      }
      try (ResultSet rs =
          st.executeQuery("SELECT COUNT(*) FROM `ferry_" + service + "`.conflicts")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Part 1: the same THL applied with detection off and on, in turns. */
  private static final class Throughput {
    private static final String SCHEMA = "sbc";
    private static final String MASTER = "cfsrc";

    private final Options o;
    private final Sandboxes sandboxes;
    private final Path work;
    private final List<Mode> modes;
    private SandboxServer source;

    /** One run's outcome. */
    private record Run(Mode mode, int round, double seconds, long bytes, String failure) {}

    Throughput(Options o, Sandboxes sandboxes, Path work) {
      this.o = o;
      this.sandboxes = sandboxes;
      this.work = work;
      this.modes =
          List.of(
              new Mode("off", "detection off (apply.conflicts = none)", List.of()),
              new Mode(
                  "before-image",
                  "before-image, priority",
                  List.of(
                      "apply.conflicts = before-image",
                      "apply.conflicts.resolve = priority",
                      "apply.conflicts.priority = " + MASTER + ", replica",
                      "apply.conflicts.site = replica")),
              new Mode(
                  "changed-columns",
                  "changed-columns, priority",
                  List.of(
                      "apply.conflicts = changed-columns",
                      "apply.conflicts.resolve = priority",
                      "apply.conflicts.priority = " + MASTER + ", replica",
                      "apply.conflicts.site = replica")),
              new Mode(
                  "timestamp",
                  "timestamp(ts) newer",
                  List.of(
                      "apply.conflicts = timestamp(ts) newer", "apply.conflicts.site = replica")));
    }

    List<String> run() throws Exception {
      int replicas = modes.size() * o.rounds + 1; // the first warms the JVM up
      System.out.printf(
          "== throughput: a source and %d replicas (one for a warm-up run); sysbench %s, %d tables x %,d rows, %d clients,"
              + " %d s; blocks of %d transactions; %d rounds of %s%n",
          replicas,
          o.test,
          o.tables,
          o.rows,
          o.clients,
          o.seconds,
          o.block,
          o.rounds,
          modes.stream().map(Mode::id).toList());
      source = sandboxes.create(SandboxSpec.mariadb("cf-src", 1).withOptions(DURABLE)).server(1);
      List<SandboxServer> reps = new ArrayList<>();
      for (int k = 0; k < replicas; k += 9) { // a sandbox holds nine servers at most
        reps.addAll(
            sandboxes
                .create(
                    SandboxSpec.mariadb("cf-rep" + (k / 9 + 1), Math.min(9, replicas - k))
                        .withOptions(DURABLE))
                .servers());
      }
      BinlogPosition origin = head(source);
      Sysbench sysbench =
          new Sysbench(o.test, o.tables, o.rows, o.clients, List.of("--rand-type=uniform"));
      sysbench.prepare(source, SCHEMA);
      try (Connection c = source.connect(source.root(), "");
          Statement st = c.createStatement()) {
        for (int t = 1; t <= o.tables; t++) {
          // the column timestamp detection compares; every change of a row sets it
          st.execute(
              "ALTER TABLE "
                  + SCHEMA
                  + ".sbtest"
                  + t
                  + " ADD COLUMN ts TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                  + " ON UPDATE CURRENT_TIMESTAMP(6)");
        }
      }
      BinlogPosition start = head(source);
      System.out.println("every replica copies the tables by native replication ...");
      List<NativeReplica> copying = new ArrayList<>();
      for (SandboxServer r : reps) {
        NativeReplica n = new NativeReplica(r);
        n.pointAt(source, origin);
        n.start();
        copying.add(n);
      }
      for (NativeReplica n : copying) {
        n.await(start);
        n.forget();
        n.close();
      }
      String[] rowCounters = {"Handler_write", "Handler_update", "Handler_delete"};
      Map<String, Long> before = status(source, rowCounters);
      List<Process> load = new ArrayList<>();
      load.add(sysbench.run(source, SCHEMA, o.seconds, 0, null));
      for (Process p : load) {
        Sysbench.await(p, o.seconds / 60 + 5, "run");
      }
      Map<String, Long> after = status(source, rowCounters);
      long rows = 0;
      for (String k : rowCounters) {
        rows += after.get(k) - before.get(k);
      }
      BinlogPosition end = head(source);
      long transactions = gtidSequence(source, end) - gtidSequence(source, start);
      String sourceSum = checksum(source, SCHEMA);
      System.out.printf(
          Locale.ROOT,
          "binlog to apply: %.1f MB, %,d transactions, %,d rows (inserted %,d, updated %,d,"
              + " deleted %,d)%n",
          (end.offset() - start.offset()) / 1e6,
          transactions,
          rows,
          after.get(rowCounters[0]) - before.get(rowCounters[0]),
          after.get(rowCounters[1]) - before.get(rowCounters[1]),
          after.get(rowCounters[2]) - before.get(rowCounters[2]));

      int port = freePort();
      Service master =
          FerryPair.service(
              work,
              MASTER,
              FerryPair.masterLines(work, MASTER, source, source.root(), start, port));
      List<Run> runs = new ArrayList<>();
      try {
        long t0 = System.nanoTime();
        master.online(Service.OnlineOptions.NONE);
        await(master, end);
        System.out.printf(
            Locale.ROOT,
            "the master service extracted it to the THL once, in %.1f s%n%n",
            (System.nanoTime() - t0) / 1e9);
        List<SandboxServer> all = new ArrayList<>(reps);
        all.add(source);
        ParallelApplyBenchmark.quiesce(all);
        // the JVM compiles the apply path during its first run: a run that is not counted
        System.out.print("warm-up (not counted): ");
        apply(modes.get(1), 0, reps.get(0), port, end, transactions, sourceSum);
        ParallelApplyBenchmark.quiesce(List.of(reps.get(0), source));
        int next = 1;
        for (int round = 1; round <= o.rounds; round++) {
          for (Mode m : modes) {
            SandboxServer r = reps.get(next++);
            runs.add(apply(m, round, r, port, end, transactions, sourceSum));
            ParallelApplyBenchmark.quiesce(List.of(r, source));
          }
        }
      } finally {
        master.close();
      }
      return table(runs, transactions, rows);
    }

    private Run apply(
        Mode m, int round, SandboxServer r, int port, BinlogPosition end, long tx, String sum)
        throws Exception {
      String name = "cf_" + m.id().replace('-', '_') + "_" + round;
      System.out.printf("%s, round %d: applying ...%n", m.label(), round);
      List<String> lines = FerryPair.slaveLines(work, name, port, r, r.root(), o.block, "500ms");
      lines.add("target.log-to-binlog = false");
      lines.addAll(m.settings());
      Map<String, Long> b0 = status(r, "Bytes_received", "Com_update", "Com_delete");
      ParallelApplyBenchmark.Cpu.Snapshot cpu0 = ParallelApplyBenchmark.Cpu.snapshot(r, source);
      StackSampler sampler = new StackSampler(List.of("-thl-to-target", "-remote-to-thl"));
      double seconds;
      String failure = null;
      Service slave = FerryPair.service(work, name, lines);
      try {
        long t0 = System.nanoTime();
        try {
          slave.online(Service.OnlineOptions.NONE);
          long deadline = t0 + o.timeout * 1_000_000_000L;
          while (!FerryPair.reached(slave, end)) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("did not catch up in " + o.timeout + " s");
            }
            Thread.sleep(5);
          }
        } catch (RuntimeException e) {
          failure = e.getMessage();
        }
        seconds = (System.nanoTime() - t0) / 1e9;
      } finally {
        sampler.stop();
        slave.close();
      }
      ParallelApplyBenchmark.Cpu.Snapshot cpu1 = ParallelApplyBenchmark.Cpu.snapshot(r, source);
      Map<String, Long> b1 = status(r, "Bytes_received", "Com_update", "Com_delete");
      long bytes = b1.get("Bytes_received") - b0.get("Bytes_received");
      long conflicts = conflicts(r, name);
      String replicaSum = checksum(r, SCHEMA);
      if (failure == null && conflicts != 0) {
        failure = conflicts + " conflicts recorded where there are none";
      }
      if (failure == null && !replicaSum.equals(sum)) {
        failure = "the replica's tables differ from the source's: " + replicaSum + " vs " + sum;
      }
      if (failure != null) {
        System.out.printf("  FAILED after %.1f s: %s%n", seconds, failure);
      } else {
        System.out.printf(
            Locale.ROOT,
            "  %.2f s, %,.0f tx/s; the replica sent %,.0f bytes of SQL per transaction (updates %,d,"
                + " deletes %,d); tables equal to the source's, no conflict recorded%n",
            seconds,
            tx / seconds,
            bytes / (double) tx,
            b1.get("Com_update") - b0.get("Com_update"),
            b1.get("Com_delete") - b0.get("Com_delete"));
      }
      System.out.println("  " + cpu0.until(cpu1, seconds));
      System.out.print(ParallelApplyBenchmark.Cpu.indent(sampler.text(5)));
      return new Run(m, round, seconds, bytes, failure);
    }

    private List<String> table(List<Run> runs, long tx, long rows) {
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "apply of the same THL (%,d transactions, %,d rows, no conflicts) by one slave service,"
              + " one channel, blocks of %d%n",
          tx,
          rows,
          o.block);
      System.out.printf(
          "%-40s %5s %8s %9s %10s %11s%n", "mode", "round", "s", "tx/s", "rows/s", "bytes/tx");
      for (Run r : runs) {
        System.out.printf(
            Locale.ROOT,
            "%-40s %5d %8s %9s %10s %11s%n",
            r.mode().label(),
            r.round(),
            r.failure() == null ? String.format(Locale.ROOT, "%.2f", r.seconds()) : "FAILED",
            r.failure() == null ? String.format(Locale.ROOT, "%,.0f", tx / r.seconds()) : "-",
            r.failure() == null ? String.format(Locale.ROOT, "%,.0f", rows / r.seconds()) : "-",
            String.format(Locale.ROOT, "%,.0f", r.bytes() / (double) tx));
      }
      Map<String, double[]> total = new LinkedHashMap<>(); // seconds, runs, failed
      for (Run r : runs) {
        double[] t = total.computeIfAbsent(r.mode().id(), k -> new double[3]);
        if (r.failure() == null) {
          t[0] += r.seconds();
          t[1]++;
        } else {
          t[2]++;
        }
      }
      double[] off = total.get("off");
      double offRate = off[1] == 0 ? Double.NaN : tx * off[1] / off[0];
      List<String> out = new ArrayList<>();
      for (Mode m : modes) {
        double[] t = total.get(m.id());
        double rate = t[1] == 0 ? Double.NaN : tx * t[1] / t[0];
        String line =
            String.format(
                Locale.ROOT,
                "throughput %-40s %,8.0f tx/s %,9.0f rows/s (mean of %d runs)",
                m.label(),
                rate,
                rate * rows / tx,
                (int) t[1]);
        if (!m.id().equals("off")) {
          List<String> perRound = new ArrayList<>();
          for (int round = 1; round <= o.rounds; round++) {
            perRound.add(String.format(Locale.ROOT, "%.2f", roundRatio(runs, m, round)));
          }
          line += " (per round " + String.join(" ", perRound) + ")";
          double ratio = rate / offRate;
          line +=
              String.format(
                  Locale.ROOT,
                  "  on/off %.2f  target >= 0.75: %s",
                  ratio,
                  t[2] > 0 || Double.isNaN(ratio)
                      ? "FAIL (a run failed)"
                      : ratio >= 0.75 ? "PASS" : "FAIL");
        }
        System.out.println("  " + line);
        out.add(line);
      }
      System.out.println();
      return out;
    }

    /** A mode's rate over detection off's in the same round (NaN when either failed). */
    private static double roundRatio(List<Run> runs, Mode m, int round) {
      double on = Double.NaN;
      double off = Double.NaN;
      for (Run r : runs) {
        if (r.round() == round && r.failure() == null) {
          if (r.mode().id().equals("off")) {
            off = r.seconds();
          } else if (r.mode().equals(m)) {
            on = r.seconds();
          }
        }
      }
      return off / on;
    }

    private void await(Service s, BinlogPosition end) throws Exception {
      long deadline = System.nanoTime() + o.timeout * 1_000_000_000L;
      while (!FerryPair.reached(s, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(s.name() + " did not reach " + end);
        }
        Thread.sleep(5);
      }
    }
  }

  /** The GTID sequence number at a binlog position (one domain). */
  static long gtidSequence(SandboxServer source, BinlogPosition p) throws Exception {
    try (Connection c = source.connect(source.root(), "");
        PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
      ps.setString(1, p.file());
      ps.setLong(2, p.offset());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        String gtid = rs.getString(1);
        return Long.parseLong(gtid.substring(gtid.lastIndexOf('-') + 1));
      }
    }
  }
}
