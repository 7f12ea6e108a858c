package io.ferry.filters;

import io.ferry.core.pipeline.TransactionFailure;
import io.ferry.core.position.NativePosition;

/**
 * A transaction a routing filter cannot pass without leaving the target different from what its
 * rules promise (a row of {@code drop-rows} that cannot be decided or moved, a statement of {@code
 * drop-temp} that reads a temporary table the target never got, a statement whose text names what
 * {@code rename} renames). The message names the filter, the seqno, what is wrong and the fix.
 */
public final class RoutingFailure extends RuntimeException implements TransactionFailure {
  private static final long serialVersionUID = 1L;

  private final long seqno;
  private final transient NativePosition nativePosition;

  RoutingFailure(String message, long seqno, NativePosition nativePosition) {
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
