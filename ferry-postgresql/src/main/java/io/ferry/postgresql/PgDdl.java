package io.ferry.postgresql;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import io.ferry.mysql.schema.Catalog;
import io.ferry.mysql.schema.DdlException;
import io.ferry.mysql.schema.DdlParser;
import io.ferry.mysql.schema.TableDef;
import io.ferry.mysql.sql.SqlTokenizer;
import io.ferry.mysql.sql.SqlTokenizer.Kind;
import io.ferry.mysql.sql.SqlTokenizer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Translates MariaDB/MySQL DDL from the THL into PostgreSQL statements: CREATE/DROP DATABASE
 * (schemas), CREATE TABLE (columns with the type mapping and the primary key), DROP TABLE, RENAME
 * TABLE, TRUNCATE, ALTER TABLE with ADD (with the value the source back-fills)/DROP/RENAME COLUMN,
 * CHANGE of a column's name, RENAME TO (last, after the other changes), ADD/DROP INDEX and ADD
 * PRIMARY KEY, SET/DROP DEFAULT, table options (ignored), and CREATE/DROP INDEX; foreign keys,
 * checks, search indexes and row-keeping partition maintenance are passed over (translated to
 * nothing). Anything else raises {@link Untranslatable} with the reason. Not thread-safe: one
 * applier.
 */
