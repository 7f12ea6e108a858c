package io.ferry.cli.thl;

import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SessionVariable;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes events as a SQL script: row changes as INSERT, UPDATE and DELETE located by the key (or
 * the whole before image), statements with their schema and session settings. Timestamps are UTC,
 * so the script starts with {@code SET time_zone = '+00:00'}. Not thread-safe.
 */
final class EventSql {
  private final PrintWriter out;
  private String schema;

  EventSql(PrintWriter out) {
    this.out = out;
    out.println("SET time_zone = '+00:00';");
  }

  void print(ReplEvent event) {
    if (event instanceof Gap g) {
      out.printf("-- seqnos %d to %d: %s%n", g.seqno(), g.toSeqno(), g.reason());
      return;
    }
    Transaction tx = (Transaction) event;
    if (tx.fragno() == 0) {
      out.printf("-- seqno %d%n", tx.seqno());
      out.println("BEGIN;");
    } else {
      out.printf("-- seqno %d, fragment %d%n", tx.seqno(), tx.fragno());
    }
    for (Change c : tx.changes()) {
      if (c instanceof RowChanges rc) {
        rows(rc);
      } else if (c instanceof SqlStatement st) {
        statement(st);
      } else if (c instanceof RowsQuery q) {
        out.println("-- original statement: " + q.text().replace('\n', ' '));
      }
    }
    if (tx.lastFrag()) {
      out.println("COMMIT;");
    }
  }

  private void statement(SqlStatement st) {
    if (st.defaultSchema() != null && !st.defaultSchema().equals(schema)) {
      schema = st.defaultSchema();
      out.println("USE " + SqlLiterals.identifier(schema) + ";");
    }
    for (SessionVariable v : st.session()) {
      String target = v.name().startsWith("@") ? v.name() : "@@session." + v.name();
      out.println("SET " + target + " = " + SqlLiterals.literal(v.value()) + ";");
    }
    String text = st.text().strip();
    out.println(text.endsWith(";") ? text : text + ";");
  }

  private void rows(RowChanges rc) {
    String table = SqlLiterals.identifier(rc.schema()) + "." + SqlLiterals.identifier(rc.table());
    List<ColumnSpec> cols = rc.columns();
    for (Row row : rc.rows()) {
      switch (rc.action()) {
        case INSERT -> {
          List<String> names = new ArrayList<>();
          List<String> values = new ArrayList<>();
          for (int i = 0; i < cols.size(); i++) {
            if (rc.afterColumns().contains(i)) {
              names.add(name(cols, i));
              values.add(SqlLiterals.literal(row.after(i)));
            }
          }
          out.printf(
              "INSERT INTO %s (%s) VALUES (%s);%n",
              table, String.join(", ", names), String.join(", ", values));
        }
        case UPDATE -> {
          List<String> sets = new ArrayList<>();
          for (int i = 0; i < cols.size(); i++) {
            if (rc.afterColumns().contains(i)) {
              sets.add(name(cols, i) + " = " + SqlLiterals.literal(row.after(i)));
            }
          }
          out.printf(
              "UPDATE %s SET %s WHERE %s;%n",
              table, String.join(", ", sets), where(cols, rc.beforeColumns(), row));
        }
        case DELETE ->
            out.printf("DELETE FROM %s WHERE %s;%n", table, where(cols, rc.beforeColumns(), row));
      }
    }
  }

  private static String where(List<ColumnSpec> cols, ColumnMask before, Row row) {
    boolean hasKey = false;
    for (int i = 0; i < cols.size(); i++) {
      hasKey |= cols.get(i).key() && before.contains(i);
    }
    List<String> terms = new ArrayList<>();
    for (int i = 0; i < cols.size(); i++) {
      if (!before.contains(i) || (hasKey && !cols.get(i).key())) {
        continue;
      }
      Object v = row.before(i);
      terms.add(name(cols, i) + (v == null ? " IS NULL" : " = " + SqlLiterals.literal(v)));
    }
    return String.join(" AND ", terms) + (hasKey ? "" : " LIMIT 1");
  }

  private static String name(List<ColumnSpec> cols, int i) {
    ColumnSpec c = cols.get(i);
    return c.name() != null ? SqlLiterals.identifier(c.name()) : c.displayName(i);
  }
}
