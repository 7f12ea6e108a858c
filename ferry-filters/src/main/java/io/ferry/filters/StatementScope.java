package io.ferry.filters;

import io.ferry.core.event.SqlStatement;
import io.ferry.mysql.sql.DdlScope;
import io.ferry.mysql.sql.DmlTables;
import io.ferry.mysql.sql.SqlTokenizer;
import io.ferry.mysql.sql.SqlTokenizer.Kind;
import io.ferry.mysql.sql.SqlTokenizer.Token;
import io.ferry.mysql.sql.StatementClassifier;
import io.ferry.mysql.sql.StatementKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * What a logged statement changes, for the filters that route statements by schema and table
 * ({@code replicate}, {@code drop-temp}, {@code rename}): its {@link StatementKind} (from {@link
 * StatementClassifier}, the project's one classifier), the tables it changes and the schemas it
 * changes as a whole. Immutable.
 *
 * <ul>
 *   <li>DML: the tables {@link DmlTables} says it writes (every table an UPDATE or multi-table
 *       DELETE names; INSERT's and LOAD DATA's target). Tables it only reads are not counted.
 *   <li>DDL and CREATE/DROP TEMPORARY TABLE: the table it creates, alters, drops, truncates,
 *       renames (both names) or exchanges a partition with; the table an index or a trigger is on;
 *       a view or sequence (named like a table); the schema of a routine, event or package; the
 *       database CREATE/ALTER/DROP DATABASE names (ALTER DATABASE without a name: the default
 *       schema). Tables it only reads ({@code LIKE}, {@code REFERENCES}, {@code SELECT}) are not
 *       counted. Where this reading cannot tell, {@link DdlScope}'s schemas are used.
 *   <li>ANALYZE, OPTIMIZE, REPAIR, CHECK TABLE: their tables.
 *   <li>Transaction control (BEGIN, COMMIT, ROLLBACK, savepoints, XA): nothing, and {@link
 *       #isTransactionControl()}.
 *   <li>Anything else (accounts, GRANT, SET, compound statements, UNKNOWN, a name without a schema
 *       and no default schema, SELECT/DO/CALL): not {@link #known()}.
 * </ul>
 */
public final class StatementScope {
  /** A table by schema and name, as the server stores them. */
  public record TableName(String schema, String table) {
    @Override
    public String toString() {
      return schema + "." + table;
    }
  }

  /** A table a statement renames ({@code RENAME TABLE}, {@code ALTER TABLE ... RENAME}). */
  public record Rename(TableName from, TableName to) {}

  /** What a router decides for a statement. */
  public enum Verdict {
    KEEP,
    DROP,
    /** The statement's tables cannot be told and it has no default schema. */
    UNKNOWN
  }

  private static final Set<String> CREATE_MODIFIERS =
      Set.of(
          "OR",
          "REPLACE",
          "TEMPORARY",
          "UNIQUE",
          "FULLTEXT",
          "SPATIAL",
          "ONLINE",
          "OFFLINE",
          "IGNORE",
          "AGGREGATE",
          "ALGORITHM",
          "DEFINER",
          "SQL",
          "SECURITY",
          "=",
          "@");

  private final StatementKind kind;
  private final String defaultSchema;
  private final String verb;
  private final Set<TableName> tables;
  private final Set<String> schemas;
  private final List<Rename> renames;
  private final boolean known;

  private StatementScope(
      StatementKind kind,
      String defaultSchema,
      String verb,
      Set<TableName> tables,
      Set<String> schemas,
      List<Rename> renames,
      boolean known) {
    this.kind = kind;
    this.defaultSchema = defaultSchema;
    this.verb = verb;
    this.tables = Set.copyOf(tables);
    this.schemas = Set.copyOf(schemas);
    this.renames = List.copyOf(renames);
    this.known = known;
  }

  /** The scope of a logged statement. */
  public static StatementScope of(SqlStatement statement) {
    return of(statement.defaultSchema(), statement.text());
  }

  /** The scope of a statement given as text with its default schema (null or empty: none). */
  public static StatementScope of(String defaultSchema, String sql) {
    String schema = defaultSchema == null || defaultSchema.isEmpty() ? null : defaultSchema;
    String text = StatementClassifier.unwrap(sql);
    StatementKind kind = StatementClassifier.classify(sql);
    List<Token> first = SqlTokenizer.tokenize(text, 1);
    String verb = first.isEmpty() ? "" : first.get(0).upper();
    // DML may be megabytes of VALUES: only DDL and maintenance statements are read whole
    List<Token> t =
        kind == StatementKind.DDL
                || kind == StatementKind.TEMPORARY_TABLE
                || kind == StatementKind.IMPLICIT_COMMIT
            ? SqlTokenizer.tokenize(text)
            : List.of();
    Set<TableName> tables = new LinkedHashSet<>();
    Set<String> schemas = new LinkedHashSet<>();
    List<Rename> renames = new ArrayList<>();
    boolean known =
        switch (kind) {
          case DML -> dml(schema, text, tables);
          case DDL, TEMPORARY_TABLE -> {
            boolean read;
            try {
              read = new Ddl(t, schema, tables, schemas, renames).statement();
            } catch (IndexOutOfBoundsException | IllegalStateException e) {
              read = false;
            }
            if (!read) {
              tables.clear();
              schemas.clear();
              renames.clear();
              Set<String> s = DdlScope.schemasOf(schema, text);
              if (s != null) {
                schemas.addAll(s);
                read = true;
              }
            }
            yield read;
          }
          case IMPLICIT_COMMIT -> {
            try {
              yield new Ddl(t, schema, tables, schemas, renames).maintenance();
            } catch (IndexOutOfBoundsException | IllegalStateException e) {
              tables.clear();
              yield false;
            }
          }
          default -> false;
        };
    known &= !(tables.isEmpty() && schemas.isEmpty());
    if (!known) {
      tables.clear();
      schemas.clear();
      renames.clear();
    }
    return new StatementScope(kind, schema, verb, tables, schemas, renames, known);
  }

  private static boolean dml(String schema, String text, Set<TableName> tables) {
    Set<DmlTables.Table> written = DmlTables.tablesOf(schema, text);
    if (written == null) {
      return false;
    }
    for (DmlTables.Table t : written) {
      tables.add(new TableName(t.schema(), t.table()));
    }
    return true;
  }

  public StatementKind kind() {
    return kind;
  }

  /** The statement's default schema, or null. */
  public String defaultSchema() {
    return defaultSchema;
  }

  /** The statement's first word in upper case ({@code CREATE}, {@code DROP}, ...). */
  public String verb() {
    return verb;
  }

  /** The tables it changes (empty when not {@link #known()}). */
  public Set<TableName> tables() {
    return tables;
  }

  /** The schemas it changes as a whole or as the home of a routine, event or package. */
  public Set<String> schemas() {
    return schemas;
  }

  /**
   * The tables it renames, in order (both names are also in {@link #tables()}); empty when not
   * {@link #known()}.
   */
  public List<Rename> renames() {
    return renames;
  }

  /** Whether the tables and schemas it changes could be told (and it changes some). */
  public boolean known() {
    return known;
  }

  /** BEGIN, COMMIT, ROLLBACK, savepoints and XA statements: they name no table. */
  public boolean isTransactionControl() {
    return switch (kind) {
      case BEGIN,
          COMMIT,
          ROLLBACK,
          SAVEPOINT,
          ROLLBACK_TO_SAVEPOINT,
          RELEASE_SAVEPOINT,
          XA_START,
          XA_END,
          XA_PREPARE,
          XA_COMMIT,
          XA_ROLLBACK ->
          true;
      default -> false;
    };
  }

  /**
   * The routing rule the statement filters share: transaction control is kept; a statement whose
   * tables and schemas are known is kept when any of them is kept and dropped when none is; one
   * whose tables cannot be told is decided by its default schema, and without one is {@link
   * Verdict#UNKNOWN} (the filter's setting decides).
   *
   * @param keptTable whether a table is kept
   * @param keptSchema whether a schema is kept (as a whole, or as the home of what it names)
   */
  public Verdict route(BiPredicate<String, String> keptTable, Predicate<String> keptSchema) {
    if (isTransactionControl()) {
      return Verdict.KEEP;
    }
    if (known) {
      for (TableName t : tables) {
        if (keptTable.test(t.schema(), t.table())) {
          return Verdict.KEEP;
        }
      }
      for (String s : schemas) {
        if (keptSchema.test(s)) {
          return Verdict.KEEP;
        }
      }
      return Verdict.DROP;
    }
    if (defaultSchema != null) {
      return keptSchema.test(defaultSchema) ? Verdict.KEEP : Verdict.DROP;
    }
    return Verdict.UNKNOWN;
  }

  /**
   * The tables a statement may read, as far as its text shows: every name after {@code FROM},
   * {@code JOIN}, {@code STRAIGHT_JOIN}, {@code USING} and {@code LIKE}, and the further names of a
   * comma-separated {@code FROM} list, in every subquery; unqualified names in the default schema
   * (skipped without one). A guess meant for finding a few known names (temporary tables): it may
   * list names that are not tables ({@code col LIKE other_col}) and miss tables a view, routine or
   * {@code TABLE t} reads.
   */
  public static Set<TableName> readTables(String defaultSchema, String sql) {
    String schema = defaultSchema == null || defaultSchema.isEmpty() ? null : defaultSchema;
    List<Token> t = SqlTokenizer.tokenize(StatementClassifier.unwrap(sql));
    Set<TableName> read = new LinkedHashSet<>();
    for (int i = 0; i < t.size(); i++) {
      Token k = t.get(i);
      if (!(k.is("FROM")
          || k.is("JOIN")
          || k.is("STRAIGHT_JOIN")
          || k.is("USING")
          || k.is("LIKE"))) {
        continue;
      }
      boolean list = k.is("FROM");
      int p = i + 1;
      while (p < t.size() && isNameToken(t.get(p))) {
        String first = t.get(p++).text();
        TableName name = null;
        if (p + 1 < t.size() && t.get(p).isSymbol(".") && isNameToken(t.get(p + 1))) {
          name = new TableName(first, t.get(p + 1).text());
          p += 2;
        } else if (schema != null) {
          name = new TableName(schema, first);
        }
        if (name != null) {
          read.add(name);
        }
        if (!list) {
          break;
        }
        if (p < t.size() && t.get(p).is("AS")) {
          p++;
        }
        if (p < t.size() && isNameToken(t.get(p)) && !t.get(p).is("WHERE")) {
          p++; // an alias
        }
        if (p < t.size() && t.get(p).isSymbol(",")) {
          p++;
        } else {
          break;
        }
      }
    }
    return read;
  }

  private static boolean isNameToken(Token k) {
    return k.kind() == Kind.QUOTED || (k.kind() == Kind.WORD && !k.is("SELECT"));
  }

  @Override
  public String toString() {
    return kind.label() + (known ? " " + tables + " " + schemas : " (tables unknown)");
  }

  /** Reads the names a DDL or maintenance statement changes. */
  private static final class Ddl {
    private final List<Token> t;
    private final String defaultSchema;
    private final Set<TableName> tables;
    private final Set<String> schemas;
    private final List<Rename> renames;
    private int p;

    Ddl(
        List<Token> t,
        String defaultSchema,
        Set<TableName> tables,
        Set<String> schemas,
        List<Rename> renames) {
      this.t = t;
      this.defaultSchema = defaultSchema;
      this.tables = tables;
      this.schemas = schemas;
      this.renames = renames;
    }

    boolean statement() {
      if (accept("CREATE")) {
        return create();
      }
      if (accept("ALTER")) {
        return alter();
      }
      if (accept("DROP")) {
        return drop();
      }
      if (accept("RENAME")) {
        if (!accept("TABLE") && !accept("TABLES")) {
          return false; // RENAME USER
        }
        do {
          TableName from = table();
          expect("TO");
          TableName to = table();
          tables.add(from);
          tables.add(to);
          renames.add(new Rename(from, to));
        } while (accept(","));
        return true;
      }
      if (accept("TRUNCATE")) {
        accept("TABLE");
        tables.add(table());
        return true;
      }
      return false; // GRANT, REVOKE
    }

    /** ANALYZE, OPTIMIZE, REPAIR, CHECK [NO_WRITE_TO_BINLOG | LOCAL] TABLE t [, t ...]. */
    boolean maintenance() {
      if (!(accept("ANALYZE") || accept("OPTIMIZE") || accept("REPAIR") || accept("CHECK"))) {
        return false;
      }
      accept("NO_WRITE_TO_BINLOG");
      accept("LOCAL");
      if (!accept("TABLE")) {
        return false;
      }
      do {
        tables.add(table());
      } while (accept(","));
      return true;
    }

    private boolean create() {
      skipModifiers();
      if (accept("DATABASE") || accept("SCHEMA")) {
        ifExists();
        schemas.add(name());
        return true;
      }
      if (accept("TABLE") || accept("VIEW") || accept("SEQUENCE")) {
        ifExists();
        tables.add(table()); // what LIKE, REFERENCES or SELECT read is not changed
        return true;
      }
      if (accept("INDEX")) {
        return on();
      }
      if (accept("TRIGGER")) {
        return on();
      }
      return routine();
    }

    private boolean alter() {
      skipModifiers();
      if (accept("DATABASE") || accept("SCHEMA")) {
        Token k = p < t.size() ? t.get(p) : null;
        if (k != null && isName(k) && !isDatabaseOption(k)) {
          schemas.add(k.text());
        } else if (defaultSchema != null) {
          schemas.add(defaultSchema);
        } else {
          return false;
        }
        return true;
      }
      if (accept("VIEW") || accept("SEQUENCE")) {
        ifExists();
        tables.add(table());
        return true;
      }
      if (!accept("TABLE")) {
        return routine();
      }
      ifExists();
      TableName altered = table();
      tables.add(altered);
      int depth = 0;
      while (p < t.size()) {
        Token k = t.get(p++);
        depth += k.isSymbol("(") ? 1 : k.isSymbol(")") ? -1 : 0;
        if (depth != 0) {
          continue;
        }
        if (k.is("RENAME") && !peekIs("COLUMN", "INDEX", "KEY")) {
          if (!accept("TO")) {
            accept("AS");
          }
          TableName to = table();
          tables.add(to);
          renames.add(new Rename(altered, to));
        } else if (k.is("EXCHANGE") && accept("PARTITION")) {
          p++; // the partition's name
          expect("WITH");
          expect("TABLE");
          tables.add(table());
        }
      }
      return true;
    }

    private boolean drop() {
      skipModifiers();
      if (accept("DATABASE") || accept("SCHEMA")) {
        ifExists();
        schemas.add(name());
        return true;
      }
      if (accept("TABLE") || accept("TABLES") || accept("VIEW") || accept("SEQUENCE")) {
        ifExists();
        do {
          tables.add(table());
        } while (accept(","));
        return true;
      }
      if (accept("INDEX")) {
        return on();
      }
      if (accept("TRIGGER")) {
        ifExists();
        schemas.add(qualifiedSchema()); // the trigger's schema is its table's
        return true;
      }
      return routine();
    }

    /** PROCEDURE, FUNCTION, EVENT, PACKAGE [BODY]: the schema it lives in. */
    private boolean routine() {
      if (!(accept("PROCEDURE") || accept("FUNCTION") || accept("EVENT") || accept("PACKAGE"))) {
        return false; // USER, ROLE, SERVER, TABLESPACE, ...
      }
      accept("BODY");
      ifExists();
      schemas.add(qualifiedSchema());
      return true;
    }

    /** {@code name ... ON table}: an index or a trigger. */
    private boolean on() {
      ifExists();
      p++; // its name
      while (p < t.size() && !t.get(p).is("ON")) {
        p++; // USING BTREE; BEFORE INSERT
      }
      expect("ON");
      tables.add(table());
      return true;
    }

    private void skipModifiers() {
      while (p < t.size()) {
        Token k = t.get(p);
        boolean modifier =
            (k.kind() == Kind.WORD || k.kind() == Kind.SYMBOL)
                && CREATE_MODIFIERS.contains(k.upper());
        boolean definerPart =
            p > 0
                && (k.kind() == Kind.QUOTED || k.kind() == Kind.STRING)
                && (t.get(p - 1).isSymbol("=") || t.get(p - 1).is("@"));
        boolean value =
            p > 1 && t.get(p - 1).isSymbol("=") && (k.kind() == Kind.WORD) && !isObject(k);
        boolean security = p > 0 && t.get(p - 1).is("SECURITY");
        boolean currentUser = k.is("CURRENT_USER") || (k.isSymbol("(") && peekAt(p + 1, ")"));
        if (modifier || definerPart || value || security || currentUser) {
          p += k.isSymbol("(") ? 2 : 1;
        } else {
          return;
        }
      }
    }

    private static boolean isObject(Token k) {
      return k.is("TABLE")
          || k.is("VIEW")
          || k.is("TRIGGER")
          || k.is("PROCEDURE")
          || k.is("FUNCTION")
          || k.is("EVENT");
    }

    private boolean peekAt(int i, String symbol) {
      return i < t.size() && t.get(i).isSymbol(symbol);
    }

    private void ifExists() {
      if (accept("IF")) {
        accept("NOT");
        expect("EXISTS");
      }
    }

    private static boolean isName(Token k) {
      return k.kind() == Kind.WORD || k.kind() == Kind.QUOTED;
    }

    private static boolean isDatabaseOption(Token k) {
      return k.is("DEFAULT")
          || k.is("CHARACTER")
          || k.is("CHARSET")
          || k.is("COLLATE")
          || k.is("COMMENT")
          || k.is("READ")
          || k.is("UPGRADE");
    }

    private String name() {
      Token k = t.get(p++);
      if (!isName(k)) {
        throw new IllegalStateException("expected a name");
      }
      return k.text();
    }

    /** {@code [schema.]name}: the table, with the default schema when it has none. */
    private TableName table() {
      String first = name();
      if (p < t.size() && t.get(p).isSymbol(".")) {
        p++;
        return new TableName(first, name());
      }
      if (defaultSchema == null) {
        throw new IllegalStateException("table " + first + " has no schema");
      }
      return new TableName(defaultSchema, first);
    }

    /** {@code [schema.]name}: the schema, with the default schema when it has none. */
    private String qualifiedSchema() {
      return table().schema();
    }

    private boolean accept(String word) {
      if (p < t.size() && (t.get(p).is(word) || t.get(p).isSymbol(word))) {
        p++;
        return true;
      }
      return false;
    }

    private void expect(String word) {
      if (!accept(word)) {
        throw new IllegalStateException("expected " + word);
      }
    }

    private boolean peekIs(String... words) {
      if (p >= t.size()) {
        return false;
      }
      for (String w : words) {
        if (t.get(p).is(w)) {
          return true;
        }
      }
      return false;
    }
  }
}
