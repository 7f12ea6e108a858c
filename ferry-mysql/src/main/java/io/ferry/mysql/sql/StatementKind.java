package io.ferry.mysql.sql;

/**
 * What a logged SQL statement is, as far as transaction boundaries, blocks and crash safety are
 * concerned. Decided by {@link StatementClassifier}; every part of Ferry that cares asks it.
 */
public enum StatementKind {
  /** {@code BEGIN}, {@code START TRANSACTION}: a transaction starts. */
  BEGIN,
  /** {@code COMMIT}: the transaction ends (the source logs it for non-transactional changes). */
  COMMIT,
  /** {@code ROLLBACK}: the transaction ends and its transactional changes are undone. */
  ROLLBACK,
  /** {@code SAVEPOINT name}: stays inside its transaction. */
  SAVEPOINT,
  /** {@code ROLLBACK [WORK] TO [SAVEPOINT] name}: stays inside its transaction. */
  ROLLBACK_TO_SAVEPOINT,
  /** {@code RELEASE SAVEPOINT name}: stays inside its transaction. */
  RELEASE_SAVEPOINT,
  /** {@code XA START|BEGIN}. */
  XA_START,
  /** {@code XA END}. */
  XA_END,
  /** {@code XA PREPARE}. */
  XA_PREPARE,
  /** {@code XA COMMIT}. */
  XA_COMMIT,
  /** {@code XA ROLLBACK}. */
  XA_ROLLBACK,
  /**
   * Data definition: creates, changes or drops a database object or an account (tables, indexes,
   * views, routines, triggers, events, sequences, users, roles, servers). Commits implicitly.
   */
  DDL,
  /**
   * Not DDL, but commits implicitly on the server: table maintenance ({@code ANALYZE}, {@code
   * OPTIMIZE}, {@code REPAIR}, {@code CHECK}), {@code FLUSH}, {@code RESET}, {@code SET PASSWORD},
   * {@code LOCK}/{@code UNLOCK TABLES}, key caches, plugins, replication control.
   */
  IMPLICIT_COMMIT,
  /**
   * {@code CREATE}/{@code DROP TEMPORARY TABLE}: no implicit commit; the table lives in the
   * session.
   */
  TEMPORARY_TABLE,
  /** Plain data manipulation: INSERT, UPDATE, DELETE, REPLACE, LOAD DATA, SELECT, DO, CALL. */
  DML,
  /**
   * Anything else (compound statements, statements Ferry does not know). Treated as the safe kind:
   * its own block, marked in doubt while it runs.
   */
  UNKNOWN;

  /** Whether the statement ends the transaction before it and commits by itself. */
  public boolean commitsImplicitly() {
    return this == DDL || this == IMPLICIT_COMMIT;
  }

  /** Whether the statement may change table definitions (for schema histories and caches). */
  public boolean changesSchema() {
    return this == DDL || this == UNKNOWN;
  }

  /** Savepoints: kept inside their transaction; they name no schema. */
  public boolean isSavepoint() {
    return this == SAVEPOINT || this == ROLLBACK_TO_SAVEPOINT || this == RELEASE_SAVEPOINT;
  }

  /** Whether applying it must be its own block with an in-doubt mark. */
  public boolean needsOwnBlock() {
    return commitsImplicitly() || this == UNKNOWN;
  }

  /** A short lower-case name for people ({@code ddl}, {@code implicit-commit}, ...). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
