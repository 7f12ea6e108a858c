package io.ferry.bench;

import io.ferry.core.codec.ByteWriter;
import io.ferry.core.codec.RecordCodec;
import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.DummyApplier;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.pipeline.GeneratorExtractor;
import io.ferry.core.pipeline.Pipeline;
import io.ferry.core.pipeline.Stage;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.thl.FsyncPolicy;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlReader;
import io.ferry.core.thl.ThlRecord;
import io.ferry.core.thl.ThlSettings;
import io.ferry.core.thl.ThlWriter;
import io.ferry.core.value.Text;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * Ferry's core benchmark: durable THL appends against raw fsync'd writes of the same bytes at the
 * same fsync cadence, THL read speed, and the in-memory pipeline loop. Prints figures and ratios;
 * it is not a test and asserts nothing.
 */
public final class CoreBenchmark {
  private static final List<ColumnSpec> COLUMNS =
      List.of(
          ColumnSpec.of("id", SqlType.BIGINT).asKey(),
          ColumnSpec.of("name", SqlType.VARCHAR).withCharset("utf8mb4"),
          ColumnSpec.of("amount", SqlType.DECIMAL).withLength(12, 2),
          ColumnSpec.of("payload", SqlType.VARBINARY));

  private final Path dir;
  private final Duration duration;
  private final int smallPerCommit;
  private final int largePerCommit;
  private final List<String> summary = new ArrayList<>();

