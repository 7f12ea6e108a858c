package io.ferry.filters;

import io.ferry.core.pipeline.TransactionFailure;
import io.ferry.core.position.NativePosition;

/**
 * A statement the {@code rename} filter cannot pass: its SQL text names what a rule renames, and
 * the filter is set to fail rather than pass it with only its default schema renamed.
 */
public final class RenameException extends RuntimeException implements TransactionFailure {
  private static final long serialVersionUID = 1L;

  private final long seqno;
  private final transient NativePosition nativePosition;

  RenameException(String message, long seqno, NativePosition nativePosition) {
    super(message);
    this.seqno = seqno;
    this.nativePosition = nativePosition;
  }

  @Override
  public long seqno() {
    return seqno;
  }

  @Override
  public NativePosition nativePosition() {
    return nativePosition;
  }
}
