package io.ferry.core.event;

import io.ferry.core.position.NativePosition;

/**
 * Where a stage's applier stands: the last event it committed durably. A stage resumes right after
 * it. Immutable.
 *
 * @param seqno the last committed seqno, or -1 if nothing was committed yet
 * @param epoch its epoch
 * @param fragno its fragment number
 * @param lastFrag whether that fragment ended its transaction
 * @param nativePosition the source position of that transaction, or null
 * @param sourceCommitMicros when the source committed it (microseconds since the epoch), or 0
 */
public record Checkpoint(
    long seqno,
    long epoch,
    int fragno,
    boolean lastFrag,
    NativePosition nativePosition,
    long sourceCommitMicros) {

  /** Nothing committed yet: the stage starts at the beginning. */
  public static final Checkpoint NONE = new Checkpoint(-1, 0, 0, true, null, 0);

  public boolean isNone() {
    return seqno < 0;
  }

  /** The first seqno to read after this checkpoint (a partly committed transaction restarts). */
  public long nextSeqno() {
    return lastFrag ? seqno + 1 : seqno;
  }

  @Override
  public String toString() {
    if (isNone()) {
      return "nothing committed";
    }
    return "seqno "
        + seqno
        + (lastFrag && fragno == 0 ? "" : " fragment " + fragno + (lastFrag ? " (last)" : ""))
        + " epoch "
        + epoch
        + (nativePosition == null
            ? ""
            : " at " + nativePosition.kind() + " " + nativePosition.text());
  }
}