  private CoreBenchmark(Path dir, Duration duration, int smallPerCommit, int largePerCommit) {
    this.dir = dir;
    this.duration = duration;
    this.smallPerCommit = smallPerCommit;
    this.largePerCommit = largePerCommit;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "ferry-bench");
    int seconds = 5;
    int small = 100;
    int large = 16;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--small-per-commit" -> small = Integer.parseInt(args[++i]);
        case "--large-per-commit" -> large = Integer.parseInt(args[++i]);
        case "--help", "-h" -> {
          System.out.println(
              "usage: bench/run.sh [--dir DIR] [--seconds N] [--small-per-commit K]"
                  + " [--large-per-commit K]\n"
                  + "  --dir               where logs are written (default: $TMPDIR/ferry-bench);"
                  + " the same disk as a real THL\n"
                  + "  --seconds           length of each measurement (default 5)\n"
                  + "  --small-per-commit  small transactions per commit (default 100)\n"
                  + "  --large-per-commit  large transactions per commit (default 16)\n"
                  + "other benchmarks: bench/run.sh binlog|apply|filters|conflicts --help");
          return;
        }
        default ->
            throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
      }
    }
    new CoreBenchmark(dir, Duration.ofSeconds(seconds), small, large).run();
  }

  private void run() throws Exception {
    System.out.printf(
        "Ferry core benchmark: %s, %d cores, Java %s, logs in %s, %d s per measurement%n%n",
        System.getProperty("os.name"),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        dir,
        duration.toSeconds());
    Files.createDirectories(dir);
    Path smallLog = dir.resolve("small");
    appendVersusRaw("small", CoreBenchmark::small, smallPerCommit, smallLog, 200_000);
    appendVersusRaw("large", CoreBenchmark::large, largePerCommit, dir.resolve("large"), -1);
    read(smallLog);
    pipeline();
    System.out.println();
    System.out.println("Summary (targets on a 2-core machine in brackets)");
    summary.forEach(line -> System.out.println("  " + line));
    BenchFiles.deleteTree(dir);
  }

  // ------------------------------------------------------------------ events

  private static final byte[] PAYLOAD = new byte[12];
  private static final byte[] LARGE_PAYLOAD = new byte[950];

  static {
    new Random(1).nextBytes(PAYLOAD);
    new Random(2).nextBytes(LARGE_PAYLOAD);
  }

  private static TransactionHeader header(long seqno) {
    return new TransactionHeader(
        seqno,
        1,
        0,
        true,
        new BinlogPosition("binlog.000001", 4 + seqno * 300, new MariaDbGtid(0, 1, seqno + 1)),
        "101",
        "bench",
        "shop" + (seqno & 7),
        1_700_000_000_000_000L + seqno,
        1_700_000_000_000_100L + seqno,
        Map.of());
  }

  /** About 200 bytes on disk: one inserted row. */
  static Transaction small(long seqno) {
    Row row =
        Row.owning(
            null,
            new Object[] {
              seqno, Text.of("customer-" + seqno), BigDecimal.valueOf(seqno % 100_000, 2), PAYLOAD
            });
    return new Transaction(
        header(seqno),
        List.of(
            RowChanges.full("shop" + (seqno & 7), "orders", Action.INSERT, COLUMNS, List.of(row))));
  }

  /** About 16 KB on disk: sixteen rows of about 1 KB. */
  static Transaction large(long seqno) {
    List<Row> rows = new ArrayList<>(16);
    for (int i = 0; i < 16; i++) {
      rows.add(
          Row.owning(
              null,
              new Object[] {
                seqno * 16 + i, Text.of("customer-" + i), BigDecimal.ONE, LARGE_PAYLOAD
              }));
    }
    return new Transaction(
        header(seqno), List.of(RowChanges.full("shop", "orders", Action.INSERT, COLUMNS, rows)));
  }

  // ------------------------------------------------------------------ append vs raw

  private record Rate(long transactions, long bytes, double seconds) {
    double perSecond() {
      return transactions / seconds;
    }

    double megabytesPerSecond() {
      return bytes / seconds / 1e6;
    }
  }

  private void appendVersusRaw(
      String label, LongFunction<Transaction> make, int perCommit, Path logDir, long target)
      throws IOException {
    append(make, perCommit, dir.resolve("warmup"), Duration.ofSeconds(2));
    BenchFiles.deleteTree(dir.resolve("warmup"));
    BenchFiles.deleteTree(logDir);
    // The baseline writes records of the same size (one encoded transaction) and runs before
    // and after the THL; the better run counts, so disk noise never flatters the ratio.
    ByteWriter one = new ByteWriter(1 << 16);
    new RecordCodec().encode(make.apply(1), one);
    int recordBytes = one.size();
    Rate rawBefore = raw(recordBytes, perCommit, dir.resolve("raw-" + label));
    Rate thl = append(make, perCommit, logDir, duration);
    Rate rawAfter = raw(recordBytes, perCommit, dir.resolve("raw-" + label));
    Rate raw = rawAfter.perSecond() >= rawBefore.perSecond() ? rawAfter : rawBefore;
    double ratio = thl.perSecond() / raw.perSecond();
    System.out.printf(
        Locale.ROOT,
        "durable append, %s transactions (%d B each on disk), %d per commit, fsync every commit:%n"
            + "  THL        %,12.0f tx/s  %8.1f MB/s%n"
            + "  raw writes %,12.0f tx/s  %8.1f MB/s  (baseline: the same bytes, one write and one"
            + " fdatasync per %d records)%n"
            + "  ratio THL/raw: %.2f%n%n",
        label,
        recordBytes,
        perCommit,
        thl.perSecond(),
        thl.megabytesPerSecond(),
        raw.perSecond(),
        raw.megabytesPerSecond(),
        perCommit,
        ratio);
    summary.add(
        String.format(
            Locale.ROOT,
            "durable append %-5s %,10.0f tx/s%s, %.2f of raw fsync'd writes [>= 0.50]",
            label,
            thl.perSecond(),
            target > 0 ? " [>= " + String.format(Locale.ROOT, "%,d", target) + "]" : "",
            ratio));
  }

  private static Rate append(LongFunction<Transaction> make, int perCommit, Path logDir, Duration d)
      throws IOException {
    ThlSettings settings =
        ThlSettings.defaults(logDir).withFsync(FsyncPolicy.COMMIT).withRetention(null, 0);
    long start;
    long seqno = 0;
    double seconds;
    long bytes;
    try (Thl thl = Thl.open(settings)) {
      ThlWriter w = thl.writer();
      long deadline = System.nanoTime() + d.toNanos();
      start = System.nanoTime();
      while (System.nanoTime() < deadline) {
        for (int i = 0; i < perCommit; i++) {
          w.append(make.apply(seqno++));
        }
        w.commit();
      }
      seconds = (System.nanoTime() - start) / 1e9;
      bytes = thl.totalBytes();
    }
    return new Rate(seqno, bytes, seconds);
  }

  private Rate raw(int recordBytes, int perCommit, Path file) throws IOException {
    byte[] chunk = new byte[recordBytes * perCommit];
    new Random(3).nextBytes(chunk);
    long transactions = 0;
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      long position = 0;
      while (System.nanoTime() < deadline) {
        ByteBuffer buf = ByteBuffer.wrap(chunk);
        while (buf.hasRemaining()) {
          position += ch.write(buf, position);
        }
        ch.force(false);
        transactions += perCommit;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Files.deleteIfExists(file);
    return new Rate(transactions, transactions * recordBytes, seconds);
  }

  // ------------------------------------------------------------------ read

  private void read(Path logDir) throws InterruptedException {
    long records = 0;
    long bytes = 0;
    double decodeSeconds;
    double headerSeconds;
    try (Thl thl = Thl.openReadOnly(logDir)) {
      readOnce(thl, true); // warm up
      long start = System.nanoTime();
      try (ThlReader r = thl.reader(0)) {
        ThlRecord rec;
        while ((rec = r.next(0, TimeUnit.MILLISECONDS)) != null) {
          ReplEvent e = rec.event();
          if (e.seqno() < 0) {
            throw new IllegalStateException("impossible");
          }
          records++;
          bytes += rec.length();
        }
      }
      decodeSeconds = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      readOnce(thl, false);
      headerSeconds = (System.nanoTime() - start) / 1e9;
    }
    double rate = records / decodeSeconds;
    System.out.printf(
        Locale.ROOT,
        "read back the small-transaction log (%,d records, %.0f MB), checksums verified:%n"
            + "  decoded to events  %,12.0f records/s  %8.1f MB/s%n"
            + "  routing headers    %,12.0f records/s%n%n",
        records,
        bytes / 1e6,
        rate,
        bytes / decodeSeconds / 1e6,
        records / headerSeconds);
    summary.add(
        String.format(Locale.ROOT, "read (decoded)  %,10.0f records/s [>= 1,000,000]", rate));
  }

  private static long readOnce(Thl thl, boolean decode) throws InterruptedException {
    long n = 0;
    try (ThlReader r = thl.reader(0)) {
      ThlRecord rec;
      while ((rec = r.next(0, TimeUnit.MILLISECONDS)) != null) {
        if (decode) {
          rec.event();
        }
        n++;
      }
    }
    return n;
  }

  // ------------------------------------------------------------------ pipeline loop

  /** Passes everything: the cost of a filter call. */
  private static final class PassThrough implements Filter {
    @Override
    public Transaction filter(Transaction transaction) {
      return transaction;
    }
  }

  private void pipeline() throws InterruptedException {
    loop(Duration.ofSeconds(2)); // warm up
    double rate = loop(duration);
    System.out.printf(
        Locale.ROOT,
        "in-memory pipeline: generator -> filter -> dummy applier, one stage, blocks of 1000:%n"
            + "  %,12.0f events/s%n",
        rate);
    summary.add(
        String.format(Locale.ROOT, "pipeline loop   %,10.0f events/s [>= 1,000,000]", rate));
  }

  private static double loop(Duration d) throws InterruptedException {
    DummyApplier dummy = new DummyApplier();
    Pipeline p =
        new Pipeline(
            "bench",
            List.of(
                Stage.builder("generator-to-dummy")
                    .extractor(new GeneratorExtractor(-1, 1, 16, 8, Clock.systemUTC()))
                    .filter(new PassThrough())
                    .applier(dummy)
                    .blockCommit(new BlockCommit(1000, Duration.ofMillis(500)))
                    .build()),
            List.of(),
            Clock.systemUTC());
    p.start();
    Thread.sleep(200);
    long before = dummy.events();
    long start = System.nanoTime();
    Thread.sleep(d.toMillis());
    long events = dummy.events() - before;
    double seconds = (System.nanoTime() - start) / 1e9;
    p.stop(Duration.ofSeconds(10));
    return events / seconds;
  }
}
