package io.ferry.filters;

import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import io.ferry.filters.StatementScope.TableName;
import io.ferry.mysql.sql.SqlTokenizer;
import io.ferry.mysql.sql.SqlTokenizer.Kind;
import io.ferry.mysql.sql.SqlTokenizer.Token;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renames schemas, tables and columns (see {@link RenameFilterFactory}). Row changes are renamed
 * whole; statements only by their default schema, since their text is never edited. Each fragment
 * is renamed on its own, all alike. Row-query annotations keep the source's text (they are for
 * people, never applied), and the transaction's shard stays the source's schema (it only groups
 * transactions for parallel apply). Thread-compatible (one task thread).
 */
final class RenameFilter implements Filter {
  private static final Logger log = LoggerFactory.getLogger(RenameFilter.class);

  /** How much of a statement's text is searched for qualified names. */
  private static final int SCAN_CHARS = 64 * 1024;

  /** The longest part of a statement quoted in an error. */
  private static final int QUOTE = 200;

  private final String name;
  private final RenameRules rules;
  private final boolean fail;
  private final Set<String> warned = new HashSet<>();
  private final TableCache<RenameRules.Renamed> tables = new TableCache<>();

  RenameFilter(String name, RenameRules rules, boolean fail) {
    this.name = name;
    this.rules = rules;
    this.fail = fail;
  }

  /** The names warned about so far (tests). */
  Set<String> warned() {
    return Set.copyOf(warned);
  }

  @Override
  public Transaction filter(Transaction tx) {
    Transaction t = renameMarker(tx);
    if (t.changes().isEmpty()) {
      return t;
    }
    return ChangeEdit.apply(t, c -> edit(t, c));
  }

  /** A check or repair marker names its table: renamed like the table's rows. */
  private Transaction renameMarker(Transaction tx) {
    io.ferry.mysql.check.ChunkMarker m = io.ferry.mysql.check.ChunkMarker.of(tx.header().options());
    if (m == null) {
      return tx;
    }
    RenameRules.Renamed t = tables.get(m.schema(), m.table(), rules::table);
    if (!t.changed(m.schema(), m.table())) {
      return tx;
    }
    java.util.Map<String, String> options = new java.util.TreeMap<>(tx.header().options());
    m.renamed(t.name(0), t.name(1)).into(options);
    io.ferry.core.event.TransactionHeader h = tx.header();
    for (java.util.Map.Entry<String, String> e : options.entrySet()) {
      h = h.withOption(e.getKey(), e.getValue());
    }
    return tx.withHeader(h);
  }

  private Change edit(Transaction tx, Change c) {
    if (c instanceof RowChanges rc) {
      return rename(rc);
    }
    if (c instanceof SqlStatement s) {
      return rename(tx, s);
    }
    return c;
  }

  private RowChanges rename(RowChanges rc) {
    RenameRules.Renamed t = tables.get(rc.schema(), rc.table(), rules::table);
    boolean changed = t.changed(rc.schema(), rc.table());
    List<ColumnSpec> columns = rc.columns();
    if (rules.columnRuleOf(rc.schema(), rc.table()) != null) {
      List<ColumnSpec> renamed = new ArrayList<>(columns.size());
      for (ColumnSpec col : columns) {
        RenameRules.Renamed n = rules.column(rc.schema(), rc.table(), col.name());
        if (n.changed(col.name())) {
          changed = true;
          renamed.add(
              new ColumnSpec(
                  n.name(0),
                  col.type(),
                  col.typeName(),
                  col.unsigned(),
                  col.nullable(),
                  col.charset(),
                  col.key(),
                  col.length(),
                  col.scale(),
                  col.labels()));
        } else {
          renamed.add(col);
        }
      }
      columns = renamed;
    }
    if (!changed) {
      return rc;
    }
    return new RowChanges(
        t.name(0),
        t.name(1),
        rc.action(),
        columns,
        rc.image(),
        rc.beforeColumns(),
        rc.afterColumns(),
        rc.rows());
  }

