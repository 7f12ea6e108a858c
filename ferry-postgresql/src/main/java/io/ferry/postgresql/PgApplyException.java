package io.ferry.postgresql;

import io.ferry.core.pipeline.Retriable;
import io.ferry.core.pipeline.TransactionFailure;
import io.ferry.core.position.NativePosition;

/**
 * Applying to PostgreSQL failed. The message names the service, seqno and native position, the
 * table and row, the server's address and error, and what to do; {@link #isRetriable()} says
 * whether trying again may help (decided by {@link PgErrors} for server errors).
 */
public final class PgApplyException extends RuntimeException
    implements Retriable, TransactionFailure {
  private static final long serialVersionUID = 1L;

  private final long seqno;
  private final transient NativePosition nativePosition;
  private final String table;
  private final boolean retriable;
  private final boolean atOnce;

  PgApplyException(
      String message,
      Throwable cause,
      long seqno,
      NativePosition nativePosition,
      String table,
      boolean retriable,
      boolean atOnce) {
    super(message, cause);
    this.seqno = seqno;
    this.nativePosition = nativePosition;
    this.table = table;
    this.retriable = retriable;
    this.atOnce = atOnce;
  }

  @Override
  public long seqno() {
    return seqno;
  }

  @Override
  public NativePosition nativePosition() {
    return nativePosition;
  }

  /** {@code schema.table} in PostgreSQL, or null. */
  public String table() {
    return table;
  }

  @Override
  public boolean isRetriable() {
    return retriable;
  }

  @Override
  public boolean retryAtOnce() {
    return atOnce;
  }
}
