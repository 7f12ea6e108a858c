package io.ferry.mongodb;

import io.ferry.core.pipeline.Retriable;
import io.ferry.core.pipeline.TransactionFailure;
import io.ferry.core.position.NativePosition;
import io.ferry.core.target.TargetException;

/**
 * Applying to MongoDB failed: the message names the service, seqno, table, server and what to do
 * next; {@link #isRetriable()} says whether trying again from the last commit may help (a lost
 * connection, an election, a transient transaction error).
 */
public final class MongoApplyException extends TargetException
    implements Retriable, TransactionFailure {
  private static final long serialVersionUID = 1L;

  private final long seqno;
  private final transient NativePosition nativePosition;
  private final boolean retriable;

  MongoApplyException(
      String message,
      long seqno,
      NativePosition nativePosition,
      boolean retriable,
      Throwable cause) {
    super(message, cause);
    this.seqno = seqno;
    this.nativePosition = nativePosition;
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
