package io.ferry.core.pipeline;

import io.ferry.core.position.NativePosition;

/**
 * Why a pipeline stopped on an error: the stage, the seqno (and source position) it was handling,
 * and the cause. Immutable.
 *
 * @param stage the stage that failed
 * @param seqno the seqno it was handling, or -1 if it failed before it had one
 * @param nativePosition that event's source position, or null
 * @param cause the error
 */
public record PipelineFailure(
    String stage, long seqno, NativePosition nativePosition, Throwable cause) {

  /** One line for a person: stage, seqno, position, and the error's own message. */
  public String message() {
    StringBuilder sb = new StringBuilder("stage '").append(stage).append("' failed");
    if (seqno >= 0) {
      sb.append(" at seqno ").append(seqno);
    }
    if (nativePosition != null) {
      sb.append(" (")
          .append(nativePosition.kind())
          .append(' ')
          .append(nativePosition.text())
          .append(')');
    }
    sb.append(": ").append(cause.getMessage() != null ? cause.getMessage() : cause.toString());
    return sb.toString();
  }

  @Override
  public String toString() {
    return message();
  }
}
