package io.ferry.core.event;

import io.ferry.core.position.NativePosition;

/**
 * Seqnos that a filter dropped: the log records the run, so that it never has an unexplained hole
 * and a downstream applier moves its position past it.
 *
 * @param seqno the first dropped seqno
 * @param toSeqno the last dropped seqno
 * @param epoch the epoch of the last dropped transaction
 * @param nativePosition the source position of the last dropped transaction, or null
 * @param sourceCommitMicros when the source committed the last dropped transaction, or 0
 * @param reason who dropped them and why, for people reading the log
 */
public record Gap(
    long seqno,
    long toSeqno,
    long epoch,
    NativePosition nativePosition,
    long sourceCommitMicros,
    String reason)
    implements ReplEvent {

  public Gap {
    if (seqno < 0 || toSeqno < seqno) {
      throw new IllegalArgumentException("invalid gap " + seqno + ".." + toSeqno);
    }
    reason = reason == null ? "" : reason;
  }

  @Override
  public long lastSeqno() {
    return toSeqno;
  }

  @Override
  public boolean endsTransaction() {
    return true;
  }

  @Override
  public Checkpoint checkpoint() {
    return new Checkpoint(toSeqno, epoch, 0, true, nativePosition, sourceCommitMicros);
  }

  @Override
  public long estimatedBytes() {
    return 96L + reason.length();
  }
}
