package io.ferry.warehouse;

import io.ferry.core.pipeline.Retriable;
import io.ferry.core.pipeline.TransactionFailure;
import io.ferry.core.position.NativePosition;
import io.ferry.core.target.TargetException;

/**
 * A failure of the warehouse applier, with the transaction it concerns and whether a retry from the
 * last commit may pass (a lost connection to a PostgreSQL store).
 */
public final class WarehouseException extends TargetException
    implements TransactionFailure, Retriable {
  private static final long serialVersionUID = 1L;

  private final long seqno;
  private final transient NativePosition nativePosition;
  private final boolean retriable;

  WarehouseException(
      String message, long seqno, NativePosition pos, boolean retriable, Throwable cause) {
    super(message, cause);
    this.seqno = seqno;
    this.nativePosition = pos;
    this.retriable = retriable;
  }

  @Override
  public long seqno() {
    return seqno;
  }

  @Override
  public NativePosition nativePosition() {
    return nativePosition;
  }

  @Override
  public boolean isRetriable() {
    return retriable;
  }
}
