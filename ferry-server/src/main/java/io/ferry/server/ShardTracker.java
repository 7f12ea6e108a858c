package io.ferry.server;

import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pass-through filter on the applying stage that keeps, per shard, the last seqno and how many
 * transactions went through, for {@code status -name shards}. Bounded: past {@link #LIMIT} shards
 * (a shard filter by a column's value makes many), further shards are counted together under {@link
 * #OTHERS}. Written by the stage thread, read by any.
 */
public final class ShardTracker implements Filter {
  /**
   * One shard at a glance.
   *
   * @param channel the channel parallel apply gave it, or -1
   * @param lagMillis how far its channel is behind the shard's last transaction (0: caught up), or
   *     -1 when not known
   */
  public record Shard(
      String id,
      long lastSeqno,
      long transactions,
      long lastSourceCommitMicros,
      int channel,
      long lagMillis) {

    /** With its channel and that channel's lag. */
    public Shard onChannel(int ch, long lag) {
      return new Shard(id, lastSeqno, transactions, lastSourceCommitMicros, ch, lag);
    }
  }

  /** The most shards shown one by one. */
  static final int LIMIT = 10_000;

  /** Where shards past the limit are counted. */
  static final String OTHERS = "(other shards)";

  private final Map<String, long[]> shards = new ConcurrentHashMap<>();

  @Override
  public Transaction filter(Transaction t) {
    if (t.lastFrag()) {
      String id = t.header().shard();
      if (shards.size() >= LIMIT && !shards.containsKey(id)) {
        id = OTHERS;
      }
      long[] s = shards.computeIfAbsent(id, k -> new long[3]);
      s[0] = t.seqno();
      s[1]++;
      s[2] = t.header().sourceCommitMicros();
    }
    return t;
  }

  List<Shard> shards() {
    List<Shard> list = new ArrayList<>();
    shards.forEach((id, s) -> list.add(new Shard(id, s[0], s[1], s[2], -1, -1)));
    list.sort(java.util.Comparator.comparing(Shard::id));
    return list;
  }

  @Override
  public String name() {
    return "shards";
  }
}
