package io.ferry.core.parallel;

import io.ferry.core.event.Checkpoint;
import java.util.List;
import java.util.Map;

/**
 * Parallel apply at a glance. Immutable.
 *
 * @param scheduler shard or key
 * @param channels each channel
 * @param serialized transactions that ran alone, by reason
 * @param serializedLast the latest detail of each reason that has one (the table, ...)
 * @param lockWaitRetries times transactions were rolled back and run again after a lock wait
 *     between channels
 * @param finishing while an earlier run's assignment is being finished after a crash: up to which
 *     seqno; else -1
 */
public record ParallelStatus(
    String scheduler,
    List<ChannelStatus> channels,
    Map<String, Long> serialized,
    Map<String, String> serializedLast,
    long lockWaitRetries,
    long finishing) {

  /**
   * One channel.
   *
   * @param id its number (its catalog row)
   * @param state what it is doing
   * @param position the last transaction it committed
   * @param queued transactions waiting for it
   * @param transactions transactions it applied since the service went online
   * @param perSecond transactions per second, lately
   * @param commitWaitMillis time spent waiting for its turn to commit (key scheduler)
   * @param retries failures of this channel that were retried
   * @param open the seqnos applied and not yet committed, or null
   */
  public record ChannelStatus(
      int id,
      String state,
      Checkpoint position,
      int queued,
      long transactions,
      double perSecond,
      long commitWaitMillis,
      long retries,
      String open) {}
}
