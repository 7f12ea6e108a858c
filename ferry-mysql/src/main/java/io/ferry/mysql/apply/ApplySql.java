package io.ferry.mysql.apply;

import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.value.Charsets;
import io.ferry.mysql.sql.StatementClassifier;
import io.ferry.mysql.sql.StatementKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL the MariaDB/MySQL applier runs, for tools that show it ({@code thl list --sql}): the same
 * statement shapes, the same exact literals, the same session around them ({@code @ferry_service}
 * set for rows and NULL for statements, a transaction's own check settings, the savepoint a group
 * that ends in ROLLBACK rolls back to). Without a target at hand, rows are located by the source's
 * key columns (the applier uses the target's keys, the same unless the target's table differs), and
 * every column the source logged is written (the applier leaves out columns the target generates).
 * Stateless.
 */
public final class ApplySql {
  /** The value of {@code @ferry_service} in a script (the applier uses its service's name). */
  private static final String SCRIPT_TAG = "thl-list";

  private ApplySql() {}

  /** The settings the applier's row session starts with. */
  public static String rowSession() {
    return "SET SESSION time_zone = '+00:00', sql_mode = '"
        + StatementApplier.ROW_SQL_MODE
        + "', foreign_key_checks = 1, unique_checks = 1, @ferry_service = "
        + ExactLiterals.of(SCRIPT_TAG);
  }

  /** What the applier runs when a transaction begins: its check settings, its savepoint. */
  public static List<String> begin(Transaction tx) {
    List<String> sql = new ArrayList<>();
    for (String option : new String[] {"foreign_key_checks", "unique_checks"}) {
      if ("0".equals(tx.header().option(option))) {
        sql.add("SET SESSION " + option + " = 0");
      }
    }
    if (!tx.lastFrag() || rolledBack(tx)) {
      sql.add("SAVEPOINT ferry_group");
    }
    return sql;
  }

  /** What the applier runs when a transaction ends, before the commit. */
  public static List<String> end(Transaction tx, Transaction first) {
    List<String> sql = new ArrayList<>();
    if (rolledBack(tx)) {
      sql.add("ROLLBACK TO SAVEPOINT ferry_group");
    }
    for (String option : new String[] {"foreign_key_checks", "unique_checks"}) {
      if ("0".equals(first.header().option(option))) {
        sql.add("SET SESSION " + option + " = 1");
      }
    }
    return sql;
  }

  private static boolean rolledBack(Transaction tx) {
    return "true".equals(tx.header().option(TransactionOptions.ROLLBACK));
  }

  /** One statement per row of the change. */
  public static List<String> rows(RowChanges rc) {
    RowStatements.Shape shape = RowStatements.forSource(rc, RowStatements.names(rc));
    List<String> sql = new ArrayList<>(rc.rows().size());
    for (Row row : rc.rows()) {
      sql.add(RowStatements.render(shape, row));
    }
    return sql;
  }

  /**
   * What the applier runs for a logged statement: {@code USE} its default schema, {@code SET} its
   * session context, the statement, and the {@code SET} that gives the row session back. A LOAD
   * DATA statement is shown as logged (the applier sends the logged file as LOCAL INFILE); XA
   * boundaries, which the applier passes over, as comments.
   */
  public static List<String> statement(SqlStatement st) {
    StatementKind kind =
        StatementClassifier.classify(st.unsafeSql(), Charsets.forSqlName(st.charset()));
    switch (kind) {
      case XA_START, XA_END, XA_PREPARE, XA_COMMIT -> {
        return List.of("-- passed over by the applier: " + st.text().strip().replace('\n', ' '));
      }
      default -> {
        // applied
      }
    }
    StatementApplier.Context context;
    try {
      context = StatementApplier.Context.of(st);
    } catch (IllegalArgumentException e) {
      return List.of("-- cannot be applied: " + e.getMessage(), "-- " + st.text().strip());
    }
    List<String> sql = new ArrayList<>();
    if (st.defaultSchema() != null && !st.defaultSchema().isEmpty()) {
      sql.add("USE " + RowStatements.quote(st.defaultSchema()));
    }
    List<String> sets = context.assignments();
    sets.add("@ferry_service = NULL");
    sql.add("SET " + String.join(", ", sets));
    String text = st.text().strip();
    int lastLine = text.lastIndexOf('\n');
    String tail = text.substring(lastLine + 1);
    // a statement that ends in a comment gets its terminator on a line of its own
    sql.add(tail.contains("--") || tail.contains("#") ? text + "\n" : text);
    List<String> restore =
        StatementApplier.restoring(context.settings().keySet(), "utf8mb4_general_ci");
    restore.add("@ferry_service = " + ExactLiterals.of(SCRIPT_TAG));
    sql.add("SET " + String.join(", ", restore));
    return sql;
  }
}
