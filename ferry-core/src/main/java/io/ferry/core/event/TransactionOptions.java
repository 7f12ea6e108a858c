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

  /**
   * The id of a consistency check run: the transaction is a check marker (a chunk's checksum the
   * source took at this point of its log) or a repair (a chunk's rows re-sent); its other options
   * start with {@code check.}. Every target that checks runs alone for it (a barrier).
   */
  public static final String CHECK = "check";

  /** What a check transaction is: {@code chunk}, {@code end} or {@code repair}. */
  public static final String CHECK_KIND = "check.kind";

  private TransactionOptions() {}
}
