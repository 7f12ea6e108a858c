package io.ferry.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.TestEvents;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.Retriable;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Restarts of parallel apply: a channel's failure is thrown once (after the stage rolls back and
 * resumes from the catalog, the target having come back, the same failure does not stop the next
 * run), and a transaction a channel passes over because it committed it before the restart still
 * lets a commit move the other channels past it.
 */
class ParallelApplierRetryTest {

  /** A failure that may pass, like a lost target connection. */
  static final class Lost extends RuntimeException implements Retriable {
    Lost(String message) {
      super(message);
    }

    @Override
    public boolean isRetriable() {
      return true;
    }
  }

  /** Channels whose rows are in memory; one apply of {@code failAt} fails, once. */
  static final class MemoryTarget implements ChannelTarget {
    final Map<Integer, Checkpoint> rows = new ConcurrentHashMap<>();
    final Map<String, Integer> shards = new ConcurrentHashMap<>();
    final AtomicBoolean failed = new AtomicBoolean();
    volatile long failAt = -1;
    Layout layout = Layout.SINGLE;

    @Override
    public Applier channel(int channel) {
      return new Applier() {
        private Checkpoint pending;

        @Override
        public Checkpoint lastCommitted() {
          pending = null;
          return rows.getOrDefault(channel, Checkpoint.NONE);
        }

        @Override
        public void apply(ReplEvent event) {
          if (event instanceof Transaction t
              && t.seqno() == failAt
              && failed.compareAndSet(false, true)) {
            throw new Lost("the target went away while applying seqno " + t.seqno());
          }
          pending = event.checkpoint();
        }

        @Override
        public void commit() {
          if (pending != null) {
            rows.put(channel, pending);
            pending = null;
          }
        }

        @Override
        public void rollback() {
          pending = null;
        }
      };
    }

    @Override
    public Map<Integer, ChannelPosition> positions() {
      Map<Integer, ChannelPosition> out = new HashMap<>();
      rows.forEach((ch, cp) -> out.put(ch, new ChannelPosition(cp, -1)));
      return out;
    }

    @Override
    public Layout layout() {
      return layout;
    }

    @Override
    public void settle(Layout layout, Checkpoint position, boolean forgetShards) {
      this.layout = layout;
      rows.keySet().removeIf(ch -> ch >= layout.channels());
      for (int ch = 0; ch < layout.channels(); ch++) {
        Checkpoint now = rows.getOrDefault(ch, Checkpoint.NONE);
        if (!position.isNone() && (now.isNone() || now.seqno() < position.seqno())) {
          rows.put(ch, position);
        }
      }
      if (forgetShards) {
        shards.clear();
      }
    }

    @Override
    public Map<String, Integer> shards() {
      return Map.copyOf(shards);
    }

    @Override
    public void rememberShard(String shard, int channel) {
      shards.put(shard, channel);
    }

    @Override
    public boolean lockConflict(Throwable failure) {
      return false;
    }

    @Override
    public KeyExtractor keys() {
      return new KeyExtractor() {
        @Override
        public Keys keysOf(Transaction tx, int max) {
          return Keys.of(new long[] {tx.seqno()});
        }

        @Override
        public void forget() {}

        @Override
        public void close() {}
      };
    }

    @Override
    public void close() {}
  }

  @ParameterizedTest
  @EnumSource(Scheduler.class)
  void aChannelFailureStopsOneRunOnly(Scheduler scheduler) {
    MemoryTarget target = new MemoryTarget();
    ParallelSettings settings =
        new ParallelSettings(
            "svc",
            new Layout(scheduler, 4),
            new BlockCommit(2, Duration.ofMillis(20)),
            100,
            1 << 20,
            100,
            3,
            ShardMap.HASH);
    ParallelApplier applier = new ParallelApplier(settings, target, Clock.systemUTC());
    assertThat(applier.lastCommitted().isNone()).isTrue();
    target.failAt = 5;
    assertThatThrownBy(
            () -> {
              for (long s = 0; s < 10; s++) {
                applier.apply(TestEvents.small(s));
              }
              applier.commit();
            })
        .hasMessageContaining("seqno 5");
    applier.rollback();

    // the stage resumes from the catalog; the target is back
    Checkpoint restart = applier.lastCommitted();
    for (long s = restart.isNone() ? 0 : restart.seqno() + 1; s < 10; s++) {
      applier.apply(TestEvents.small(s));
    }
    applier.commit();
    assertThat(applier.lastCommitted().seqno()).isEqualTo(9);
    assertThat(target.rows.values()).allMatch(cp -> cp.seqno() == 9);
    applier.close();
  }

  @org.junit.jupiter.api.Test
  void aTransactionPassedOverAtARestartStillMovesTheOtherChannels() {
    MemoryTarget target = new MemoryTarget();
    target.layout = new Layout(Scheduler.SHARD, 4);
    // the last run stopped apart: channel 0 (shop0) had committed seqno 9, the others seqno 5
    target.rows.put(0, TestEvents.small(9).checkpoint());
    for (int ch = 1; ch < 4; ch++) {
      target.rows.put(ch, TestEvents.small(5).checkpoint());
    }
    target.shards.putAll(Map.of("shop0", 0, "shop1", 1, "shop2", 2));
    ParallelSettings settings =
        new ParallelSettings(
            "svc",
            target.layout,
            new BlockCommit(2, Duration.ofMillis(20)),
            100,
            1 << 20,
            100,
            3,
            ShardMap.HASH);
    ParallelApplier applier = new ParallelApplier(settings, target, Clock.systemUTC());
    assertThat(applier.lastCommitted().seqno()).isEqualTo(5);
    for (long s = 6; s <= 9; s++) {
      applier.apply(TestEvents.small(s)); // 6 and 9 (shop0) are passed over
    }
    applier.commit();
    assertThat(applier.lastCommitted().seqno()).isEqualTo(9);
    assertThat(target.rows).hasSize(4).allSatisfy((ch, cp) -> assertThat(cp.seqno()).isEqualTo(9));
    applier.close();
  }
}
