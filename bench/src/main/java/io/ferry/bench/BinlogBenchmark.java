package io.ferry.bench;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.Pipeline;
import io.ferry.core.pipeline.Stage;
import io.ferry.core.pipeline.ThlStore;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.thl.FsyncPolicy;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlSettings;
import io.ferry.mysql.BinlogExtractor;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.mysql.StartPosition;
import io.ferry.mysql.source.SourceInfo;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.Binaries;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxServer;
import io.ferry.sandbox.SandboxSpec;
import io.ferry.sandbox.Sandboxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Binlog extraction benchmark: sysbench write workloads across several schemas fill a sandboxed
 * MariaDB's binlog; then Ferry extracts it into a durable THL, and {@code mariadb-binlog
 * --read-from-remote-server --raw} copies the same binlog as the baseline. Prints MB/s, row
 * changes/s and the ratio. Not a test.
 */
public final class BinlogBenchmark {
  private BinlogBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = 20;
    int schemas = 4;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--schemas" -> schemas = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path home = Files.createTempDirectory(Path.of("/tmp"), "ferry-bench-binlog-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    Sandboxes sandboxes = new Sandboxes(home, new Binaries(Binaries.defaultCacheDir()));
    try {
      Sandbox sandbox =
          sandboxes.create(
              SandboxSpec.mariadb("bench", 1)
                  .withOptions(List.of("innodb_buffer_pool_size=512M", "max_binlog_size=1G")));
      run(sandbox.server(1), seconds, schemas, home);
    } finally {
      for (Sandbox s : sandboxes.list()) {
        sandboxes.destroy(s.name());
      }
      BenchFiles.deleteTree(home);
    }
  }

  private static void run(SandboxServer server, int seconds, int schemas, Path work)
      throws Exception {
    SourceSettings source =
        SourceSettings.of(
            server.host(),
            server.port(),
            server.replicator().user(),
            server.replicator().password());
    try (Connection c = server.connect(server.root(), "");
        Statement st = c.createStatement()) {
      for (int i = 1; i <= schemas; i++) {
        st.execute("CREATE DATABASE sb" + i);
      }
    }
    System.out.printf("preparing %d sysbench schemas ...%n", schemas);
    List<Process> prepare = new ArrayList<>();
    for (int i = 1; i <= schemas; i++) {
      prepare.add(sysbench(server, "sb" + i, "prepare", 0).start());
    }
    for (Process p : prepare) {
      check(p);
    }
    BinlogPosition start = SourceProbe.probe(source).head();
    System.out.printf("running oltp_write_only on %d schemas for %d s ...%n", schemas, seconds);
    List<Process> runs = new ArrayList<>();
    for (int i = 1; i <= schemas; i++) {
      runs.add(sysbench(server, "sb" + i, "run", seconds).start());
    }
    for (Process p : runs) {
      check(p);
    }
    SourceInfo info = SourceProbe.probe(source);
    BinlogPosition end = info.head();
    System.out.println("letting the server settle (InnoDB purge and flushing) for 10 s ...");
    Thread.sleep(10_000);
    long binlogBytes = end.offset() - start.offset();
    if (!end.file().equals(start.file())) {
      throw new IllegalStateException("the binlog rotated; raise max_binlog_size");
    }
    System.out.printf(
        "binlog to read: %s from %d to %d (%.1f MB)%n%n",
        start.file(), start.offset(), end.offset(), binlogBytes / 1e6);

    // Baseline: the server's own client copies the same stretch of the binlog raw (from the start
    // position to the end of the file, which is where the workload stopped writing).
    Path copy = work.resolve("copy");
    Files.createDirectories(copy);
    // The copy runs twice and the faster run counts, so the baseline is never flattered.
    double rawSeconds = Double.MAX_VALUE;
    long copied = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
      BenchFiles.deleteTree(copy);
      Files.createDirectories(copy);
      long t0 = System.nanoTime();
      Process mb =
          new ProcessBuilder(
                  "mariadb-binlog",
                  "--no-defaults",
                  "--read-from-remote-server",
                  "--raw",
                  "--host=" + server.host(),
                  "--port=" + server.port(),
                  "--user=" + server.root().user(),
                  "--password=" + server.root().password(),
                  "--result-file=" + copy + "/",
                  "--start-position=" + start.offset(),
                  start.file())
              .redirectErrorStream(true)
              .start();
      check(mb);
      rawSeconds = Math.min(rawSeconds, (System.nanoTime() - t0) / 1e9);
      try (Stream<Path> files = Files.list(copy)) {
        copied = files.mapToLong(p -> p.toFile().length()).sum();
      }
    }
    double rawRate = copied / rawSeconds / 1e6;

    // Ferry: binlog -> durable THL (fsync at every commit), counting row changes on the way.
    Path thlDir = work.resolve("thl");
    AtomicLong rows = new AtomicLong();
    AtomicLong transactions = new AtomicLong();
    double ferrySeconds;
    try (Thl thl = Thl.open(ThlSettings.defaults(thlDir).withFsync(FsyncPolicy.COMMIT))) {
      ThlStore store = new ThlStore("thl", thl);
      Applier counting = counting(store.applier(), rows, transactions);
      BinlogExtractor extractor =
          new BinlogExtractor(
              source,
              ExtractorSettings.defaults().withStart(new StartPosition.At(start)),
              Clock.systemUTC());
      Pipeline p =
          new Pipeline(
              "bench",
              List.of(
                  Stage.builder("binlog-to-thl")
                      .extractor(extractor)
                      .applier(counting)
                      .blockCommit(new BlockCommit(200, Duration.ofMillis(200)))
                      .build()),
              List.of(store),
              Clock.systemUTC());
      long t1 = System.nanoTime();
      p.start();
      while (true) {
        Checkpoint c = thl.lastCheckpoint();
        if (!c.isNone()
            && c.nativePosition() instanceof BinlogPosition b
            && b.offset() >= end.offset()) {
          break;
        }
        if (p.state() == Pipeline.State.FAILED) {
          throw new IllegalStateException(p.failure().orElseThrow().message());
        }
        Thread.sleep(2);
      }
      ferrySeconds = (System.nanoTime() - t1) / 1e9;
      p.stop(Duration.ofSeconds(30));
    }
    double mbps = binlogBytes / ferrySeconds / 1e6;
    double rowRate = rows.get() / ferrySeconds;
    System.out.printf(
        Locale.ROOT,
        "baseline  mariadb-binlog --read-from-remote-server --raw: %.1f MB in %.2f s = %.1f MB/s%n"
            + "Ferry     binlog -> durable THL: %,d transactions, %,d row changes in %.2f s%n"
            + "          %.1f MB/s  %,.0f row changes/s  %,.0f transactions/s%n"
            + "          ratio to the raw copy: %.2f%n%n"
            + "Summary (targets in brackets)%n"
            + "  extraction %6.1f MB/s [>= 40], %,9.0f row changes/s [>= 150,000], %.2f of raw copy [>= 0.50]%n",
        copied / 1e6,
        rawSeconds,
        rawRate,
        transactions.get(),
        rows.get(),
        ferrySeconds,
        mbps,
        rowRate,
        transactions.get() / ferrySeconds,
        mbps / rawRate,
        mbps,
        rowRate,
        mbps / rawRate);
  }

  /** Passes events to the THL and counts transactions and row changes. */
  private static Applier counting(Applier inner, AtomicLong rows, AtomicLong transactions) {
    return new io.ferry.core.pipeline.StoreApplier() {
      @Override
      public io.ferry.core.pipeline.Store store() {
        return ((io.ferry.core.pipeline.StoreApplier) inner).store();
      }

      @Override
      public Checkpoint lastCommitted() {
        return inner.lastCommitted();
      }

      @Override
      public void apply(ReplEvent event) {
        if (event instanceof Transaction t) {
          for (var c : t.changes()) {
            if (c instanceof RowChanges rc) {
              rows.addAndGet(rc.rows().size());
            }
          }
          if (t.lastFrag()) {
            transactions.incrementAndGet();
          }
        }
        inner.apply(event);
      }

      @Override
      public void commit() {
        inner.commit();
      }

      @Override
      public void rollback() {
        inner.rollback();
      }
    };
  }

  private static ProcessBuilder sysbench(
      SandboxServer server, String db, String command, int seconds) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "sysbench",
                "oltp_write_only",
                "--db-driver=mysql",
                "--mysql-host=127.0.0.1",
                "--mysql-port=" + server.port(),
                "--mysql-user=" + server.app().user(),
                "--mysql-password=" + server.app().password(),
                "--mysql-db=" + db,
                "--tables=4",
                "--table-size=20000",
                "--threads=2",
                "--rand-seed=1"));
    if (seconds > 0) {
      cmd.add("--time=" + seconds);
      cmd.add("--report-interval=0");
    }
    cmd.add(command);
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }

  private static void check(Process p) throws Exception {
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("command failed:\n" + out);
    }
  }
}
