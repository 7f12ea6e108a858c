package io.ferry.mysql.apply;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.StringJoiner;

/**
 * Sends the rows of resolved conflicts to the other sites, as MySQL Cluster's realignment events
 * do: after the block that resolved them commits, each row is written again on its own connection
 * that logs to the target's binlog (row format) under the target's own server id, so the site's
 * master service reads it as a local change and every other site applies it. A row the target has
 * is deleted and inserted again with its exact values (copied through a temporary table, which
 * row-based logging does not log; foreign key checks off, so nothing cascades, here or where the
 * change is applied); a row the target does not have is inserted with the change's image and
 * deleted, so the other sites delete it too. What a realignment needs is in its exceptions-table
 * row (the key as an exact SQL condition, the image's INSERT), and the row is marked {@code done}
 * in a transaction of its own that is not logged: a crash in between leaves it {@code pending}, and
 * it is sent again (sending it twice leaves the same row). Not thread-safe: one applier.
 */
final class Realigner {
  private final ConflictLog log;
  private final String service;
  private final String scratch;

  /**
   * @param catalogSchema the catalog, where a row's copy lives for a moment (a temporary table)
   */
  Realigner(ConflictLog log, String service, String catalogSchema) {
    this.log = log;
    this.service = service;
    this.scratch = RowStatements.quote(catalogSchema) + ".`realign_copy`";
  }

  /** Readies a connection for realignments (autocommit off, logging in row format). */
  static void prepare(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET SESSION binlog_format = 'ROW'");
    }
  }

  /** Sends realignments on {@code c}, each in its own transaction. */
  void send(Connection c, RowApplier tables, List<ConflictLog.PendingRealign> realigns)
      throws SQLException {
    for (ConflictLog.PendingRealign r : realigns) {
      try (Statement st = c.createStatement()) {
        st.execute(
            "SET SESSION foreign_key_checks = 0, @ferry_service = "
                + "'"
                + service.replace("'", "''")
                + "'");
        emit(st, tables, r);
        c.commit();
        st.execute("SET SESSION sql_log_bin = 0");
        log.realigned(c, r.id(), "done");
        c.commit();
        st.execute("SET SESSION sql_log_bin = 1, foreign_key_checks = 1");
      } catch (SQLException e) {
        c.rollback();
        throw new SQLException(
            "realigning `"
                + r.schema()
                + "`.`"
                + r.table()
                + "` where "
                + r.where()
                + " (conflict "
                + r.id()
                + "): "
                + e.getMessage(),
            e.getSQLState(),
            e.getErrorCode(),
            e);
      }
    }
  }

  private void emit(Statement st, RowApplier tables, ConflictLog.PendingRealign r)
      throws SQLException {
    String table = RowStatements.quote(r.schema()) + "." + RowStatements.quote(r.table());
    boolean exists;
    try (ResultSet rs =
        st.executeQuery("SELECT 1 FROM " + table + " WHERE " + r.where() + " FOR UPDATE")) {
      exists = rs.next();
    }
    if (exists) {
      TargetTable t = tables.table(r.schema(), r.table());
      StringJoiner cols = new StringJoiner(", ");
      for (String col : t.columns()) {
        if (!t.isGenerated(col) && !col.startsWith("db_row_hash_")) {
          cols.add(RowStatements.quote(col));
        }
      }
      st.execute("DROP TEMPORARY TABLE IF EXISTS " + scratch);
      st.execute("CREATE TEMPORARY TABLE " + scratch + " LIKE " + table);
      st.execute(
          "INSERT INTO "
              + scratch
              + " ("
              + cols
              + ") SELECT "
              + cols
              + " FROM "
              + table
              + " WHERE "
              + r.where());
      st.execute("DELETE FROM " + table + " WHERE " + r.where());
      st.execute("INSERT INTO " + table + " (" + cols + ") SELECT " + cols + " FROM " + scratch);
      st.execute("DROP TEMPORARY TABLE " + scratch);
    } else if (r.insert() != null) {
      // the target has no row: one that appears and goes carries the delete to the other sites
      st.execute(r.insert());
      st.execute("DELETE FROM " + table + " WHERE " + r.where());
    }
  }
}