final class PgDdl {
  /** A statement this translator does not carry to PostgreSQL. */
  static final class Untranslatable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Untranslatable(String message) {
      super(message);
    }
  }

  private final PgNames names;
  private List<Token> t;
  private int p;
  private String defaultSchema;
  private final java.util.Set<String> sourceSchemas = new java.util.HashSet<>();
  private int defStart;
  private int defEnd;

  PgDdl(PgNames names) {
    this.names = names;
  }

  private static final java.util.Set<String> NOT_TABLES =
      java.util.Set.of(
          "USER", "ROLE", "VIEW", "PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "SERVER", "PACKAGE");

  /**
   * Whether a DDL statement defines no table nor schema, so that no row change depends on it:
   * accounts and privileges (CREATE/ALTER/DROP USER or ROLE, GRANT, REVOKE, SET PASSWORD), views,
   * routines, triggers (their effects arrive as rows) and events. Such statements are passed over
   * (and counted) whatever target.ddl says.
   */
  static boolean definesNoTable(String sql) {
    List<Token> head = SqlTokenizer.tokenize(sql, 12);
    if (head.isEmpty()) {
      return false;
    }
    String first = head.get(0).upper();
    if (first.equals("GRANT") || first.equals("REVOKE")) {
      return true;
    }
    if (first.equals("SET")
        || (first.equals("RENAME") && head.size() > 1 && head.get(1).is("USER"))) {
      return head.size() > 1 && (head.get(1).is("PASSWORD") || head.get(1).is("USER"));
    }
    if (!first.equals("CREATE") && !first.equals("ALTER") && !first.equals("DROP")) {
      return false;
    }
    for (Token k : head.subList(1, head.size())) {
      if (k.kind() == Kind.WORD && NOT_TABLES.contains(k.upper())) {
        return true;
      }
      if (k.kind() == Kind.WORD
          && (k.is("TABLE")
              || k.is("TABLES")
              || k.is("INDEX")
              || k.is("DATABASE")
              || k.is("SCHEMA")
              || k.is("SEQUENCE"))) {
        return false;
      }
    }
    return false;
  }

  /**
   * Whether a DDL statement names a {@code ferry_*} schema (Ferry's catalog of some service, say a
   * hub's, logged with its data): such DDL is never carried to PostgreSQL, where it could touch
   * this service's own catalog.
   */
  boolean touchesFerrySchema(String defaultSchema, String sql) {
    try {
      translate(defaultSchema, sql);
    } catch (Untranslatable e) {
      // what was read up to the failure still names its schemas
    }
    for (String s : sourceSchemas) {
      if (s.toLowerCase(Locale.ROOT).startsWith("ferry_")) {
        return true;
      }
    }
    return false;
  }

  /** The PostgreSQL statements for a DDL statement (empty when it changes nothing there). */
  List<String> translate(String defaultSchema, String sql) {
    this.t = SqlTokenizer.tokenize(sql);
    this.p = 0;
    this.defaultSchema = defaultSchema;
    this.sourceSchemas.clear();
    try {
      return statement(sql);
    } catch (IndexOutOfBoundsException e) {
      throw new Untranslatable("the statement ends too early");
    } catch (DdlException e) {
      throw new Untranslatable(e.getMessage());
    }
  }

  private List<String> statement(String sql) {
    List<String> out = new ArrayList<>();
    if (accept("CREATE")) {
      boolean replace = accept("OR", "REPLACE");
      boolean unique = accept("UNIQUE");
      if (accept("DATABASE") || accept("SCHEMA")) {
        accept("IF", "NOT", "EXISTS");
        out.add(PgTableDdl.createSchema(names.schema(schemaName(identifier()))));
        p = t.size(); // character set and collation: PostgreSQL's database has its own
      } else if (!unique && accept("TABLE")) {
        out.addAll(createTable(sql, replace));
      } else if (!unique && (accept("FULLTEXT") || accept("SPATIAL"))) {
        // a search index: PostgreSQL has its own kinds, and no row depends on it
        expect("INDEX");
        accept("IF", "NOT", "EXISTS");
        identifier();
        expect("ON");
        qualified();
        columnList();
      } else if (accept("INDEX")) {
        accept("IF", "NOT", "EXISTS");
        String index = identifier();
        expect("ON");
        String[] table = qualified();
        out.add(createIndex(table, index, unique, columnList()));
      } else {
        throw unsupported();
      }
    } else if (accept("DROP")) {
      if (accept("DATABASE") || accept("SCHEMA")) {
        boolean ifExists = accept("IF", "EXISTS");
        if (names.intoSchema() != null) {
          throw new Untranslatable(
              "DROP DATABASE with every table in the one schema "
                  + names.intoSchema()
                  + " (target.postgresql.schema) would drop the tables of every source schema");
        }
        out.add(
            "DROP SCHEMA "
                + (ifExists ? "IF EXISTS " : "")
                + PgSql.quote(names.schema(schemaName(identifier())))
                + " CASCADE");
      } else if (accept("TABLE") || accept("TABLES")) {
        boolean ifExists = accept("IF", "EXISTS");
        do {
          out.add("DROP TABLE " + (ifExists ? "IF EXISTS " : "") + pgName(qualified()));
        } while (accept(","));
      } else if (accept("INDEX")) {
        accept("IF", "EXISTS");
        String index = identifier();
        expect("ON");
        String[] table = qualified();
        out.add(dropIndex(table, index));
      } else {
        throw unsupported();
      }
    } else if (accept("TRUNCATE")) {
      accept("TABLE");
      out.add("TRUNCATE TABLE " + pgName(qualified()));
    } else if (accept("RENAME")) {
      if (!(accept("TABLE") || accept("TABLES"))) {
        throw unsupported();
      }
      do {
        String[] from = qualified();
        expect("TO");
        out.addAll(rename(from, qualified()));
      } while (accept(","));
    } else if (accept("ALTER")) {
      accept("ONLINE");
      accept("IGNORE");
      if (!accept("TABLE")) {
        throw unsupported();
      }
      out.addAll(alterTable());
    } else {
      throw unsupported();
    }
    if (!atEnd()) {
      throw new Untranslatable("cannot read past '" + peek().text() + "'");
    }
    return out;
  }

  private List<String> createTable(String sql, boolean replace) {
    boolean ifNotExists = accept("IF", "NOT", "EXISTS");
    Catalog catalog = new Catalog();
    List<Catalog.Op> ops = new DdlParser(catalog, collation -> null).apply(defaultSchema, sql);
    TableDef def = null;
    for (Catalog.Op op : ops) {
      if (op instanceof Catalog.PutTable put) {
        def = put.table();
      }
    }
    if (def == null) {
      throw new Untranslatable("CREATE TABLE ... LIKE or ... SELECT is not translated");
    }
    List<ColumnSpec> columns = new ArrayList<>();
    java.util.Map<String, String> declared = declaredTypes();
    for (ColumnSpec c : def.columns()) {
      columns.add(declared(c, declared.get(c.name())));
    }
    List<String> pk = new ArrayList<>();
    for (ColumnSpec c : def.columns()) {
      if (c.key()) {
        pk.add(c.name());
      }
    }
    p = t.size(); // the parser read it all
    sourceSchemas.add(def.schema());
    String create =
        PgTableDdl.createTable(
            names.schema(def.schema()), def.name(), columns, pk, List.of(), ifNotExists);
    if (!replace) {
      return List.of(create);
    }
    // CREATE OR REPLACE TABLE (MariaDB): the old table goes, whatever it held
    return List.of(
        "DROP TABLE IF EXISTS "
            + PgSql.quote(names.schema(def.schema()))
            + "."
            + PgSql.quote(def.name()),
        create);
  }

  private List<String> alterTable() {
    String[] table = qualified();
    String target = pgName(table);
    List<String> out = new ArrayList<>();
    List<String> renames = new ArrayList<>();
    do {
      if (t.size() > p + 1 && t.get(p + 1).is("PARTITION") && !peek().is("PARTITION")) {
        partition();
      } else if (accept("ADD")) {
        String constraint = "key";
        if (accept("CONSTRAINT")) {
          if (!peek().is("PRIMARY")
              && !peek().is("UNIQUE")
              && !peek().is("FOREIGN")
              && !peek().is("CHECK")) {
            constraint = identifier();
          }
        }
        if (accept("PRIMARY", "KEY")) {
          out.add(
              "ALTER TABLE "
                  + target
                  + " ADD PRIMARY KEY ("
                  + PgTableDdl.names(columnList())
                  + ")");
        } else if (peek().is("UNIQUE") || peek().is("INDEX") || peek().is("KEY")) {
          boolean unique = accept("UNIQUE");
          if (!accept("INDEX")) {
            accept("KEY");
          }
          accept("IF", "NOT", "EXISTS");
          String index = peek().isSymbol("(") ? constraint : identifier();
          out.add(createIndex(table, index, unique, columnList()));
        } else if (accept("FOREIGN")
            || accept("FULLTEXT")
            || accept("SPATIAL")
            || accept("CHECK")) {
          // foreign keys, checks and search indexes: rows arrive as the source accepted them
          skipClause();
        } else {
          accept("COLUMN");
          boolean ifNotExists = accept("IF", "NOT", "EXISTS");
          if (accept("(")) {
            do {
              out.addAll(addColumn(target, table, ifNotExists));
            } while (accept(","));
            expect(")");
          } else {
            out.addAll(addColumn(target, table, ifNotExists));
          }
        }
      } else if (accept("DROP")) {
        if (accept("PRIMARY", "KEY")) {
          throw new Untranslatable("ALTER TABLE ... DROP PRIMARY KEY is not translated");
        } else if (accept("INDEX") || accept("KEY")) {
          accept("IF", "EXISTS");
          out.add(dropIndex(table, identifier()));
        } else if (accept("FOREIGN", "KEY") || accept("CHECK")) {
          accept("IF", "EXISTS");
          identifier(); // never carried, so nothing to drop
        } else if (accept("CONSTRAINT")) {
          accept("IF", "EXISTS");
          out.add(dropIndex(table, identifier())); // a unique key's, or nothing (IF EXISTS)
        } else {
          accept("COLUMN");
          boolean ifExists = accept("IF", "EXISTS");
          out.add(
              "ALTER TABLE "
                  + target
                  + " DROP COLUMN "
                  + (ifExists ? "IF EXISTS " : "")
                  + PgSql.quote(identifier()));
        }
      } else if (accept("RENAME", "COLUMN")) {
        String from = identifier();
        expect("TO");
        out.add(
            "ALTER TABLE "
                + target
                + " RENAME COLUMN "
                + PgSql.quote(from)
                + " TO "
                + PgSql.quote(identifier()));
      } else if (accept("RENAME")) {
        if (!accept("TO")) {
          accept("AS");
        }
        // the other changes go to the table under its old name, the renaming last
        renames.addAll(rename(table, qualified()));
      } else if (accept("ALTER")) {
        accept("COLUMN");
        String col = PgSql.quote(identifier());
        if (accept("DROP", "DEFAULT")) {
          out.add("ALTER TABLE " + target + " ALTER COLUMN " + col + " DROP DEFAULT");
        } else if (accept("SET", "DEFAULT")) {
          String literal = literalDefault();
          if (literal != null) {
            out.add("ALTER TABLE " + target + " ALTER COLUMN " + col + " SET DEFAULT " + literal);
          } else {
            skipClause(); // an expression: rows arrive with their values anyway
          }
        } else {
          throw unsupported();
        }
      } else if (accept("CHANGE")) {
        accept("COLUMN");
        String from = identifier();
        String to = identifier();
        ColumnSpec def = columnDef(to, table);
        if (!from.equals(to)) {
          out.add(
              "ALTER TABLE "
                  + target
                  + " RENAME COLUMN "
                  + PgSql.quote(from)
                  + " TO "
                  + PgSql.quote(to));
        }
        out.addAll(retype(target, def));
      } else if (accept("MODIFY")) {
        accept("COLUMN");
        out.addAll(retype(target, columnDef(identifier(), table)));
      } else if (tableOption()) {
        // ENGINE=, COMMENT=, CHARSET=: nothing in PostgreSQL
      } else {
        throw unsupported();
      }
    } while (accept(","));
    out.addAll(renames);
    return out;
  }

  /**
   * Partition maintenance: DROP/TRUNCATE/EXCHANGE/REORGANIZE/COALESCE/REMOVE... PARTITION delete or
   * move rows on the source without row events, so they stop the service; ADD PARTITION and the
   * like change where rows are stored only.
   */
  private void partition() {
    String verb = peek().upper();
    if (verb.equals("ADD")
        || verb.equals("ANALYZE")
        || verb.equals("CHECK")
        || verb.equals("OPTIMIZE")
        || verb.equals("REBUILD")
        || verb.equals("REPAIR")) {
      skipClause();
      return;
    }
    throw new Untranslatable(
        "ALTER TABLE ... "
            + verb
            + " PARTITION changes the rows of the table on the source without row events, so"
            + " PostgreSQL cannot follow it");
  }

  /** Skips to the next ',' outside parentheses (or the end). */
  private void skipClause() {
    int depth = 0;
    while (!atEnd() && !(depth == 0 && peek().isSymbol(","))) {
      if (peek().isSymbol("(")) {
        depth++;
      } else if (peek().isSymbol(")")) {
        depth--;
      }
      p++;
    }
  }

  /**
   * A default that is one constant (a number, a string, TRUE/FALSE) as a PostgreSQL literal, and
   * the position past it; null (the position unchanged) when it is anything else.
   */
  private String literalDefault() {
    int at = p;
    boolean negative = false;
    if (peek().isSymbol("-")) {
      negative = true;
      p++;
    }
    Token k = peek();
    String literal = null;
    if (k.kind() == Kind.NUMBER) {
      literal = PgSql.literal((negative ? "-" : "") + k.text());
    } else if (!negative && k.kind() == Kind.STRING) {
      literal = PgSql.literal(k.text());
    } else if (!negative && (k.is("TRUE") || k.is("FALSE"))) {
      literal = k.is("TRUE") ? "'1'" : "'0'";
    }
    if (literal != null) {
      p++;
      Token next = peek();
      if (atEnd()
          || next.isSymbol(",")
          || next.isSymbol(")")
          || (next.kind() == Kind.WORD && !next.is("COLLATE"))) {
        return literal;
      }
    }
    p = at;
    return null;
  }

  /** ALTER COLUMN ... TYPE and NULL-ness, to the column's new mapping. */
  private static List<String> retype(String target, ColumnSpec c) {
    String col = PgSql.quote(c.name());
    String type = PgTypes.pgType(c);
    return List.of(
        "ALTER TABLE "
            + target
            + " ALTER COLUMN "
            + col
            + " TYPE "
            + type
            + " USING "
            + col
            + "::"
            + type,
        "ALTER TABLE "
            + target
            + " ALTER COLUMN "
            + col
            + (c.nullable() ? " DROP" : " SET")
            + " NOT NULL");
  }

  private boolean tableOption() {
    accept("DEFAULT");
    for (String option :
        new String[] {"ENGINE", "COMMENT", "CHARSET", "COLLATE", "ROW_FORMAT", "AUTO_INCREMENT"}) {
      if (accept(option)) {
        accept("=");
        p++;
        return true;
      }
    }
    if (accept("CHARACTER", "SET") || accept("CONVERT", "TO", "CHARACTER", "SET")) {
      accept("=");
      p++;
      accept("COLLATE");
      if (!atEnd() && !peek().isSymbol(",")) {
        p++;
      }
      return true;
    }
    return accept("FORCE");
  }

  private List<String> addColumn(String target, String[] table, boolean ifNotExists) {
    ColumnSpec c = columnDef(identifier(), table);
    String fill = backFill(c, defStart, defEnd);
    if (accept("FIRST")) {
      // PostgreSQL adds at the end; rows name their columns
    } else if (accept("AFTER")) {
      identifier();
    }
    return List.of(
        "ALTER TABLE "
            + target
            + " ADD COLUMN "
            + (ifNotExists ? "IF NOT EXISTS " : "")
            + PgTableDdl.column(c)
            + (fill == null ? "" : " DEFAULT " + fill));
  }

  /**
   * The value the source gives the rows a table already has when a column is added (it writes no
   * row events for them), as a PostgreSQL DEFAULT literal so that PostgreSQL's rows get the same;
   * null when they get NULL. A DEFAULT that is a constant is carried; no DEFAULT on a NOT NULL
   * number or string column is the source's implicit 0 or ''. A default PostgreSQL cannot be given
   * exactly (an expression such as CURRENT_TIMESTAMP, evaluated on the source when the column was
   * added; a binary, BIT or geometry constant) and AUTO_INCREMENT (which numbers the rows) are
   * {@link Untranslatable}.
   */
  private String backFill(ColumnSpec c, int from, int to) {
    int resume = p;
    try {
      int depth = 0;
      for (p = from; p < to; p++) {
        Token k = t.get(p);
        if (k.isSymbol("(")) {
          depth++;
        } else if (k.isSymbol(")")) {
          depth--;
        } else if (depth == 0 && k.is("AUTO_INCREMENT")) {
          throw new Untranslatable(
              "ADD COLUMN "
                  + c.name()
                  + " ... AUTO_INCREMENT numbers the table's rows on the source without row"
                  + " events");
        } else if (depth == 0 && k.is("DEFAULT") && !t.get(p - 1).is("ON")) {
          p++;
          if (peek().is("NULL")) {
            return null;
          }
          String literal = literalDefault();
          if (literal == null) {
            throw new Untranslatable(
                "ADD COLUMN "
                    + c.name()
                    + " DEFAULT "
                    + peek().text()
                    + "...: the source filled the table's rows with that expression's value"
                    + " without row events, which PostgreSQL cannot be given exactly");
          }
          SqlType type = c.type();
          if (type.isBinary() || type == SqlType.BIT || type == SqlType.GEOMETRY) {
            throw new Untranslatable(
                "ADD COLUMN "
                    + c.name()
                    + " "
                    + type
                    + " DEFAULT: the source filled the table's rows with that value without row"
                    + " events, and a default of this type is not carried to PostgreSQL exactly");
          }
          if ((type == SqlType.DATE || type == SqlType.DATETIME || type == SqlType.TIMESTAMP)
              && literal.startsWith("'0000-00-00")) {
            return "'-infinity'"; // the mapping of zero dates
          }
          return literal;
        }
      }
    } finally {
      p = resume;
    }
    if (c.nullable()) {
      return null;
    }
    SqlType type = c.type();
    if (type.isInteger()
        || type == SqlType.DECIMAL
        || type == SqlType.FLOAT
        || type == SqlType.DOUBLE) {
      return "'0'";
    }
    return type.isCharacter() ? "''" : null;
  }

  /**
   * Reads a column's definition (after its name) to the next ',' or ')' and returns it as the
   * source's parser understands it.
   */
  private ColumnSpec columnDef(String name, String[] table) {
    int start = p;
    int depth = 0;
    while (!atEnd()) {
      Token k = peek();
      if (depth == 0 && (k.isSymbol(",") || k.isSymbol(")") || k.is("FIRST") || k.is("AFTER"))) {
        break;
      }
      if (k.isSymbol("(")) {
        depth++;
      } else if (k.isSymbol(")")) {
        depth--;
      }
      p++;
    }
    defStart = start;
    defEnd = p;
    StringBuilder def = new StringBuilder("CREATE TABLE `x`.`y` (`");
    def.append(name.replace("`", "``")).append("`");
    for (Token k : t.subList(start, p)) {
      def.append(' ').append(render(k));
    }
    def.append(')');
    List<Catalog.Op> ops = new DdlParser(new Catalog(), c -> null).apply("x", def.toString());
    String type = null;
    if (start + 3 < p && t.get(start + 1).isSymbol("(") && t.get(start + 2).kind() == Kind.NUMBER) {
      type = t.get(start).text() + "(" + t.get(start + 2).text() + ")";
    }
    for (Catalog.Op op : ops) {
      if (op instanceof Catalog.PutTable put && !put.table().columns().isEmpty()) {
        return declared(put.table().columns().get(0), type);
      }
    }
    throw new Untranslatable("cannot read the definition of column " + name + " of " + table[1]);
  }

  private static final java.util.Set<String> CHARACTER_TYPES =
      java.util.Set.of("char", "character", "varchar", "varchar2", "nchar", "nvarchar");

  /**
   * Column name to its declared character type with its length ({@code varchar(40)}), read from the
   * CREATE TABLE's tokens: the source's parser keeps the type's name only.
   */
  private java.util.Map<String, String> declaredTypes() {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    int depth = 0;
    for (int i = 0; i < t.size(); i++) {
      Token k = t.get(i);
      if (k.isSymbol("(")) {
        depth++;
      } else if (k.isSymbol(")")) {
        depth--;
      } else if (depth == 1
          && i >= 2
          && i + 3 < t.size()
          && k.kind() == Kind.WORD
          && CHARACTER_TYPES.contains(k.text().toLowerCase(Locale.ROOT))
          && (t.get(i - 1).kind() == Kind.WORD || t.get(i - 1).kind() == Kind.QUOTED)
          && (t.get(i - 2).isSymbol("(") || t.get(i - 2).isSymbol(","))
          && t.get(i + 1).isSymbol("(")
          && t.get(i + 2).kind() == Kind.NUMBER) {
        out.put(
            t.get(i - 1).text(),
            k.text().toLowerCase(Locale.ROOT) + "(" + t.get(i + 2).text() + ")");
      }
    }
    return out;
  }

  /** The column with its declared type, when it is known and of the same family. */
  private static ColumnSpec declared(ColumnSpec c, String type) {
    if (type == null || !c.type().isCharacter()) {
      return c;
    }
    return new ColumnSpec(
        c.name(),
        c.type(),
        type,
        c.unsigned(),
        c.nullable(),
        c.charset(),
        c.key(),
        c.length(),
        c.scale(),
        c.labels());
  }

  private static String render(Token k) {
    return switch (k.kind()) {
      case QUOTED -> "`" + k.text().replace("`", "``") + "`";
      case STRING -> "'" + k.text().replace("\\", "\\\\").replace("'", "''") + "'";
      default -> k.text();
    };
  }

  private List<String> rename(String[] from, String[] to) {
    List<String> out = new ArrayList<>();
    String fromSchema = names.schema(from[0]);
    String toSchema = names.schema(to[0]);
    String current = pgName(from);
    if (!fromSchema.equals(toSchema)) {
      out.add("ALTER TABLE " + current + " SET SCHEMA " + PgSql.quote(toSchema));
      current = PgSql.quote(toSchema) + "." + PgSql.quote(from[1]);
    }
    if (!from[1].equals(to[1])) {
      out.add("ALTER TABLE " + current + " RENAME TO " + PgSql.quote(to[1]));
    }
    return out;
  }

  /** PostgreSQL names indexes per schema, MariaDB per table: {@code table_index}. */
  private String indexName(String[] table, String index) {
    String name = table[1] + "_" + index;
    return name.length() > 63 ? name.substring(0, 63) : name;
  }

  private String createIndex(String[] table, String index, boolean unique, List<String> cols) {
    return "CREATE "
        + (unique ? "UNIQUE " : "")
        + "INDEX "
        + PgSql.quote(indexName(table, index))
        + " ON "
        + pgName(table)
        + " ("
        + PgTableDdl.names(cols)
        + ")";
  }

  private String dropIndex(String[] table, String index) {
    return "DROP INDEX IF EXISTS "
        + PgSql.quote(names.schema(table[0]))
        + "."
        + PgSql.quote(indexName(table, index));
  }

  /** {@code (a, b(10) DESC, ...)}: the column names (prefix lengths and order left out). */
  private List<String> columnList() {
    expect("(");
    List<String> cols = new ArrayList<>();
    do {
      cols.add(identifier());
      if (accept("(")) {
        p++;
        expect(")");
      }
      if (!accept("ASC")) {
        accept("DESC");
      }
    } while (accept(","));
    expect(")");
    while (!atEnd() && !peek().isSymbol(",")) {
      p++; // index options: USING BTREE, COMMENT, ...
    }
    return cols;
  }

  private String pgName(String[] table) {
    return PgSql.quote(names.schema(table[0])) + "." + PgSql.quote(table[1]);
  }

  private Untranslatable unsupported() {
    StringBuilder head = new StringBuilder();
    for (int i = 0; i < Math.min(p + 2, t.size()); i++) {
      head.append(i == 0 ? "" : " ").append(t.get(i).upper());
    }
    return new Untranslatable(head + " is not translated to PostgreSQL");
  }

  // ---------------------------------------------------------------- tokens

  private boolean atEnd() {
    return p >= t.size() || t.get(p).isSymbol(";");
  }

  private Token peek() {
    return p < t.size() ? t.get(p) : new Token(Kind.SYMBOL, ";");
  }

  private boolean accept(String... words) {
    for (int i = 0; i < words.length; i++) {
      Token k = p + i < t.size() ? t.get(p + i) : new Token(Kind.SYMBOL, ";");
      if (!(k.is(words[i]) || k.isSymbol(words[i]))) {
        return false;
      }
    }
    p += words.length;
    return true;
  }

  private void expect(String word) {
    if (!accept(word)) {
      throw new Untranslatable("expected " + word + " but found '" + peek().text() + "'");
    }
  }

  private String identifier() {
    Token k = peek();
    if (k.kind() == Kind.WORD || k.kind() == Kind.QUOTED) {
      p++;
      return k.text();
    }
    throw new Untranslatable("expected a name but found '" + k.text() + "'");
  }

  private String[] qualified() {
    String first = identifier();
    if (accept(".")) {
      return new String[] {schemaName(first), identifier()};
    }
    if (defaultSchema == null) {
      throw new Untranslatable("table " + first + " has no schema and the statement none");
    }
    return new String[] {schemaName(defaultSchema), first};
  }

  /** A source schema the statement names (remembered for {@link #touchesFerrySchema}). */
  private String schemaName(String schema) {
    sourceSchemas.add(schema);
    return schema;
  }

  @Override
  public String toString() {
    return "PgDdl[" + names + "]".toLowerCase(Locale.ROOT);
  }
}
