package io.ferry.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Shards;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.position.OpaquePosition;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher and the channels without a database: an in-memory target records, in one global
 * order, when each transaction was applied and committed and by which channel. The invariants:
 * every transaction is committed exactly once; the key scheduler commits in seqno order and never
 * applies a transaction before an earlier one with a common key has committed on another channel;
 * the shard scheduler keeps each shard on one channel and in order, and runs global transactions
 * alone; restarts resume from the right row, pass over what each channel has, and finish an earlier
 * layout before settling on the new one.
 */
class ParallelApplierTest {
  private static final Clock CLOCK = Clock.systemUTC();

  /** A target in memory: catalog rows, layout, shards, and a log of applies and commits. */
  static final class MemoryTarget implements ChannelTarget {
    final Map<Integer, ChannelPosition> rows = new ConcurrentHashMap<>();
    volatile Layout layout = Layout.SINGLE;
    final Map<String, Integer> shards = new ConcurrentHashMap<>();
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final Map<Long, Integer> committedBy = new ConcurrentHashMap<>();
    final List<Long> committedTwice = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Applier channel(int ch) {
      return new Applier() {
        private final List<ReplEvent> open = new ArrayList<>();

        @Override
        public Checkpoint lastCommitted() {
          ChannelPosition p = rows.get(ch);
          return p == null ? Checkpoint.NONE : p.checkpoint();
        }

        @Override
        public void apply(ReplEvent e) {
          open.add(e);
          if (e instanceof Transaction tx) {
            log.add("apply " + tx.seqno() + " " + ch);
          }
        }

        @Override
        public void commit() {
          Checkpoint last = null;
          for (ReplEvent e : open) {
            if (e instanceof Transaction tx && tx.lastFrag()) {
              if (committedBy.putIfAbsent(tx.seqno(), ch) != null) {
                committedTwice.add(tx.seqno());
              }
              log.add("commit " + tx.seqno() + " " + ch);
            }
            last = e.checkpoint();
          }
          if (last != null) {
            rows.put(ch, new ChannelPosition(last, -1));
          }
          open.clear();
        }

        @Override
        public void rollback() {
          open.clear();
        }
      };
    }

    @Override
    public Map<Integer, ChannelPosition> positions() {
      return new HashMap<>(rows);
    }

    @Override
    public Layout layout() {
      return layout;
    }

    @Override
    public void settle(Layout l, Checkpoint position, boolean forgetShards) {
      for (int ch = 0; ch < l.channels(); ch++) {
        ChannelPosition p = rows.get(ch);
        if (p == null || (!position.isNone() && p.seqno() < position.seqno())) {
          rows.put(ch, new ChannelPosition(position, p == null ? -1 : p.inDoubtSeqno()));
        }
      }
      rows.keySet().removeIf(ch -> ch >= l.channels());
      if (forgetShards) {
        shards.clear();
      }
      layout = l;
    }

    @Override
    public Map<String, Integer> shards() {
      return new HashMap<>(shards);
    }

    @Override
    public void rememberShard(String shard, int channel) {
      shards.put(shard, channel);
    }

    @Override
    public boolean lockConflict(Throwable failure) {
      return false;
    }

    /** Keys: the shard name stands for the one key a transaction has. */
    @Override
    public KeyExtractor keys() {
      return new KeyExtractor() {
        @Override
        public Keys keysOf(Transaction tx, int max) {
          return tx.header().shard().equals("barrier")
              ? Keys.barrier("test barrier")
              : Keys.of(new long[] {tx.header().shard().hashCode()});
        }

        @Override
        public void forget() {}

        @Override
        public void close() {}
      };
    }

    @Override
    public void close() {}

    int indexOf(String entry) {
      synchronized (log) {
        return log.indexOf(entry);
      }
    }

    /** Where a transaction was applied: {index in the log, channel}. */
    int[] applied(long seqno) {
      synchronized (log) {
        for (int i = 0; i < log.size(); i++) {
          String[] parts = log.get(i).split(" ", -1);
          if (parts[0].equals("apply") && Long.parseLong(parts[1]) == seqno) {
            return new int[] {i, Integer.parseInt(parts[2])};
          }
        }
      }
      return null;
    }
  }

  static Transaction tx(long seqno, String shard) {
    return new Transaction(
        new TransactionHeader(
            seqno, 1, 0, true, new OpaquePosition("p" + seqno), "", "", shard, 0, 0, Map.of()),
        List.of());
  }

