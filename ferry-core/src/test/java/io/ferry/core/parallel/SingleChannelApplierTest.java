package io.ferry.core.parallel;

import static io.ferry.core.parallel.ParallelApplierTest.applier;
import static io.ferry.core.parallel.ParallelApplierTest.tx;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.parallel.ParallelApplierTest.MemoryTarget;
import io.ferry.core.pipeline.Applier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A service configured with one channel: its own applier normally; parallel apply with one channel
 * when the last run's shard channels stopped apart, which finishes that run and records one
 * channel.
 */
class SingleChannelApplierTest {
  /** The target's own applier: records what it was given. */
  private static final class Recording implements Applier {
    final List<ReplEvent> applied = new ArrayList<>();
    boolean closed;

    @Override
    public Checkpoint lastCommitted() {
      return Checkpoint.NONE;
    }

    @Override
    public void apply(ReplEvent event) {
      applied.add(event);
    }

    @Override
    public void commit() {}

    @Override
    public void rollback() {}

    @Override
    public void close() {
      closed = true;
    }
  }

  private static void stoppedAt(MemoryTarget t, Layout layout, int... seqnos) {
    t.layout = layout;
    for (int ch = 0; ch < seqnos.length; ch++) {
      t.rows.put(ch, new ChannelPosition(tx(seqnos[ch], "x").checkpoint(), -1));
      t.shards.put("s" + ch, ch);
    }
  }

  @Test
  void channelsThatStoppedApartAreFinishedThenOneChannelApplies() {
    MemoryTarget t = new MemoryTarget();
    stoppedAt(t, new Layout(Scheduler.SHARD, 4), 10, 5, 12, 7);
    Recording own = new Recording();
    SingleChannelApplier a =
        new SingleChannelApplier(own, t, () -> applier(t, Scheduler.SHARD, 1, 2));
    assertThat(a.readsPositionOnItsThread()).isTrue();
    assertThat(a.lastCommitted().seqno()).isEqualTo(5);
    assertThat(a.finishing()).isNotNull();
    assertThat(a.commitsOnItsOwn()).isTrue();
    for (long s = 6; s <= 30; s++) {
      a.apply(tx(s, "s" + (s % 4)));
    }
    a.commit();
    a.close();
    assertThat(own.applied).isEmpty();
    assertThat(own.closed).isTrue();
    int[] had = {10, 5, 12, 7};
    for (long s = 6; s <= 30; s++) {
      boolean before = s <= had[(int) (s % 4)];
      assertThat(t.committedBy.containsKey(s)).as("seqno %d applied", s).isEqualTo(!before);
    }
    assertThat(t.committedTwice).isEmpty();
    assertThat(t.layout).isEqualTo(Layout.SINGLE);
    assertThat(t.rows).hasSize(1);
    assertThat(t.rows.get(0).seqno()).isEqualTo(30);
  }

  @Test
  void channelsThatAgreeOrCommittedInOrderNeedNoFinishing() {
    for (Layout before :
        List.of(Layout.SINGLE, new Layout(Scheduler.SHARD, 4), new Layout(Scheduler.KEY, 4))) {
      MemoryTarget t = new MemoryTarget();
      if (before.scheduler() == Scheduler.KEY) {
        stoppedAt(t, before, 10, 5, 12, 7); // ordered commit: the highest row holds for all
      } else {
        stoppedAt(t, before, new int[before.channels()]);
      }
      Recording own = new Recording();
      SingleChannelApplier a =
          new SingleChannelApplier(
              own,
              t,
              () -> {
                throw new AssertionError("no finishing after " + before);
              });
      a.lastCommitted();
      assertThat(a.finishing()).as(before.toString()).isNull();
      a.apply(tx(13, "s1"));
      assertThat(own.applied).hasSize(1);
      a.close();
    }
  }
}
