package io.ferry.mysql.apply;

import io.ferry.core.event.Action;
import io.ferry.mysql.apply.ConflictResolver.Realign;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.StringJoiner;

/**
 * Sends the rows of resolved conflicts to the other sites, as MySQL Cluster's realignment events
 * do: after the block that resolved them commits, each row is written again on its own connection
 * that logs to the target's binlog under the target's own server id, so the site's master service
 * reads it as a local change and every other site applies it. A row the target has is deleted and
 * inserted again with its exact values (copied through a temporary table, which row-based logging
 * does not log; foreign key checks off, so nothing cascades); a row the target does not have is
 * inserted with the change's image and deleted, so the other sites delete it too. Then the conflict
 * is marked {@code done} in a transaction of its own that is not logged. A crash between the two
 * leaves it {@code pending}, and it is sent again at the next start (applying it twice leaves the
 * same row). Not thread-safe: one applier.
 */
final class Realigner {
  private final ConflictLog log;
  private final String service;
  private final String scratch;
  private long sent;

  /**
   * @param catalogSchema the catalog, where the row's copy lives for a moment (a temporary table)
   */
  Realigner(ConflictLog log, String service, String catalogSchema) {
    this.log = log;
    this.service = service;
    this.scratch = quote(catalogSchema) + ".`realign_copy`";
  }

  long sent() {
    return sent;
  }

  /** Sends the realignments on {@code c} (autocommit off, logging to the binlog). */
  void send(Connection c, RowApplier tables, List<Realign> realigns) throws SQLException {
    for (Realign r : realigns) {
      try (Statement st = c.createStatement()) {
        st.execute("SET SESSION foreign_key_checks = 0, @ferry_service = '" + service + "'");
        emit(st, tables, r);
        c.commit();
        st.execute("SET SESSION sql_log_bin = 0");
        log.realigned(c, r.id(), "done");
        c.commit();
        st.execute("SET SESSION sql_log_bin = 1, foreign_key_checks = 1");
        sent++;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private void emit(Statement st, RowApplier tables, Realign r) throws SQLException {
    String table = RowStatements.quote(r.keyShape().schema()) + "." + quote(r.keyShape().table());
    StringBuilder where = new StringBuilder();
    for (int k = 0; k < r.keyShape().whereColumns().size(); k++) {
      int i = r.keyShape().whereColumns().get(k);
      where.append(k == 0 ? "" : " AND ").append(quote(r.keyShape().names().get(i))).append(" = ");
      ExactLiterals.append(where, r.key().before(i));
    }
    boolean exists;
    try (var rs = st.executeQuery("SELECT 1 FROM " + table + " WHERE " + where + " FOR UPDATE")) {
      exists = rs.next();
    }
    if (exists) {
      TargetTable t = tables.table(r.keyShape().schema(), r.keyShape().table());
      StringJoiner cols = new StringJoiner(", ");
      for (String col : t.columns()) {
        if (!t.isGenerated(col) && !col.startsWith("db_row_hash_")) {
          cols.add(quote(col));
        }
      }
      String tmp = scratch;
      st.execute("DROP TEMPORARY TABLE IF EXISTS " + tmp);
      st.execute("CREATE TEMPORARY TABLE " + tmp + " LIKE " + table);
      st.execute(
          "INSERT INTO "
              + tmp
              + " ("
              + cols
              + ") SELECT "
              + cols
              + " FROM "
              + table
              + " WHERE "
              + where);
      st.execute("DELETE FROM " + table + " WHERE " + where);
      st.execute("INSERT INTO " + table + " (" + cols + ") SELECT " + cols + " FROM " + tmp);
      st.execute("DROP TEMPORARY TABLE " + tmp);
    } else {
      // the target has no row: one that appears and goes carries the delete to the other sites
      RowStatements.Shape s = r.keyShape();
      io.ferry.core.event.Row c = r.change();
      List<Object> image = c.hasAfter() ? c.afterImage() : c.beforeImage();
      List<Integer> columns =
          RowStatements.written(s.names(), tables.table(s.schema(), s.table()), image.size());
      st.execute(
          RowStatements.render(
              s.as(Action.INSERT, columns, List.of()),
              io.ferry.core.event.Row.insert(image.toArray())));
      st.execute("DELETE FROM " + table + " WHERE " + where);
    }
  }

  private static String quote(String name) {
    return RowStatements.quote(name);
  }
}