  static Transaction fragment(long seqno, int fragno, boolean last, String shard) {
    return new Transaction(
        new TransactionHeader(
            seqno, 1, fragno, last, new OpaquePosition("p" + seqno), "", "", shard, 0, 0, Map.of()),
        List.of());
  }

  static ParallelApplier applier(MemoryTarget t, Scheduler s, int channels, int block) {
    return new ParallelApplier(
        new ParallelSettings(
            "svc",
            new Layout(s, channels),
            new BlockCommit(block, Duration.ofMillis(50)),
            8,
            1 << 20,
            100,
            3,
            ShardMap.HASH),
        t,
        CLOCK);
  }

  @Test
  void theKeySchedulerCommitsInOrderAndWaitsForEarlierKeys() {
    MemoryTarget t = new MemoryTarget();
    ParallelApplier a = applier(t, Scheduler.KEY, 4, 3);
    assertThat(a.lastCommitted().isNone()).isTrue();
    Random r = new Random(5);
    Map<Long, String> keyOf = new HashMap<>();
    for (long s = 0; s < 400; s++) {
      String key = s % 97 == 50 ? "barrier" : "k" + r.nextInt(6);
      keyOf.put(s, key);
      a.apply(tx(s, key));
      if (s % 150 == 149) {
        a.commit();
      }
    }
    a.commit();
    a.close();
    assertThat(t.committedTwice).isEmpty();
    assertThat(t.committedBy).hasSize(400);
    List<Long> commitOrder = new ArrayList<>();
    synchronized (t.log) {
      for (String e : t.log) {
        if (e.startsWith("commit ")) {
          commitOrder.add(Long.parseLong(e.split(" ", -1)[1]));
        }
      }
    }
    assertThat(commitOrder).isSorted();
    assertThat(t.committedBy.values().stream().distinct().count()).isEqualTo(4);
    // a transaction starts only after every earlier one with its key committed on another channel
    for (long s2 = 0; s2 < 400; s2++) {
      int[] at2 = t.applied(s2);
      for (long s1 = 0; s1 < s2; s1++) {
        boolean related =
            keyOf.get(s1).equals(keyOf.get(s2))
                || keyOf.get(s1).equals("barrier")
                || keyOf.get(s2).equals("barrier");
        int[] at1 = t.applied(s1);
        if (related && at1[1] != at2[1]) {
          int commit1 = t.indexOf("commit " + s1 + " " + at1[1]);
          assertThat(at2[0])
              .as("seqno %d applied after %d committed", s2, s1)
              .isGreaterThan(commit1);
        }
      }
    }
    ParallelStatus st = a.status();
    assertThat(st.serialized()).containsEntry("test barrier", 4L);
    // a clean commit leaves every channel's row at the same seqno
    assertThat(t.rows.values()).allMatch(p -> p.seqno() == 399);
  }

  @Test
  void theShardSchedulerKeepsEachShardOnOneChannelAndRunsGlobalOnesAlone() {
    MemoryTarget t = new MemoryTarget();
    ParallelApplier a = applier(t, Scheduler.SHARD, 3, 4);
    a.lastCommitted();
    for (long s = 0; s < 300; s++) {
      a.apply(tx(s, s % 50 == 25 ? Shards.GLOBAL : "db" + (s % 7)));
    }
    a.commit();
    a.close();
    assertThat(t.committedTwice).isEmpty();
    assertThat(t.committedBy).hasSize(300);
    Map<String, Integer> channelOf = new HashMap<>();
    for (long s = 0; s < 300; s++) {
      int[] at = t.applied(s);
      if (s % 50 == 25) {
        // alone: every earlier transaction had committed before it was applied
        for (long e = 0; e < s; e++) {
          assertThat(t.indexOf("commit " + e + " " + t.committedBy.get(e))).isLessThan(at[0]);
        }
        continue;
      }
      Integer before = channelOf.putIfAbsent("db" + (s % 7), at[1]);
      assertThat(before == null ? at[1] : before).isEqualTo(at[1]);
    }
    assertThat(t.shards).hasSize(7);
    assertThat(t.rows.values()).allMatch(p -> p.seqno() == 299);
  }

