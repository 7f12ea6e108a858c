package io.ferry.filters;

import io.ferry.core.event.Change;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import io.ferry.filters.StatementScope.TableName;
import io.ferry.mysql.sql.StatementKind;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Drops temporary-table traffic and scratch schemas (see {@link DropTempFilterFactory}). Keeps the
 * names of the temporary tables created earlier in the log and not dropped since, for every session
 * at once: two sessions with a temporary table of one name are not told apart, and the names are
 * forgotten when the filter restarts. Thread-compatible (one task thread, transactions in order).
 */
final class DropTempFilter implements Filter {
  private final String name;
  private final List<NamePattern> schemas;
  private final Set<TableName> temporary = new HashSet<>();

  DropTempFilter(String name, List<NamePattern> schemas) {
    this.name = name;
    this.schemas = schemas;
  }

  private boolean scratch(String schema) {
    for (NamePattern p : schemas) {
      if (p.matchesSchema(schema)) {
        return true;
      }
    }
    return false;
  }

  /** The temporary tables it believes exist now (for tests and status). */
  Set<TableName> temporaryTables() {
    return Set.copyOf(temporary);
  }

  @Override
  public Transaction filter(Transaction tx) {
    if (tx.heartbeat() != null || tx.changes().isEmpty()) {
      return tx;
    }
    return ChangeEdit.apply(tx, this::edit);
  }

  private Change edit(Change c) {
    if (c instanceof RowChanges rc) {
      return scratch(rc.schema()) ? null : rc;
    }
    if (!(c instanceof SqlStatement s)) {
      return c;
    }
    StatementScope scope = StatementScope.of(s);
    if (scope.kind() == StatementKind.TEMPORARY_TABLE) {
      if (scope.verb().equals("CREATE")) {
        temporary.addAll(scope.tables());
      } else {
        temporary.removeAll(scope.tables());
      }
      return null;
    }
    boolean dml = scope.kind() == StatementKind.DML;
    StatementScope.Verdict v =
        scope.route(
            (schema, table) ->
                !scratch(schema) && !(dml && temporary.contains(new TableName(schema, table))),
            schema -> !scratch(schema));
    return v == StatementScope.Verdict.DROP ? null : s;
  }

  @Override
  public String name() {
    return name;
  }
}
