package io.ferry.mysql.apply;

import java.sql.SQLException;

/**
 * A row or statement the target refused or could not take, with what and where: the table, the
 * statement's text, the row (its key or values), and the server's error. The applier adds the seqno
 * and native position and turns it into an {@link ApplyException}.
 */
final class RowApplyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final String schema;
  final String table;
  final String sql;
  final String row;
  final SQLException sqlError;
  private transient Object owner;

  RowApplyException(SQLException cause, String schema, String table, String sql, String row) {
    this(cause, schema, table, sql, row, cause == null ? "failed" : cause.getMessage());
  }

  RowApplyException(
      SQLException cause, String schema, String table, String sql, String row, String message) {
    super(message, cause);
    this.schema = schema;
    this.table = table;
    this.sql = sql;
    this.row = row;
    this.sqlError = cause;
  }

  /** Records what the failing row belongs to (the applier's transaction). */
  RowApplyException owner(Object o) {
    this.owner = o;
    return this;
  }

  Object owner() {
    return owner;
  }
}
