package io.ferry.mysql.apply;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What status reads from a MariaDB/MySQL target's catalog besides positions, each on a connection
 * of its own: the conflicts (multi-master) and the consistency checks. Stateless.
 */
public final class CatalogReads {
  private CatalogReads() {}

  /**
   * The conflicts in the catalog's exceptions table, newest first (empty when there is none).
   *
   * @param table {@code schema.table} or {@code table}, or null for all
   * @param since those detected at or after, or null
   */
  public static List<ConflictLog.Entry> conflicts(
      TargetSettings target, String schema, String table, Instant since, int limit) {
    try (Connection c = target.connect();
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT 1 FROM information_schema.tables WHERE table_schema = '"
                  + schema
                  + "' AND table_name = 'conflicts'")) {
        if (!rs.next()) {
          return List.of();
        }
      }
      return ConflictLog.list(c, schema, table, since, limit);
    } catch (SQLException e) {
      throw failed(target, schema + ".conflicts", e, "");
    }
  }

  /** The consistency checks recorded in the catalog (see {@link ChunkChecks#results}). */
  public static Map<String, Object> checks(
      TargetSettings target, String schema, String checkId, int runs) {
    try (Connection c = target.connect()) {
      return ChunkChecks.results(c, schema, checkId, runs);
    } catch (SQLException e) {
      throw failed(
          target,
          schema + ".checks",
          e,
          e.getErrorCode() == 1146 ? " (the service has not applied anything yet)" : "");
    }
  }

  private static IllegalStateException failed(
      TargetSettings target, String what, SQLException e, String hint) {
    return new IllegalStateException(
        "cannot read " + what + " on " + target.address() + ": " + e.getMessage() + hint, e);
  }
}
