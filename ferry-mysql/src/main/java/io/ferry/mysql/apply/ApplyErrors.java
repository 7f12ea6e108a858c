package io.ferry.mysql.apply;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * The one place that decides which target errors may pass if the applier tries again: a lost or
 * refused connection, a server shutting down, a deadlock, a lock wait timeout, too many
 * connections. Everything else (a duplicate key, a missing table, a syntax error, a denied
 * privilege) is the same on every try and stops the service. Stateless.
 */
public final class ApplyErrors {
  private ApplyErrors() {}

  /** Server error codes that time can fix. */
  private static final Set<Integer> TRANSIENT_CODES =
      Set.of(
          1040, // too many connections
          1053, // server shutdown in progress
          1077, // normal shutdown
          1078, // got signal, aborting
          1079, // shutdown complete
          1152, // aborted connection
          1158, // got an error reading communication packets
          1159, // got timeout reading communication packets
          1160, // got an error writing communication packets
          1161, // got timeout writing communication packets
          1205, // lock wait timeout exceeded
          1213, // deadlock found
          1317, // query execution was interrupted
          1927, // connection was killed
          2002, // cannot connect through socket
          2003, // cannot connect to server
          2006, // server has gone away
          2013 // lost connection during query
          );

  /**
   * Whether trying again (after a rollback and a reconnect) can succeed. A server error code
   * decides by itself; the exception's class does not (the MariaDB driver reports server errors
   * with unusual SQL states, such as a trigger's SIGNAL, as "transient connection" exceptions).
   * Without a server code (the driver's own errors), a lost connection or I/O failure may pass.
   */
  public static boolean isTransient(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (!(t instanceof SQLException s)) {
        if (t instanceof java.io.IOException) {
          return true;
        }
        continue;
      }
      int code = s.getErrorCode();
      String state = s.getSQLState();
      if (code > 0) {
        return TRANSIENT_CODES.contains(code) || "40001".equals(state);
      }
      if (s instanceof SQLTransientConnectionException
          || s instanceof SQLNonTransientConnectionException
          || (state != null && state.startsWith("08"))) {
        return true;
      }
    }
    return false;
  }
}
