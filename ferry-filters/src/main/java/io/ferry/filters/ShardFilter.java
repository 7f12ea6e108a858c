package io.ferry.filters;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Shards;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.value.Charsets;
import io.ferry.mysql.sql.DdlScope;
import io.ferry.mysql.sql.DmlTables;
import io.ferry.mysql.sql.StatementClassifier;
import io.ferry.mysql.sql.StatementKind;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Gives each whole transaction the shard its changes fall in, by schema, table, a column's value or
 * rules; several shards make it {@link Shards#GLOBAL}. A shard is only final at a transaction's
 * end, so only single-fragment transactions (fragno 0, last) are re-sharded: the fragments of a
 * larger one keep what the extractor gave them (#global before the last). Heartbeats keep their
 * shard. A transaction with no row change or statement that names a shard (only savepoints or
 * annotations) keeps its shard; so does a #global one with a statement, since the extractor may
 * know more about a statement (the schemas the server said it updated) than its text tells.
 *
 * <p>Statements: by schema, a DDL statement's shard is the schemas it changes ({@link DdlScope}), a
 * data statement's the schemas of the tables it writes, else its default schema; by table and by
 * rule, a data statement's tables ({@link DmlTables}, unqualified names in the default schema), DDL
 * is #global; by column every statement is #global (its rows are not known). A statement whose
 * schema or tables cannot be told, or whose kind is unknown, makes the transaction #global. Not
 * thread-safe: one stage task.
 */
public final class ShardFilter implements Filter {
  /** What a shard is made of. */
  enum By {
    SCHEMA,
    TABLE,
    COLUMN,
    RULE
  }

  private final String name;
  private final By by;
  private final String column;
  private final List<ShardRule> rules;

  ShardFilter(String name, By by, String column, List<ShardRule> rules) {
    this.name = name;
    this.by = by;
    this.column = column;
    this.rules = List.copyOf(rules);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Transaction filter(Transaction tx) {
    if (tx.fragno() != 0 || !tx.lastFrag() || tx.heartbeat() != null) {
      return tx;
    }
    String current = tx.header().shard();
    if (Shards.GLOBAL.equals(current) && hasStatement(tx)) {
      return tx;
    }
    String shard = shardOf(tx);
    if (shard == null || shard.equals(current)) {
      return tx;
    }
    return tx.withHeader(tx.header().withShard(shard));
  }

  private static boolean hasStatement(Transaction tx) {
    for (Change c : tx.changes()) {
      if (c instanceof SqlStatement) {
        return true;
      }
    }
    return false;
  }

  /** The one shard of the transaction's changes, #global for several, null for none. */
  private String shardOf(Transaction tx) {
    Set<String> shards = new LinkedHashSet<>();
    for (Change c : tx.changes()) {
      if (c instanceof RowChanges rc) {
        rows(rc, shards);
      } else if (c instanceof SqlStatement st) {
        statement(st, shards);
      }
      if (shards.size() > 1 || shards.contains(Shards.GLOBAL)) {
        return Shards.GLOBAL;
      }
    }
    return shards.isEmpty() ? null : shards.iterator().next();
  }

  private void rows(RowChanges rc, Set<String> shards) {
    switch (by) {
      case SCHEMA -> shards.add(rc.schema());
      case TABLE -> shards.add(rc.schema() + "." + rc.table());
      case RULE -> shards.add(ruleShard(rc.schema(), rc.table()));
      case COLUMN -> columnShards(rc, shards);
    }
  }

  private String ruleShard(String schema, String table) {
    for (ShardRule r : rules) {
      if (r.pattern().matchesTable(schema, table)) {
        return r.shard();
      }
    }
    return schema;
  }

  /**
   * By column: one shard per value the rows carry (after image, before image for deletes, both for
   * updates); the table's shard when it has no such column; #global when a row does not carry it or
   * the source did not name the columns.
   */
  private void columnShards(RowChanges rc, Set<String> shards) {
    String table = rc.schema() + "." + rc.table();
    int i = RowEdits.indexOf(rc.columns(), column);
    if (i < 0) {
      shards.add(RowEdits.allNamed(rc.columns()) ? table : Shards.GLOBAL);
      return;
    }
    boolean before = rc.beforeColumns() != null && rc.beforeColumns().contains(i);
    boolean after = rc.afterColumns() != null && rc.afterColumns().contains(i);
    boolean needsBefore = rc.action() == Action.DELETE;
    if (needsBefore ? !before : !after && !before) {
      shards.add(Shards.GLOBAL);
      return;
    }
    for (Row row : rc.rows()) {
      if (before) {
        shards.add(table + ":" + text(row.before(i), rc.columns().get(i)));
      }
      if (after) {
        shards.add(table + ":" + text(row.after(i), rc.columns().get(i)));
      }
      if (shards.size() > 1) {
        return;
      }
    }
  }

  private void statement(SqlStatement st, Set<String> shards) {
    StatementKind kind =
        StatementClassifier.classify(st.unsafeSql(), Charsets.forSqlName(st.charset()));
    if (kind.isSavepoint()) {
      return;
    }
    if (kind == StatementKind.UNKNOWN || (kind == StatementKind.DDL && by != By.SCHEMA)) {
      shards.add(Shards.GLOBAL);
      return;
    }
    String schema =
        st.defaultSchema() == null || st.defaultSchema().isEmpty() ? null : st.defaultSchema();
    switch (by) {
      case SCHEMA -> {
        Set<String> scope =
            kind == StatementKind.DDL
                ? DdlScope.schemasOf(schema, StatementClassifier.unwrap(st.text()))
                : writtenSchemas(st, schema);
        shards.addAll(scope == null ? Set.of(Shards.GLOBAL) : scope);
      }
      case TABLE, RULE -> tables(st, schema, shards);
      case COLUMN -> shards.add(Shards.GLOBAL);
    }
  }

  /**
   * The schemas a data statement writes: those of the tables it names when they can be told (a
   * qualified name may be in another schema than the default), else its default schema, as the
   * extractor does; null when neither is known.
   */
  private static Set<String> writtenSchemas(SqlStatement st, String schema) {
    Set<DmlTables.Table> tables = DmlTables.tablesOf(schema, st.text());
    if (tables == null || tables.isEmpty()) {
      return schema == null ? null : Set.of(schema);
    }
    Set<String> schemas = new LinkedHashSet<>();
    for (DmlTables.Table t : tables) {
      schemas.add(t.schema());
    }
    return schemas;
  }

  private void tables(SqlStatement st, String schema, Set<String> shards) {
    Set<DmlTables.Table> tables = DmlTables.tablesOf(schema, st.text());
    if (tables == null || tables.isEmpty()) {
      shards.add(Shards.GLOBAL);
      return;
    }
    for (DmlTables.Table t : tables) {
      if (by == By.TABLE) {
        shards.add(t.schema() + "." + t.table());
      } else {
        shards.add(ruleShard(t.schema(), t.table()));
      }
    }
  }

  /** The longest value text kept as it is in a shard id; longer ones are hashed. */
  static final int MAX_VALUE_TEXT = 128;

  /**
   * A value's text in a shard id: as MariaDB prints it ({@link ValueText}), NULL as NULL; a long
   * text (a TEXT or BLOB column) by its SHA-256, so that shard ids stay short in the log.
   */
  private static String text(Object v, io.ferry.core.event.ColumnSpec column) {
    String t = ValueText.of(v, column);
    if (t == null) {
      return "NULL";
    }
    if (t.length() <= MAX_VALUE_TEXT) {
      return t;
    }
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(t.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "sha256:" + java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "shard " + name + " by " + by.name().toLowerCase(java.util.Locale.ROOT);
  }
}
