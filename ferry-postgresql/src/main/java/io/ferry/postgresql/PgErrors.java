package io.ferry.postgresql;

import java.sql.SQLException;
import java.util.Set;

/**
 * The one place that decides which PostgreSQL errors may pass when the applier tries again, by SQL
 * state: a lost or refused connection (class 08), a server shutting down or starting (57P01, 57P02,
 * 57P03), a query canceled by an administrator or a timeout (57014), a serialization failure or
 * deadlock (40001, 40P01), a lock not available (55P03), too many connections or other resources
 * short for now (class 53). Everything else (a duplicate key, a missing table, a type error, a
 * denied privilege) is the same on every try and stops the service. Without a SQL state (the
 * driver's own I/O errors), a broken connection may pass. Stateless.
 */
public final class PgErrors {
  private PgErrors() {}

  private static final Set<String> TRANSIENT =
      Set.of("57P01", "57P02", "57P03", "57014", "40001", "40P01", "55P03");

  /** Whether trying again (after a rollback and a reconnect) can succeed. */
  public static boolean isTransient(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.IOException) {
        return true;
      }
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        if (state.startsWith("08") || state.startsWith("53") || TRANSIENT.contains(state)) {
          return true;
        }
      }
      if (t instanceof SQLException s
          && s.getNextException() != null
          && s.getNextException() != t
          && isTransient(s.getNextException())) {
        return true;
      }
    }
    return false;
  }
}
