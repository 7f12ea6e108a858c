package io.ferry.core.parallel;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.pipeline.Applier;
import java.util.Map;

/**
 * What parallel apply needs from a target: an applier per channel (each keeping its position in its
 * own catalog row, in the same target transaction as its data) and the catalog's record of the
 * channels, their layout and the shards' channels. Each target type implements it its own way.
 * Called by one thread at a time.
 */
public interface ChannelTarget extends AutoCloseable {
  /** An applier whose position is catalog row {@code channel}. */
  Applier channel(int channel);

  /** Every channel row the catalog holds, by channel. */
  Map<Integer, ChannelPosition> positions();

  /** The layout the last run recorded, or {@link Layout#SINGLE} when none was recorded. */
  Layout layout();

  /**
   * Records a new layout: rows {@code 0..channels-1} hold {@code position} (rows at it or beyond
   * are left alone, in-doubt marks are kept), rows past the count are removed, and the remembered
   * shard channels are forgotten if {@code forgetShards}. One target transaction.
   */
  void settle(Layout layout, Checkpoint position, boolean forgetShards);

  /** The channels shards were given, as remembered. */
  Map<String, Integer> shards();

  /** Remembers a shard's channel; durable when it returns. */
  void rememberShard(String shard, int channel);

  /**
   * Whether a channel's failure is a lock wait or deadlock, which under ordered commit may be one
   * channel waiting for a lock a later channel holds until its turn.
   */
  boolean lockConflict(Throwable failure);

  /** The keys of transactions for the key scheduler (a connection of its own). */
  KeyExtractor keys();

  @Override
  void close();
}
