package io.ferry.postgresql;

import io.ferry.core.event.ColumnSpec;
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
 * TABLE, TRUNCATE, ALTER TABLE with ADD/DROP/RENAME COLUMN, CHANGE of a column's name, RENAME TO,
 * ADD/DROP INDEX and ADD PRIMARY KEY, table options (ignored), and CREATE/DROP INDEX. Anything else
 * raises {@link Untranslatable} with the reason. Not thread-safe: one applier.
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

  /** The PostgreSQL statements for a DDL statement (empty when it changes nothing there). */
  List<String> translate(String defaultSchema, String sql) {
    this.t = SqlTokenizer.tokenize(sql);
    this.p = 0;
    this.defaultSchema = defaultSchema;
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
      accept("OR", "REPLACE");
      boolean unique = accept("UNIQUE");
      if (accept("DATABASE") || accept("SCHEMA")) {
        accept("IF", "NOT", "EXISTS");
        out.add(PgTableDdl.createSchema(names.schema(identifier())));
        p = t.size(); // character set and collation: PostgreSQL's database has its own
      } else if (!unique && accept("TABLE")) {
        out.add(createTable(sql));
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
                + PgSql.quote(names.schema(identifier()))
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

  private String createTable(String sql) {
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
    return PgTableDdl.createTable(
        names.schema(def.schema()), def.name(), columns, pk, List.of(), ifNotExists);
  }

  private List<String> alterTable() {
    String[] table = qualified();
    String target = pgName(table);
    List<String> out = new ArrayList<>();
    String renamedTo = null;
    do {
      if (accept("ADD")) {
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
          String index = peek().isSymbol("(") ? "key" : identifier();
          out.add(createIndex(table, index, unique, columnList()));
        } else {
          accept("COLUMN");
          boolean ifNotExists = accept("IF", "NOT", "EXISTS");
          if (accept("(")) {
            do {
              out.add(addColumn(target, table, ifNotExists));
            } while (accept(","));
            expect(")");
          } else {
            out.add(addColumn(target, table, ifNotExists));
          }
        }
      } else if (accept("DROP")) {
        if (accept("PRIMARY", "KEY")) {
          throw new Untranslatable("ALTER TABLE ... DROP PRIMARY KEY is not translated");
        } else if (accept("INDEX") || accept("KEY")) {
          accept("IF", "EXISTS");
          out.add(dropIndex(table, identifier()));
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
        String[] to = qualified();
        renamedTo = to[0] + "\u0000" + to[1];
        out.addAll(rename(table, to));
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
    if (renamedTo != null && out.size() > 2) {
      throw new Untranslatable("ALTER TABLE with RENAME and other changes is not translated");
    }
    return out;
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

  private String addColumn(String target, String[] table, boolean ifNotExists) {
    ColumnSpec c = columnDef(identifier(), table);
    if (accept("FIRST")) {
      // PostgreSQL adds at the end; rows name their columns
    } else if (accept("AFTER")) {
      identifier();
    }
    return "ALTER TABLE "
        + target
        + " ADD COLUMN "
        + (ifNotExists ? "IF NOT EXISTS " : "")
        + PgTableDdl.column(c);
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
      return new String[] {first, identifier()};
    }
    if (defaultSchema == null) {
      throw new Untranslatable("table " + first + " has no schema and the statement none");
    }
    return new String[] {defaultSchema, first};
  }

  @Override
  public String toString() {
    return "PgDdl[" + names + "]".toLowerCase(Locale.ROOT);
  }
}
