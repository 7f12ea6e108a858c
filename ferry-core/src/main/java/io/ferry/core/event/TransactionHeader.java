package io.ferry.core.event;

import io.ferry.core.position.NativePosition;
import java.util.Map;
import java.util.TreeMap;

/**
 * The header of a transaction fragment. Immutable; {@code with...} methods return changed copies.
 *
 * @param seqno Ferry's global transaction number, or -1 before the first stage assigns it
 * @param epoch the epoch of the master that assigned the seqno
 * @param fragno the fragment's number within its transaction, from 0
 * @param lastFrag whether this fragment ends the transaction
 * @param nativePosition where the source logged the transaction
 * @param sourceId the source server (for MariaDB/MySQL its server id)
 * @param originService the Ferry service where the transaction entered replication
 * @param shard the unit of independence for parallel apply: the schema it changes, or {@link
 *     Shards#GLOBAL}
 * @param sourceCommitMicros when the source committed, microseconds since 1970 UTC
 * @param extractMicros when Ferry extracted it, microseconds since 1970 UTC
 * @param options further key/value facts, sorted by key (see {@link TransactionOptions})
 */
public record TransactionHeader(
    long seqno,
    long epoch,
    int fragno,
    boolean lastFrag,
    NativePosition nativePosition,
    String sourceId,
    String originService,
    String shard,
    long sourceCommitMicros,
    long extractMicros,
    Map<String, String> options) {

  public TransactionHeader {
    if (fragno < 0) {
      throw new IllegalArgumentException("negative fragno " + fragno);
    }
    sourceId = sourceId == null ? "" : sourceId;
    originService = originService == null ? "" : originService;
    shard = shard == null ? Shards.GLOBAL : shard;
    options =
        options == null || options.isEmpty()
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new TreeMap<>(options));
  }

  public TransactionHeader withSeqno(long newSeqno, long newEpoch) {
    return new TransactionHeader(
        newSeqno,
        newEpoch,
        fragno,
        lastFrag,
        nativePosition,
        sourceId,
        originService,
        shard,
        sourceCommitMicros,
        extractMicros,
        options);
  }

  public TransactionHeader withFragment(int newFragno, boolean newLastFrag) {
    return new TransactionHeader(
        seqno,
        epoch,
        newFragno,
        newLastFrag,
        nativePosition,
        sourceId,
        originService,
        shard,
        sourceCommitMicros,
        extractMicros,
        options);
  }

  public TransactionHeader withShard(String newShard) {
    return new TransactionHeader(
        seqno,
        epoch,
        fragno,
        lastFrag,
        nativePosition,
        sourceId,
        originService,
        newShard,
        sourceCommitMicros,
        extractMicros,
        options);
  }

  public TransactionHeader withOriginService(String service) {
    return new TransactionHeader(
        seqno,
        epoch,
        fragno,
        lastFrag,
        nativePosition,
        sourceId,
        service,
        shard,
        sourceCommitMicros,
        extractMicros,
        options);
  }

  public TransactionHeader withOption(String key, String value) {
    Map<String, String> copy = new TreeMap<>(options);
    if (value == null) {
      copy.remove(key);
    } else {
      copy.put(key, value);
    }
    return new TransactionHeader(
        seqno,
        epoch,
        fragno,
        lastFrag,
        nativePosition,
        sourceId,
        originService,
        shard,
        sourceCommitMicros,
        extractMicros,
        copy);
  }

  public String option(String key) {
    return options.get(key);
  }
}
