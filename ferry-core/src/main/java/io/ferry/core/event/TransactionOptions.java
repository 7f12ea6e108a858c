package io.ferry.core.event;

/** Names of transaction header options that Ferry itself reads. */
public final class TransactionOptions {
  /** "true": the applier must commit right after this transaction (DDL, non-transactional). */
  public static final String COMMIT_REQUIRED = "commit.required";

  /**
   * "true": the source ended the transaction with ROLLBACK (statement or mixed logs, after changes
   * to non-transactional tables): only what a rollback cannot undo stays.
   */
  public static final String ROLLBACK = "rollback";

  /** The name of a heartbeat: a transaction without changes that marks a point in the log. */
  public static final String HEARTBEAT = "heartbeat";

  private TransactionOptions() {}
}