  private SqlStatement rename(Transaction tx, SqlStatement s) {
    String oldDefault = s.defaultSchema();
    String newDefault =
        oldDefault == null || oldDefault.isEmpty() ? oldDefault : rules.schema(oldDefault).name(0);
    StatementScope scope = StatementScope.of(s);
    Problem problem = problem(s, scope, oldDefault, newDefault);
    if (problem != null) {
      String kind = scope.kind().label();
      if (fail) {
        throw new RoutingFailure(
            "filter "
                + name
                + " (rename): seqno "
                + tx.seqno()
                + ": the "
                + kind
                + " statement "
                + quote(s.text())
                + " names "
                + problem.name
                + ", which rule "
                + problem.rule
                + " renames; Ferry does not edit SQL text. Rename it on the target by hand and"
                + " skip the transaction, or set filter."
                + name
                + ".statements = default-schema to pass such statements with only their default"
                + " schema renamed",
            tx.seqno(),
            tx.header().nativePosition());
      }
      if (warned.add(problem.name)) {
        log.warn(
            "filter {} (rename): a {} statement at seqno {} names {}, which rule {} renames, in"
                + " its text; it is passed with only its default schema renamed (its text is"
                + " never edited). Further statements naming {} are passed without a warning.",
            name,
            kind,
            tx.seqno(),
            problem.name,
            problem.rule,
            problem.name);
      }
    }
    if (Objects.equals(oldDefault, newDefault)) {
      return s;
    }
    return SqlStatement.owning(s.unsafeSql(), s.charset(), newDefault, s.session());
  }

  /** What the statement names that a rule renames and the default schema does not carry over. */
  private record Problem(String name, RenameRules.Rule rule) {}

  private Problem problem(
      SqlStatement s, StatementScope scope, String oldDefault, String newDefault) {
    String text = s.text();
    // 1. qualified names in the text: schema.name. The names a statement changes come first; a
    // multi-megabyte INSERT ... VALUES is not turned into millions of tokens for its values.
    List<Token> t =
        SqlTokenizer.tokenize(text.length() > SCAN_CHARS ? text.substring(0, SCAN_CHARS) : text);
    for (int i = 0; i + 2 < t.size(); i++) {
      if (isName(t.get(i)) && t.get(i + 1).isSymbol(".") && isName(t.get(i + 2))) {
        String schema = t.get(i).text();
        String table = t.get(i + 2).text();
        RenameRules.Renamed r = rules.table(schema, table);
        if (r.changed(schema, table)) {
          return new Problem(schema + "." + table, r.rule());
        }
        RenameRules.Rule columns = rules.columnRuleOf(schema, table);
        if (columns != null) {
          return new Problem(schema + "." + table, columns);
        }
        i += 2; // schema.table.column: the column is not a table of the table
      }
    }
    // 2. what it changes: tables named through the default schema, whole schemas
    for (TableName tn : scope.tables()) {
      RenameRules.Renamed r = rules.table(tn.schema(), tn.table());
      boolean throughDefault =
          tn.schema().equals(oldDefault)
              && r.name(0).equals(newDefault)
              && r.name(1).equals(tn.table());
      if (r.changed(tn.schema(), tn.table()) && !throughDefault) {
        return new Problem(tn.toString(), r.rule());
      }
      RenameRules.Rule columns = rules.columnRuleOf(tn.schema(), tn.table());
      if (columns != null) {
        return new Problem(tn.toString(), columns);
      }
    }
    for (String schema : scope.schemas()) {
      RenameRules.Renamed r = rules.schema(schema);
      if (r.changed(schema) && namesSchema(t, schema)) {
        return new Problem(schema, r.rule());
      }
    }
    return null;
  }

  /** Whether the schema's name is in the text (not only the default schema standing for it). */
  private static boolean namesSchema(List<Token> t, String schema) {
    for (Token k : t) {
      if (isName(k) && k.text().equals(schema)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isName(Token k) {
    return k.kind() == Kind.WORD || k.kind() == Kind.QUOTED;
  }

  private static String quote(String sql) {
    String oneLine = sql.strip().replaceAll("\\s+", " ");
    return "'" + (oneLine.length() <= QUOTE ? oneLine : oneLine.substring(0, QUOTE) + "…") + "'";
  }

  @Override
  public String name() {
    return name;
  }
}
