package io.ferry.filters;

import io.ferry.core.event.SqlStatement;
import io.ferry.core.filter.SchemaView;
import io.ferry.core.value.Charsets;
import io.ferry.mysql.sql.DdlScope;
import io.ferry.mysql.sql.StatementClassifier;
import io.ferry.mysql.sql.StatementKind;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Keeps a {@link SchemaView}'s answers in step with the statements that pass a filter: after a
 * statement that may change table definitions (DDL, or a statement of unknown kind) it makes the
 * view forget the schemas that statement may have changed, as {@link DdlScope} tells them; when
 * that cannot be told, every schema the filter has asked about. Belongs to one filter instance (one
 * thread); not thread-safe.
 */
final class SchemaChanges {
  private final Set<String> asked = new LinkedHashSet<>();

  /** Notes a schema the filter asked the view about. */
  void asked(String schema) {
    asked.add(schema);
  }

  /**
   * Makes the view forget what the statement may have changed; returns the schemas forgotten (empty
   * when the statement changes no definition).
   */
  Set<String> passed(SqlStatement st, SchemaView view) {
    StatementKind kind =
        StatementClassifier.classify(st.unsafeSql(), Charsets.forSqlName(st.charset()));
    if (!kind.changesSchema()) {
      return Set.of();
    }
    Set<String> scope =
        kind == StatementKind.DDL
            ? DdlScope.schemasOf(st.defaultSchema(), StatementClassifier.unwrap(st.text()))
            : null;
    Set<String> forget = new LinkedHashSet<>();
    if (scope != null) {
      forget.addAll(scope);
    } else {
      forget.addAll(asked);
      if (st.defaultSchema() != null && !st.defaultSchema().isEmpty()) {
        forget.add(st.defaultSchema());
      }
    }
    for (String schema : forget) {
      view.forget(schema, null);
    }
    return forget;
  }
}
