package io.ferry.cli.thl;

import io.ferry.core.event.Change;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.mysql.apply.ApplySql;
import java.io.PrintWriter;

/**
 * Writes events as a SQL script, with the statements and literals the MariaDB/MySQL applier itself
 * runs ({@link ApplySql}): row changes as INSERT, UPDATE and DELETE located by the key (or the
 * whole before image), statements with their schema and session context. The script starts with the
 * applier's row session (TIMESTAMP values are UTC). Not thread-safe.
 */
public final class EventSql {
  private final PrintWriter out;
  private Transaction first;

  public EventSql(PrintWriter out) {
    this.out = out;
    out.println(ApplySql.rowSession() + ";");
  }

  public void print(ReplEvent event) {
    if (event instanceof Gap g) {
      out.printf("-- seqnos %d to %d: %s%n", g.seqno(), g.toSeqno(), g.reason());
      return;
    }
    Transaction tx = (Transaction) event;
    if (tx.fragno() == 0) {
      first = tx;
      out.printf("-- seqno %d%n", tx.seqno());
      out.println("BEGIN;");
      ApplySql.begin(tx).forEach(sql -> out.println(sql + ";"));
    } else {
      out.printf("-- seqno %d, fragment %d%n", tx.seqno(), tx.fragno());
    }
    for (Change c : tx.changes()) {
      if (c instanceof RowChanges rc) {
        ApplySql.rows(rc).forEach(sql -> out.println(sql + ";"));
      } else if (c instanceof SqlStatement st) {
        ApplySql.statement(st)
            .forEach(
                sql -> out.println(sql.startsWith("--") || sql.endsWith(";") ? sql : sql + ";"));
      } else if (c instanceof RowsQuery q) {
        out.println("-- original statement: " + q.text().replace('\n', ' '));
      }
    }
    if (tx.lastFrag()) {
      ApplySql.end(tx, first == null ? tx : first).forEach(sql -> out.println(sql + ";"));
      out.println("COMMIT;");
      first = null;
    }
  }
}
