package io.ferry.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.position.OpaquePosition;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Stages that stop by themselves at a condition, and stages started from an operator's point. */
class StopConditionTest {
  private static final Clock CLOCK = Clock.systemUTC();

  private static Pipeline pipeline(DummyApplier dummy, GeneratorExtractor gen, Checkpoint startAt) {
    return new Pipeline(
        "t",
        List.of(
            Stage.builder("gen")
                .extractor(gen)
                .applier(dummy)
                .blockCommit(new BlockCommit(7, Duration.ofMillis(50)))
                .startAt(startAt)
                .build()),
        List.of(),
        CLOCK);
  }

  private static void awaitStopped(Pipeline p) throws InterruptedException {
    assertThat(p.awaitTermination(Duration.ofSeconds(30))).as("stopped by itself").isTrue();
  }

  @Test
  void untilASeqnoTheStageAppliesExactlyUpToItAndSaysSo() throws Exception {
    List<ReplEvent> seen = Collections.synchronizedList(new ArrayList<>());
    DummyApplier dummy = new DummyApplier(Checkpoint.NONE, seen::add);
    Pipeline p = pipeline(dummy, new GeneratorExtractor(-1, 1, 10, 2, CLOCK), null);
    AtomicReference<String> met = new AtomicReference<>();
    p.onConditionMet(met::set);
    p.stopWhen(StopCondition.afterSeqno(1234));
    assertThat(p.pendingStop()).isPresent();
    p.start();
    awaitStopped(p);
    assertThat(dummy.lastCommitted().seqno()).isEqualTo(1234);
    assertThat(seen).hasSize(1235);
    assertThat(met.get()).isEqualTo("after seqno 1234");
  }

  @Test
  void aConditionSetWhileRunningAndAlreadyMetStopsAtOnce() throws Exception {
    DummyApplier dummy = new DummyApplier();
    Pipeline p = pipeline(dummy, new GeneratorExtractor(100, 1, 10, 2, CLOCK), null);
    p.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (dummy.lastCommitted().seqno() < 99) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(5);
    }
    p.stopWhen(StopCondition.afterSeqno(50)); // idle, and past it already
    awaitStopped(p);
    assertThat(dummy.lastCommitted().seqno()).isEqualTo(99);
  }

  @Test
  void aStartPointReplacesTheCheckpointUntilTheFirstCommit() throws Exception {
    DummyApplier dummy = new DummyApplier();
    GeneratorExtractor gen = new GeneratorExtractor(-1, 1, 10, 2, CLOCK);
    // Start as if "gen:499" was applied already: the first transaction made is gen:500.
    Checkpoint from = new Checkpoint(-1, 0, 0, true, new OpaquePosition("gen:499"), 0);
    Pipeline p = pipeline(dummy, gen, from);
    p.stopWhen(StopCondition.afterSeqno(9));
    p.start();
    awaitStopped(p);
    assertThat(dummy.lastCommitted().seqno()).isEqualTo(9);
    assertThat(dummy.lastCommitted().nativePosition()).isEqualTo(new OpaquePosition("gen:509"));
  }
}
