package io.ferry.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.position.OpaquePosition;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlReader;
import io.ferry.core.thl.ThlSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
  private static final Clock CLOCK = Clock.systemUTC();

  @TempDir Path dir;

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 30 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void generatorToDummyAssignsDenseSeqnosAndResumesAfterItsCheckpoint() throws Exception {
    List<ReplEvent> seen = Collections.synchronizedList(new ArrayList<>());
    DummyApplier dummy = new DummyApplier(Checkpoint.NONE, seen::add);
    GeneratorExtractor gen = new GeneratorExtractor(5000, 1, 10, 4, CLOCK);
    Pipeline p =
        new Pipeline(
            "t",
            List.of(
                Stage.builder("gen-to-dummy")
                    .extractor(gen)
                    .applier(dummy)
                    .epoch(3)
                    .originService("svc")
                    .build()),
            List.of(),
            CLOCK);
    p.start();
    await(() -> dummy.lastCommitted().seqno() == 4999);
    assertThat(p.stop(Duration.ofSeconds(10))).isTrue();
    assertThat(seen).hasSize(5000);
    for (int i = 0; i < seen.size(); i++) {
      Transaction t = (Transaction) seen.get(i);
      assertThat(t.seqno()).isEqualTo(i);
      assertThat(t.epoch()).isEqualTo(3);
      assertThat(t.header().originService()).isEqualTo("svc");
      assertThat(t.header().nativePosition()).isEqualTo(new OpaquePosition("gen:" + i));
    }
    // A new pipeline on the same applier checkpoint continues right after it.
    GeneratorExtractor more = new GeneratorExtractor(6000, 1, 10, 4, CLOCK);
    Pipeline again =
        new Pipeline(
            "t",
            List.of(Stage.builder("s").extractor(more).applier(dummy).build()),
            List.of(),
            CLOCK);
    again.start();
    await(() -> dummy.lastCommitted().seqno() == 5999);
    again.stop(Duration.ofSeconds(10));
    assertThat(seen).hasSize(6000);
    assertThat(seen.get(5000).seqno()).isEqualTo(5000);
  }

  @Test
  void aBlockThatCommitsOnlyAtItsBoundsWaitsThroughAQuietSource() throws Exception {
    // a batch target: the source goes quiet after 20 transactions, the block stays open until
    // its latency bound, and the 20 transactions commit as one block
    DummyApplier dummy = new DummyApplier();
    GeneratorExtractor gen = new GeneratorExtractor(20, 1, 10, 4, CLOCK);
    Pipeline p =
        new Pipeline(
            "t",
            List.of(
                Stage.builder("batch")
                    .extractor(gen)
                    .applier(dummy)
                    .blockCommit(new BlockCommit(1000, Duration.ofMillis(800)).onlyAtBounds())
                    .build()),
            List.of(),
            CLOCK);
    long start = System.nanoTime();
    p.start();
    await(() -> dummy.events() == 20);
    assertThat(dummy.commits()).isZero();
    await(() -> dummy.commits() == 1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(700));
    assertThat(dummy.lastCommitted().seqno()).isEqualTo(19);
    assertThat(p.stop(Duration.ofSeconds(10))).isTrue();
    assertThat(dummy.commits()).isEqualTo(1);
  }

  @Test
  void twoStagesThroughTheThlRestartWithoutGapOrDuplicate() throws Exception {
    ThlSettings settings = ThlSettings.defaults(dir).withSegmentBytes(64 << 10);
    List<ReplEvent> seen = Collections.synchronizedList(new ArrayList<>());
    DummyApplier target = new DummyApplier(Checkpoint.NONE, seen::add);
    for (int run = 1; run <= 3; run++) {
      try (Thl thl = Thl.open(settings)) {
        ThlStore store = new ThlStore("thl", thl);
        GeneratorExtractor gen = new GeneratorExtractor(run * 1000L, 2, 50, 3, CLOCK);
        Pipeline p =
            new Pipeline(
                "svc",
                List.of(
                    Stage.builder("source-to-thl").extractor(gen).applier(store.applier()).build(),
                    Stage.builder("thl-to-target")
                        .extractor(store.extractor())
                        .applier(target)
                        .blockCommit(new BlockCommit(10, Duration.ofMillis(50)))
                        .build()),
                List.of(store),
                CLOCK);
        p.start();
        long want = run * 1000L - 1;
        await(() -> target.lastCommitted().seqno() == want);
        assertThat(p.stop(Duration.ofSeconds(10))).isTrue();
        assertThat(thl.lastSeqno()).hasValue(want);
        assertThat(thl.readerPositions()).isEmpty();
      }
    }
    assertThat(seen).hasSize(3000);
    for (int i = 0; i < 3000; i++) {
      assertThat(seen.get(i).seqno()).isEqualTo(i);
    }
  }

  /** Drops transactions of schema gen0. */
  static final class DropGen0 implements Filter {
    @Override
    public Transaction filter(Transaction t) {
      return t.header().shard().equals("gen0") ? null : t;
    }
  }

  @Test
  void droppedSeqnosAreRecordedAsGapsSoTheLogHasNoUnexplainedHole() throws Exception {
    try (Thl thl = Thl.open(ThlSettings.defaults(dir))) {
      ThlStore store = new ThlStore("thl", thl);
      DummyApplier target = new DummyApplier();
      Pipeline p =
          new Pipeline(
              "svc",
              List.of(
                  Stage.builder("source-to-thl")
                      .extractor(new GeneratorExtractor(300, 1, 10, 3, CLOCK))
                      .filter(new DropGen0())
                      .applier(store.applier())
                      .build(),
                  Stage.builder("thl-to-target")
                      .extractor(store.extractor())
                      .applier(target)
                      .build()),
              List.of(store),
              CLOCK);
      p.start();
      await(() -> target.lastCommitted().seqno() == 299 || target.lastCommitted().seqno() == 298);
      await(() -> thl.lastSeqno().orElse(-1) == 299);
      p.stop(Duration.ofSeconds(10));
      assertThat(p.status().get(0).filteredEvents()).isEqualTo(100);
      long expected = 0;
      int gaps = 0;
      try (ThlReader r = thl.reader(0)) {
        ReplEvent e;
        while ((e = r.nextEvent(0, TimeUnit.MILLISECONDS)) != null) {
          assertThat(e.seqno()).isEqualTo(expected);
          if (e instanceof Gap g) {
            gaps++;
            assertThat(g.reason()).isEqualTo("dropped by filter DropGen0");
          } else {
            assertThat(((Transaction) e).header().shard()).isNotEqualTo("gen0");
          }
          expected = e.lastSeqno() + 1;
        }
      }
      assertThat(expected).isEqualTo(300);
      assertThat(gaps).isEqualTo(100);
      assertThat(target.lastCommitted().seqno()).isEqualTo(299);
    }
  }

  @Test
  void memoryQueuesAreBoundedAndRestartFromTheStageAfterThem() throws Exception {
    MemoryQueue queue = new MemoryQueue("q", 10, 1 << 20);
    // The target already holds everything up to gen:99 / seqno 99.
    Checkpoint start = new Checkpoint(99, 0, 0, true, new OpaquePosition("gen:99"), 0);
    List<ReplEvent> seen = Collections.synchronizedList(new ArrayList<>());
    DummyApplier slow =
        new DummyApplier(
            start,
            e -> {
              seen.add(e);
              try {
                Thread.sleep(1);
              } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
              }
            });
    Pipeline p =
        new Pipeline(
            "svc",
            List.of(
                Stage.builder("gen-to-q")
                    .extractor(new GeneratorExtractor(400, 1, 10, 1, CLOCK))
                    .applier(queue.applier())
                    .build(),
                Stage.builder("q-to-target").extractor(queue.extractor()).applier(slow).build()),
            List.of(queue),
            CLOCK);
    p.start();
    await(() -> slow.lastCommitted().seqno() == 399);
    p.stop(Duration.ofSeconds(10));
    assertThat(seen.get(0).seqno()).isEqualTo(100);
    assertThat(seen).hasSize(300);
    assertThat(queue.highWaterEvents()).isLessThanOrEqualTo(10);
  }

  @Test
  void aFailingApplierStopsThePipelineWithItsSeqnoAndStage() throws Exception {
    Applier failing =
        new Applier() {
          private Checkpoint committed = Checkpoint.NONE;
          private Checkpoint pending = Checkpoint.NONE;

          @Override
          public Checkpoint lastCommitted() {
            return committed;
          }

          @Override
          public void apply(ReplEvent event) {
            if (event.seqno() == 42) {
              throw new IllegalStateException("duplicate key 'PRIMARY' on shop.orders");
            }
            pending = event.checkpoint();
          }

          @Override
          public void commit() {
            committed = pending;
          }

          @Override
          public void rollback() {
            pending = committed;
          }
        };
    Pipeline p =
        new Pipeline(
            "svc",
            List.of(
                Stage.builder("to-db")
                    .extractor(new GeneratorExtractor(100, 1, 1, 1, CLOCK))
                    .applier(failing)
                    .blockCommit(BlockCommit.EACH)
                    .build()),
            List.of(),
            CLOCK);
    List<PipelineFailure> reported = Collections.synchronizedList(new ArrayList<>());
    p.onFailure(reported::add);
    p.start();
    await(() -> p.state() == Pipeline.State.FAILED);
    assertThat(p.awaitTermination(Duration.ofSeconds(10))).isTrue();
    PipelineFailure f = p.failure().orElseThrow();
    assertThat(f.stage()).isEqualTo("to-db");
    assertThat(f.seqno()).isEqualTo(42);
    assertThat(f.nativePosition()).isEqualTo(new OpaquePosition("gen:42"));
    assertThat(f.message())
        .isEqualTo(
            "stage 'to-db' failed at seqno 42 (opaque gen:42): duplicate key 'PRIMARY' on shop.orders");
    assertThat(failing.lastCommitted().seqno()).isEqualTo(41);
    assertThat(reported).containsExactly(f);
  }

  /** A source whose transactions come in three fragments, slowly. */
  static final class SlowFragments implements Extractor {
    private int made;

    @Override
    public boolean isSource() {
      return true;
    }

    @Override
    public void seek(Checkpoint after) {}

    @Override
    public ReplEvent next(long timeout, TimeUnit unit) throws InterruptedException {
      Thread.sleep(20);
      int fragno = made % 3;
      long tx = made / 3;
      made++;
      return new Transaction(
          new TransactionHeader(
              -1,
              0,
              fragno,
              fragno == 2,
              new OpaquePosition("f:" + tx),
              "",
              "",
              "s",
              0,
              0,
              Map.of()),
          List.of());
    }
  }

  private static Pipeline slowFragments(Applier applier) {
    return new Pipeline(
        "svc",
        List.of(Stage.builder("frag").extractor(new SlowFragments()).applier(applier).build()),
        List.of(),
        CLOCK);
  }

  @Test
  void aCleanStopWaitsForTheTransactionToEnd() throws Exception {
    List<ReplEvent> seen = Collections.synchronizedList(new ArrayList<>());
    DummyApplier dummy = new DummyApplier(Checkpoint.NONE, seen::add);
    Pipeline p = slowFragments(dummy);
    p.start();
    // a transaction done and the next begun (three fragments each)
    await(() -> seen.size() >= 4 && seen.size() % 3 != 0);
    assertThat(p.stop(Duration.ofSeconds(10))).isTrue();
    Checkpoint last = dummy.lastCommitted();
    assertThat(last.lastFrag()).isTrue();
    assertThat(seen.size() % 3).as("stopped at a transaction boundary").isZero();
    assertThat(last.seqno()).isEqualTo(seen.size() / 3 - 1);
  }

  @Test
  void anImmediateStopRollsBackTheOpenBlockAndIsNoFailure() throws Exception {
    List<ReplEvent> seen = Collections.synchronizedList(new ArrayList<>());
    DummyApplier dummy = new DummyApplier(Checkpoint.NONE, seen::add);
    Pipeline p = slowFragments(dummy);
    List<PipelineFailure> reported = Collections.synchronizedList(new ArrayList<>());
    p.onFailure(reported::add);
    p.start();
    await(() -> seen.size() >= 4 && seen.size() % 3 != 0); // inside a transaction
    p.stopNow();
    assertThat(p.state()).isEqualTo(Pipeline.State.STOPPED);
    assertThat(p.failure()).isEmpty();
    assertThat(reported).isEmpty();
    assertThat(p.status().get(0).state()).isEqualTo("stopped");
    assertThat(dummy.lastCommitted().lastFrag()).isTrue();
  }

  @Test
  void aRetriableExtractorFailureBetweenTransactionsKeepsTheGoodBlock() throws Exception {
    List<Checkpoint> seeks = Collections.synchronizedList(new ArrayList<>());
    Extractor failingOnce =
        new Extractor() {
          private long next;
          private boolean failed;

          @Override
          public void seek(Checkpoint after) {
            seeks.add(after);
            next = after.isNone() ? 0 : after.seqno() + 1;
          }

          @Override
          public ReplEvent next(long timeout, TimeUnit unit) {
            if (next == 10 && !failed) {
              failed = true;
              throw new io.ferry.core.net.NetworkException(
                  "a record arrived damaged; it will be fetched again", true, null);
            }
            return next < 20 ? io.ferry.core.TestEvents.small(next++) : null;
          }
        };
    DummyApplier dummy = new DummyApplier(Checkpoint.NONE, e -> {});
    Pipeline p =
        new Pipeline(
            "t",
            List.of(
                Stage.builder("fetch")
                    .extractor(failingOnce)
                    .applier(dummy)
                    .blockCommit(new BlockCommit(1000, Duration.ofMinutes(1)))
                    .build()),
            List.of(),
            CLOCK);
    p.start();
    await(() -> dummy.lastCommitted().seqno() == 19);
    assertThat(p.stop(Duration.ofSeconds(10))).isTrue();
    assertThat(seeks).hasSize(2);
    assertThat(seeks.get(1).seqno())
        .as("the ten good transactions were committed before the retry")
        .isEqualTo(9);
    assertThat(dummy.events()).isEqualTo(20);
  }
}
