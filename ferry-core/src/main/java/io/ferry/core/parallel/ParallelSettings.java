package io.ferry.core.parallel;

import io.ferry.core.pipeline.BlockCommit;

/**
 * How a service applies in parallel. Immutable.
 *
 * @param service the service name, for threads and messages
 * @param layout the scheduler and channel count
 * @param block when a channel commits (shard scheduler), and how long a run of transactions one
 *     channel takes in turn is (key scheduler)
 * @param queueEvents the most transactions waiting for one channel
 * @param queueBytes the most bytes of transactions waiting for all channels together
 * @param maxKeys a transaction with more keys than this runs alone (key scheduler)
 * @param deadlockRetries how many times in a row transactions are rolled back and run again after a
 *     lock wait between channels, without progress, before the service stops
 * @param shardMap which channel each shard goes to (shard scheduler)
 */
public record ParallelSettings(
    String service,
    Layout layout,
    BlockCommit block,
    int queueEvents,
    long queueBytes,
    int maxKeys,
    int deadlockRetries,
    ShardMap shardMap) {

  public ParallelSettings {
    if (queueEvents < 1 || queueBytes < 1 || maxKeys < 1 || deadlockRetries < 0) {
      throw new IllegalArgumentException("parallel apply settings out of range");
    }
    shardMap = shardMap == null ? ShardMap.HASH : shardMap;
  }

  public int channels() {
    return layout.channels();
  }

  public Scheduler scheduler() {
    return layout.scheduler();
  }
}
