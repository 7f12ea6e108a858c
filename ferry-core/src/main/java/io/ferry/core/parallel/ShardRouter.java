package io.ferry.core.parallel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gives each shard its channel for the shard scheduler and remembers it in the catalog before the
 * shard's first transaction is dispatched, so that a restart finds every shard where it was. Used
 * by the dispatcher thread; {@link #known} by any.
 */
final class ShardRouter {
  private final ShardMap map;
  private final int channels;
  private final ChannelTarget target;
  private final Map<String, Integer> known;
  private final int catchUpChannel;
  private int nextRoundRobin;

  /**
   * @param remembered the channels shards were given before
   * @param catchUpChannel while finishing an earlier run's assignment: the channel new shards go to
   *     (the one that is furthest behind), else -1
   */
  ShardRouter(
      ShardMap map,
      int channels,
      Map<String, Integer> remembered,
      ChannelTarget target,
      int catchUpChannel) {
    this.map = map;
    this.channels = channels;
    this.target = target;
    this.catchUpChannel = catchUpChannel;
    this.known = new ConcurrentHashMap<>(remembered);
    if (catchUpChannel < 0) {
      // a clean start: the configured map wins over what was remembered
      map.channels()
          .forEach(
              (shard, ch) -> {
                if (ch < channels && !ch.equals(known.get(shard))) {
                  target.rememberShard(shard, ch);
                  known.put(shard, ch);
                }
              });
    }
    for (int ch : known.values()) {
      nextRoundRobin = Math.max(nextRoundRobin, ch + 1);
    }
  }

  boolean critical(String shard) {
    return map.critical().contains(shard);
  }

  /**
   * The channel a shard's transactions go to. While an earlier run is finished, a shard it never
   * saw goes where it would, unless that channel is already past the transaction ({@code
   * skipThrough}); then to the channel furthest behind.
   */
  int channelOf(String shard, long seqno, long[] skipThrough) {
    Integer ch = known.get(shard);
    if (ch != null && ch < channels) {
      return ch;
    }
    int chosen;
    if (map.channels().containsKey(shard) && map.channels().get(shard) < channels) {
      chosen = map.channels().get(shard);
    } else if (map.fallbackChannel() >= 0 && map.fallbackChannel() < channels) {
      chosen = map.fallbackChannel();
    } else if (map.fallback().equals("round-robin")) {
      chosen = nextRoundRobin++ % channels;
    } else {
      chosen = Math.floorMod(shard.hashCode(), channels);
    }
    if (catchUpChannel >= 0 && skipThrough[chosen] >= seqno) {
      chosen = catchUpChannel;
    }
    target.rememberShard(shard, chosen);
    known.put(shard, chosen);
    return chosen;
  }

  /** The channel a shard was given, or -1. */
  int known(String shard) {
    Integer ch = known.get(shard);
    return ch == null ? -1 : ch;
  }
}
