package io.ferry.mysql.sql;

import io.ferry.mysql.sql.SqlTokenizer.Kind;
import io.ferry.mysql.sql.SqlTokenizer.Token;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The tables a data-changing statement writes, as {@code schema.table}: the target of INSERT,
 * REPLACE and LOAD DATA, the tables named in an UPDATE's or a multi-table DELETE's table references
 * (all of them: which ones change depends on the SET list and the data), the table of a
 * single-table DELETE. For a statement-based log, where no row event says which tables a statement
 * changed. Conservative: null when it cannot tell (WITH, CALL, DO and SELECT, which a binlog holds
 * only for the stored functions they call, a name without a schema and no default schema, anything
 * it does not parse). {@link #tablesOf} gives the names as schema and table apart (a schema may
 * have a dot in its name). Stateless.
 */
public final class DmlTables {
  /** A table by schema and name, unquoted, as the server stores them. */
  public record Table(String schema, String table) {
    @Override
    public String toString() {
      return schema + "." + table;
    }
  }

  private static final Set<String> MODIFIERS =
      Set.of("LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE", "QUICK", "CONCURRENT", "LOCAL");

  private final List<Token> t;
  private final String defaultSchema;
  private final Set<Table> tables = new LinkedHashSet<>();
  private int p;

  private static final int TOKENS = 256;

  private DmlTables(String defaultSchema, String sql) {
    this.t = SqlTokenizer.tokenize(sql, TOKENS);
    this.defaultSchema = defaultSchema == null || defaultSchema.isEmpty() ? null : defaultSchema;
  }

  /** The tables the statement writes, schema and table apart, or null when that cannot be told. */
  public static Set<Table> tablesOf(String defaultSchema, String sql) {
    DmlTables d = new DmlTables(defaultSchema, sql);
    try {
      return d.statement() ? Set.copyOf(d.tables) : null;
    } catch (IndexOutOfBoundsException | IllegalStateException e) {
      return null;
    }
  }

  private boolean statement() {
    if (t.isEmpty() || t.get(0).kind() != Kind.WORD) {
      return false;
    }
    String verb = t.get(p++).upper();
    switch (verb) {
      case "INSERT", "REPLACE" -> {
        modifiers();
        accept("INTO");
        table();
        return true;
      }
      case "LOAD" -> {
        while (p < t.size()
            && !(t.get(p).is("INTO") && p + 1 < t.size() && t.get(p + 1).is("TABLE"))) {
          p++;
        }
        p += 2;
        table();
        return true;
      }
      case "UPDATE" -> {
        modifiers();
        references("SET");
        return true;
      }
      case "DELETE" -> {
        modifiers();
        if (accept("FROM")) {
          table();
          while (accept(",")) {
            table(); // DELETE FROM t1, t2 USING ...
          }
          if (accept("USING")) {
            references("WHERE"); // with the tables they stand for (aliases)
          }
          return true;
        }
        // DELETE t1, t2 FROM refs: the names before FROM may be aliases of the references
        references("FROM");
        accept("FROM");
        references("WHERE");
        return true;
      }
      case "HANDLER", "CHECKSUM", "VALUES", "TABLE" -> {
        return true; // writes no table
      }
      default -> {
        return false; // WITH, CALL, DO and the like: cannot tell
      }
    }
  }

  private void modifiers() {
    while (p < t.size() && t.get(p).kind() == Kind.WORD && MODIFIERS.contains(t.get(p).upper())) {
      p++;
    }
  }

  /**
   * Table references up to {@code end} at depth 0: every table they name (aliases skipped). A
   * statement longer than what was read, or a parenthesized reference, cannot be told.
   */
  private void references(String end) {
    int depth = 0;
    boolean expectTable = true;
    while (p < t.size()) {
      Token k = t.get(p);
      if (k.isSymbol("(")) {
        if (expectTable && depth == 0) {
          throw new IllegalStateException("a parenthesized table reference");
        }
        depth++;
        p++;
        continue;
      }
      if (k.isSymbol(")")) {
        depth--;
        p++;
        continue;
      }
      if (depth > 0) {
        if (k.is("SELECT")) {
          throw new IllegalStateException("a derived table"); // cannot tell what it reads
        }
        p++;
        continue;
      }
      if (k.is(end) && depth == 0) {
        return;
      }
      if (expectTable && (k.kind() == Kind.WORD || k.kind() == Kind.QUOTED) && !isJoinWord(k)) {
        table();
        expectTable = false;
        continue;
      }
      expectTable = k.isSymbol(",") || k.is("JOIN") || k.is("STRAIGHT_JOIN");
      p++;
    }
    if (t.size() >= TOKENS) {
      throw new IllegalStateException("longer than what was read");
    }
  }

  private static boolean isJoinWord(Token k) {
    return k.is("JOIN")
        || k.is("INNER")
        || k.is("LEFT")
        || k.is("RIGHT")
        || k.is("CROSS")
        || k.is("NATURAL")
        || k.is("OUTER")
        || k.is("STRAIGHT_JOIN");
  }

  private void table() {
    Token first = t.get(p++);
    if (first.kind() != Kind.WORD && first.kind() != Kind.QUOTED) {
      throw new IllegalStateException("expected a table name");
    }
    if (p < t.size() && t.get(p).isSymbol(".")) {
      p++;
      Token second = t.get(p++);
      if (second.isSymbol("*")) {
        addUnqualified(first.text()); // DELETE t1.* FROM ...
      } else {
        tables.add(new Table(first.text(), second.text()));
      }
    } else {
      addUnqualified(first.text());
    }
  }

  private void addUnqualified(String table) {
    if (defaultSchema == null) {
      throw new IllegalStateException("table " + table + " has no schema");
    }
    tables.add(new Table(defaultSchema, table));
  }

  private boolean accept(String word) {
    if (p < t.size() && (t.get(p).is(word) || t.get(p).isSymbol(word))) {
      p++;
      return true;
    }
    return false;
  }
}