  @Test
  void aShardRunThatStoppedApartIsFinishedThenTheNewCountApplies() {
    MemoryTarget t = new MemoryTarget();
    t.layout = new Layout(Scheduler.SHARD, 4);
    int[] stoppedAt = {10, 5, 12, 7};
    for (int ch = 0; ch < 4; ch++) {
      t.rows.put(ch, new ChannelPosition(tx(stoppedAt[ch], "x").checkpoint(), -1));
      t.shards.put("s" + ch, ch);
    }
    ParallelApplier a = applier(t, Scheduler.SHARD, 2, 2);
    assertThat(a.lastCommitted().seqno()).isEqualTo(5);
    assertThat(a.status().finishing()).isEqualTo(12);
    for (long s = 6; s <= 30; s++) {
      a.apply(tx(s, "s" + (s % 4)));
    }
    a.commit();
    a.close();
    for (long s = 6; s <= 30; s++) {
      int ch = (int) (s % 4);
      boolean had = s <= stoppedAt[ch];
      assertThat(t.committedBy.containsKey(s)).as("seqno %d applied", s).isEqualTo(!had);
    }
    assertThat(t.committedTwice).isEmpty();
    assertThat(t.layout).isEqualTo(new Layout(Scheduler.SHARD, 2));
    assertThat(t.rows).hasSize(2);
    assertThat(t.rows.values()).allMatch(p -> p.seqno() == 30);
    // after the old run, shards were given anew over two channels
    for (long s = 13; s <= 30; s++) {
      assertThat(t.committedBy.get(s)).isLessThan(2);
    }
  }

  @Test
  void aFinishedRunThatCrashesRightAfterTheSwitchAppliesNothingTwice() {
    MemoryTarget t = new MemoryTarget();
    t.layout = new Layout(Scheduler.SHARD, 4);
    int[] stoppedAt = {8, 5, 14, 7}; // the furthest row's own seqno (14, shard s2) is passed over
    for (int ch = 0; ch < 4; ch++) {
      t.rows.put(ch, new ChannelPosition(tx(stoppedAt[ch], "x").checkpoint(), -1));
      t.shards.put("s" + ch, ch);
    }
    ParallelApplier a = applier(t, Scheduler.SHARD, 2, 2);
    a.lastCommitted();
    for (long s = 6; s <= 15; s++) {
      a.apply(tx(s, "s" + (s % 4)));
    }
    // seqno 15 came after the furthest row: the new layout is recorded, at 14 at least
    assertThat(t.layout).isEqualTo(new Layout(Scheduler.SHARD, 2));
    assertThat(t.rows.values()).allMatch(p -> p.seqno() >= 14);
    a.rollback(); // a crash: what was open is gone
    ParallelApplier again = applier(t, Scheduler.SHARD, 2, 2);
    long restart = again.lastCommitted().seqno();
    for (long s = restart + 1; s <= 20; s++) {
      again.apply(tx(s, "s" + (s % 4)));
    }
    again.commit();
    again.close();
    assertThat(t.committedTwice).isEmpty();
    for (long s = 6; s <= 20; s++) {
      boolean had = s <= 14 && s <= stoppedAt[(int) (s % 4)];
      assertThat(t.committedBy.containsKey(s)).as("seqno %d applied", s).isEqualTo(!had);
    }
  }

  @Test
  void aChannelNeverCommitsInTheMiddleOfATransaction() throws Exception {
    MemoryTarget t = new MemoryTarget();
    ParallelApplier a = applier(t, Scheduler.SHARD, 2, 2);
    a.lastCommitted();
    a.apply(tx(0, "a"));
    a.commit();
    a.apply(fragment(1, 0, false, "a"));
    Thread.sleep(100); // the dispatcher is slow to bring the next fragment
    assertThat(t.rows.values()).allMatch(p -> p.seqno() == 0 && p.checkpoint().lastFrag());
    a.apply(fragment(1, 1, true, "a"));
    a.commit();
    a.close();
    assertThat(t.committedBy).containsKeys(0L, 1L);
    assertThat(t.rows.values()).allMatch(p -> p.seqno() == 1);
  }

  @Test
  void aKeyRunResumesAfterItsHighestRow() {
    MemoryTarget t = new MemoryTarget();
    t.layout = new Layout(Scheduler.KEY, 3);
    t.rows.put(0, new ChannelPosition(tx(10, "x").checkpoint(), -1));
    t.rows.put(1, new ChannelPosition(tx(14, "x").checkpoint(), -1));
    t.rows.put(2, new ChannelPosition(tx(12, "x").checkpoint(), -1));
    ParallelApplier a = applier(t, Scheduler.SHARD, 2, 2);
    assertThat(a.lastCommitted().seqno()).isEqualTo(14);
    assertThat(t.rows).hasSize(2);
    assertThat(t.rows.values()).allMatch(p -> p.seqno() == 14);
    a.apply(tx(14, "a")); // already there: passed over
    a.apply(tx(15, "a"));
    a.commit();
    a.close();
    assertThat(t.committedBy.keySet()).containsExactly(15L);
  }
}
