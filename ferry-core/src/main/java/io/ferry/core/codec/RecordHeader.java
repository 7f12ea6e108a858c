package io.ferry.core.codec;

import io.ferry.core.position.NativePosition;

/**
 * The routing header of a log record: what routing and listing need, readable without decoding the
 * record's body. Immutable.
 *
 * @param type {@link RecordCodec#TRANSACTION} or {@link RecordCodec#GAP}
 * @param seqno the seqno (the first, for a gap)
 * @param lastSeqno the last seqno (the seqno itself, for a transaction)
 * @param epoch the epoch
 * @param fragno the fragment number
 * @param lastFrag whether the record ends its transaction
 * @param sourceCommitMicros source commit time, microseconds since 1970 UTC
 * @param shard the shard id
 * @param originService the service where the transaction entered replication
 * @param nativeKind the native position's kind, or empty
 * @param nativeText the native position's canonical text, or empty
 * @param length the whole record's size in bytes, framing included
 */
public record RecordHeader(
    int type,
    long seqno,
    long lastSeqno,
    long epoch,
    int fragno,
    boolean lastFrag,
    long sourceCommitMicros,
    String shard,
    String originService,
    String nativeKind,
    String nativeText,
    int length) {

  public boolean isGap() {
    return type == RecordCodec.GAP;
  }

  /** The native position, parsed, or null if the record has none. */
  public NativePosition nativePosition() {
    return nativeKind.isEmpty() ? null : NativePosition.parse(nativeKind, nativeText);
  }
}
