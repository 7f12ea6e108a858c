package io.ferry.mysql.apply;

import io.ferry.core.pipeline.Retriable;
import io.ferry.core.pipeline.TransactionFailure;
import io.ferry.core.position.NativePosition;
import java.sql.SQLException;

/**
 * Applying a transaction to the target failed. Carries everything a DBA needs to act: the seqno and
 * native position, the table, the statement and row, the server's error code, SQL state and
 * message, and what to do. {@link #isRetriable()} says whether trying again may help (decided by
 * {@link ApplyErrors} for server errors).
 */
public final class ApplyException extends RuntimeException
    implements Retriable, TransactionFailure {
  private static final long serialVersionUID = 1L;

  private final long seqno;
  private final transient NativePosition nativePosition;
  private final String table;
  private final String statement;
  private final String row;
  private final int errorCode;
  private final String sqlState;
  private final String serverMessage;
  private final boolean retriable;

  ApplyException(
      String message,
      long seqno,
      NativePosition nativePosition,
      String table,
      String statement,
      String row,
      SQLException cause,
      boolean retriable) {
    super(message, cause);
    this.seqno = seqno;
    this.nativePosition = nativePosition;
    this.table = table;
    this.statement = statement;
    this.row = row;
    this.errorCode = cause == null ? 0 : cause.getErrorCode();
    this.sqlState = cause == null ? null : cause.getSQLState();
    this.serverMessage = cause == null ? null : cause.getMessage();
    this.retriable = retriable;
  }

  /** The seqno being applied, or -1 when the failure was not in a transaction. */
  @Override
  public long seqno() {
    return seqno;
  }

  @Override
  public NativePosition nativePosition() {
    return nativePosition;
  }

  /** {@code schema.table}, or null. */
  public String table() {
    return table;
  }

  /** The statement that failed (row statements with {@code ?} for values), or null. */
  public String statement() {
    return statement;
  }

  /** The row: the key that located it, or the inserted values; or null. */
  public String row() {
    return row;
  }

  /** The server's error code, or 0 when the target did not report one. */
  public int errorCode() {
    return errorCode;
  }

  public String sqlState() {
    return sqlState;
  }

  public String serverMessage() {
    return serverMessage;
  }

  @Override
  public boolean isRetriable() {
    return retriable;
  }

  private boolean atOnce;

  /** Marks the retry as one that needs no wait (see {@link Retriable#retryAtOnce}). */
  ApplyException atOnce() {
    this.atOnce = true;
    return this;
  }

  @Override
  public boolean retryAtOnce() {
    return atOnce;
  }
}
