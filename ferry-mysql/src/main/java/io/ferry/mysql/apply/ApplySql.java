package io.ferry.mysql.apply;

import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL the MariaDB/MySQL applier runs, for tools that show it ({@code thl list --sql}): the same
 * statement shapes and the same exact literals. Without a target at hand, rows are located by the
 * source's key columns (the applier uses the target's keys, the same unless the target's table
 * differs), and every column the source logged is written (the applier leaves out columns the
 * target generates). Stateless.
 */
public final class ApplySql {
  private ApplySql() {}

  /** The settings the applier's row session starts with. */
  public static String rowSession() {
    return "SET SESSION time_zone = '+00:00', sql_mode = '"
        + StatementApplier.ROW_SQL_MODE
        + "', foreign_key_checks = 1, unique_checks = 1";
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
   * DATA statement is shown as logged (the applier sends the logged file as LOCAL INFILE).
   */
  public static List<String> statement(SqlStatement st) {
    StatementApplier.Context context = StatementApplier.Context.of(st);
    List<String> sql = new ArrayList<>();
    if (st.defaultSchema() != null && !st.defaultSchema().isEmpty()) {
      sql.add("USE " + RowStatements.quote(st.defaultSchema()));
    }
    List<String> sets = context.assignments();
    if (!sets.isEmpty()) {
      sql.add("SET " + String.join(", ", sets));
    }
    sql.add(st.text().strip());
    List<String> restore =
        StatementApplier.restoring(context.settings().keySet(), "utf8mb4_general_ci");
    if (!restore.isEmpty()) {
      sql.add("SET " + String.join(", ", restore));
    }
    return sql;
  }
}
