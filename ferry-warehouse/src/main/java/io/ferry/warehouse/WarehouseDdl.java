package io.ferry.warehouse;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import io.ferry.core.target.SchemaTranslator;
import io.ferry.core.target.SourceTable;
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
import java.util.Set;

/**
 * Translates the DDL of a MariaDB/MySQL log into a warehouse dialect's statements: CREATE/DROP
 * DATABASE, CREATE TABLE, DROP TABLE, RENAME TABLE, TRUNCATE, and ALTER TABLE ADD/DROP/RENAME/
 * CHANGE/MODIFY COLUMN and RENAME. What has no meaning in a warehouse (indexes, keys, views,
 * routines, triggers, accounts, table options, maintenance) is passed over; anything else cannot be
 * translated. Stateless.
 */
final class WarehouseDdl {
  /** What to do with a statement. */
  sealed interface Plan permits Run, PassOver, Untranslatable {}

  /** Run these statements; {@code tables} are the tables whose shape they change. */
  record Run(List<String> statements) implements Plan {}

  /** Nothing to do in a warehouse. */
  record PassOver(String why) implements Plan {}

  /** Not translatable: why. */
  record Untranslatable(String why) implements Plan {}

  private static final Set<String> NO_DATA_OBJECTS =
      Set.of(
          "INDEX",
          "VIEW",
          "TRIGGER",
          "PROCEDURE",
          "FUNCTION",
          "EVENT",
          "USER",
          "ROLE",
          "SERVER",
          "SEQUENCE",
          "SPATIAL",
          "FULLTEXT",
          "UNIQUE",
          "ALGORITHM",
          "DEFINER",
          "SQL",
          "AGGREGATE",
          "PACKAGE",
          "LOGFILE",
          "TABLESPACE",
          "SYNONYM");

  private final WarehouseDialect dialect;
  private List<Token> t;
  private int p;
  private String defaultSchema;

  WarehouseDdl(WarehouseDialect dialect) {
    this.dialect = dialect;
  }

  Plan plan(String defaultSchema, String sql) {
    this.t = SqlTokenizer.tokenize(io.ferry.mysql.sql.StatementClassifier.unwrap(sql));
    this.p = 0;
    this.defaultSchema = defaultSchema;
    try {
      return statement(sql);
    } catch (Refused e) {
      return new Untranslatable(e.getMessage());
    } catch (DdlException | IndexOutOfBoundsException e) {
      return new Untranslatable("cannot read it: " + e.getMessage());
    }
  }

  /** A statement the parser read but the warehouse cannot follow exactly (the message says why). */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String why) {
      super(why);
    }
  }

  private Plan statement(String sql) {
    if (accept("GRANT") || accept("REVOKE") || accept("FLUSH") || accept("ANALYZE")) {
      return new PassOver("no data in a warehouse");
    }
    if (accept("CREATE")) {
      boolean replace = accept("OR", "REPLACE");
      if (accept("DATABASE") || accept("SCHEMA")) {
        accept("IF", "NOT", "EXISTS");
        String s = identifier();
        return catalog(s) ? pass(s) : run(dialect.createSchema(s));
      }
      if (accept("TABLE")) {
        return createTable(sql, replace);
      }
      if (accept("TEMPORARY")) {
        return new PassOver("a temporary table");
      }
      return noData();
    }
    if (accept("DROP")) {
      if (accept("DATABASE") || accept("SCHEMA")) {
        accept("IF", "EXISTS");
        String s = identifier();
        return catalog(s) ? pass(s) : run("DROP SCHEMA IF EXISTS " + dialect.quote(s) + " CASCADE");
      }
      if (accept("TEMPORARY")) {
        return new PassOver("a temporary table");
      }
      if (accept("TABLE") || accept("TABLES")) {
        accept("IF", "EXISTS");
        List<String> out = new ArrayList<>();
        do {
          String[] n = qualified();
          if (!catalog(n[0])) {
            out.add("DROP TABLE IF EXISTS " + dialect.qualified(n[0], n[1]));
          }
        } while (accept(","));
        return out.isEmpty() ? new PassOver("Ferry's catalog") : new Run(out);
      }
      return noData();
    }
    if (accept("RENAME")) {
      if (!(accept("TABLE") || accept("TABLES"))) {
        return noData(); // RENAME USER
      }
      List<String> out = new ArrayList<>();
      do {
        String[] from = qualified();
        expect("TO");
        String[] to = qualified();
        if (!from[0].equals(to[0])) {
          return new Untranslatable(
              "it moves "
                  + from[1]
                  + " from schema "
                  + from[0]
                  + " to "
                  + to[0]
                  + ", which the warehouse cannot do in one statement");
        }
        out.add(dialect.renameTable(from[0], from[1], to[1]));
      } while (accept(","));
      return new Run(out);
    }
    if (accept("TRUNCATE")) {
      accept("TABLE");
      String[] n = qualified();
      return run(dialect.truncate(n[0], n[1]));
    }
    if (accept("ALTER")) {
      accept("ONLINE");
      accept("IGNORE");
      if (accept("TABLE")) {
        return alterTable();
      }
      if (accept("DATABASE") || accept("SCHEMA")) {
        return new PassOver("database options");
      }
      return noData();
    }
    return new Untranslatable("not a statement the warehouse translates");
  }

  /**
   * CREATE TABLE through the schema translator; OR REPLACE drops the store's table first, as the
   * source replaced the old one with its rows (the translator's CREATE keeps an existing table).
   */
  private Plan createTable(String sql, boolean replace) {
    Catalog scratch = new Catalog();
    List<Catalog.Op> ops;
    try {
      ops = new DdlParser(scratch, c -> null).apply(defaultSchema, sql);
    } catch (DdlException e) {
      return new Untranslatable(e.getMessage());
    }
    List<String> out = new ArrayList<>();
    for (Catalog.Op op : ops) {
      if (op instanceof Catalog.PutTable put) {
        TableDef def = put.table();
        if (catalog(def.schema())) {
          return pass(def.schema());
        }
        SchemaTranslator tr = dialect.translator();
        if (tr == null) {
          return new Untranslatable(
              "no schema translator for the "
                  + dialect.name()
                  + " dialect is on the class path (module ferry-postgresql)");
        }
        String schema = tr.createSchema(def.schema());
        if (schema != null) {
          out.add(schema);
        }
        if (replace) {
          out.add("DROP TABLE IF EXISTS " + dialect.qualified(def.schema(), def.name()));
        }
        out.addAll(tr.createTable(sourceTable(def)));
      }
    }
    return out.isEmpty() ? new PassOver("no table") : new Run(out);
  }

  static SourceTable sourceTable(TableDef def) {
    List<String> key = new ArrayList<>();
    for (ColumnSpec c : def.columns()) {
      if (c.key()) {
        key.add(c.name());
      }
    }
    return new SourceTable(def.schema(), def.name(), def.columns(), key, List.of());
  }

  private Plan alterTable() {
    String[] n = qualified();
    if (catalog(n[0])) {
      return pass(n[0]);
    }
    String dropsRows = partitionRowsGone();
    if (dropsRows != null) {
      return new Untranslatable(
          dropsRows
              + " PARTITION removes rows on the source without logging them as row changes, and"
              + " the warehouse does not keep the source's partitions to remove them by");
    }
    String table = dialect.qualified(n[0], n[1]);
    List<String> out = new ArrayList<>();
    String current = n[1];
    do {
      if (accept("ADD")) {
        if (accept("COLUMN") || !isKeyWord()) {
          accept("IF", "NOT", "EXISTS");
          if (accept("(")) {
            do {
              out.add(addColumn(table, n[0]));
            } while (accept(","));
            expect(")");
          } else {
            out.add(addColumn(table, n[0]));
          }
        } else {
          skipClause(); // an index, key or constraint
        }
      } else if (accept("DROP")) {
        if (accept("COLUMN") || !isKeyWord()) {
          accept("IF", "EXISTS");
          out.add("ALTER TABLE " + table + " DROP COLUMN " + dialect.quote(identifier()));
        } else {
          skipClause();
        }
      } else if (accept("RENAME", "COLUMN")) {
        String from = identifier();
        expect("TO");
        out.add(
            "ALTER TABLE "
                + table
                + " RENAME COLUMN "
                + dialect.quote(from)
                + " TO "
                + dialect.quote(identifier()));
      } else if (accept("RENAME", "INDEX") || accept("RENAME", "KEY")) {
        skipClause();
      } else if (accept("RENAME")) {
        if (!accept("TO")) {
          accept("AS");
        }
        String[] to = qualified();
        if (!to[0].equals(n[0])) {
          return new Untranslatable("it moves the table to another schema");
        }
        out.add(dialect.renameTable(n[0], current, to[1]));
        current = to[1];
        table = dialect.qualified(n[0], current);
      } else if (accept("CHANGE")) {
        accept("COLUMN");
        accept("IF", "EXISTS");
        String from = identifier();
        String to = peek().text();
        ColumnSpec spec = column(n[0]);
        if (!from.equals(to)) {
          out.add(
              "ALTER TABLE "
                  + table
                  + " RENAME COLUMN "
                  + dialect.quote(from)
                  + " TO "
                  + dialect.quote(to));
        }
        out.add(setType(table, spec));
      } else if (accept("MODIFY")) {
        accept("COLUMN");
        accept("IF", "EXISTS");
        out.add(setType(table, column(n[0])));
      } else if (accept("ALTER")) {
        accept("COLUMN");
        identifier();
        skipClause(); // SET/DROP DEFAULT: rows always carry every value
      } else if (peek().kind() == Kind.WORD
          && Set.of(
                  "ENGINE",
                  "ROW_FORMAT",
                  "COMMENT",
                  "DEFAULT",
                  "CHARACTER",
                  "CHARSET",
                  "COLLATE",
                  "CONVERT",
                  "ALGORITHM",
                  "LOCK",
                  "FORCE",
                  "ORDER",
                  "AUTO_INCREMENT",
                  "KEY_BLOCK_SIZE",
                  "STATS_PERSISTENT",
                  "PAGE_CHECKSUM",
                  "TRANSACTIONAL",
                  "ENABLE",
                  "DISABLE",
                  "CHECKSUM",
                  "MAX_ROWS",
                  "MIN_ROWS",
                  "PACK_KEYS",
                  "DELAY_KEY_WRITE",
                  "WAIT",
                  "NOWAIT")
              .contains(peek().upper())) {
        skipClause(); // (CONVERT TO CHARACTER SET too: values arrive decoded all the same)
      } else if (atEnd()) {
        break;
      } else {
        return new Untranslatable("ALTER TABLE ... " + peek().text() + " is not translated");
      }
    } while (accept(","));
    return out.isEmpty() ? new PassOver("table options, keys or indexes") : new Run(out);
  }

  /**
   * The partition operation of the ALTER TABLE at the cursor that changes rows without row events
   * (DROP, TRUNCATE, EXCHANGE; REORGANIZE and COALESCE move rows between partitions that the
   * warehouse does not have, and are refused alike rather than guessed about), or null.
   */
  private String partitionRowsGone() {
    Set<String> ops = Set.of("DROP", "TRUNCATE", "EXCHANGE", "REORGANIZE", "COALESCE");
    for (int i = p; i + 1 < t.size() && !t.get(i).isSymbol(";"); i++) {
      Token k = t.get(i);
      if (k.kind() == Kind.WORD
          && ops.contains(k.upper())
          && t.get(i + 1).kind() == Kind.WORD
          && t.get(i + 1).is("PARTITION")) {
        return k.upper();
      }
    }
    return null;
  }

  private String setType(String table, ColumnSpec spec) {
    String type = dialect.typeName(spec);
    if (type == null) {
      throw new DdlException("no " + dialect.name() + " type for " + spec.typeName());
    }
    return "ALTER TABLE " + table + " ALTER COLUMN " + dialect.quote(spec.name()) + " TYPE " + type;
  }

  private String addColumn(String table, String schema) {
    int from = p;
    ColumnSpec spec = column(schema);
    String type = dialect.typeName(spec);
    if (type == null) {
      throw new DdlException("no " + dialect.name() + " type for " + spec.typeName());
    }
    String fill = backFill(spec, from, p);
    if (accept("FIRST")) {
      // the warehouse appends: columns are loaded by name
    } else if (accept("AFTER")) {
      identifier();
    }
    return "ALTER TABLE "
        + table
        + " ADD COLUMN "
        + dialect.quote(spec.name())
        + " "
        + type
        + (fill == null ? "" : " DEFAULT '" + fill.replace("'", "''") + "'");
  }

  private static final Set<SqlType> WHOLE =
      Set.of(
          SqlType.TINYINT,
          SqlType.SMALLINT,
          SqlType.MEDIUMINT,
          SqlType.INT,
          SqlType.BIGINT,
          SqlType.YEAR);

  private static final Set<SqlType> TEXTS =
      Set.of(SqlType.CHAR, SqlType.VARCHAR, SqlType.TEXT, SqlType.ENUM);

  /**
   * The value the source gives the rows it already has when it adds this column (its DEFAULT
   * literal, or for NOT NULL without one, the type's implicit default), as the text the store reads
   * it from; null when they get NULL. The source fills them without row events, so the store's ADD
   * COLUMN must fill them the same (both stores do for a constant DEFAULT). A value the warehouse
   * cannot reproduce exactly (an expression, a type whose stored form differs from the literal) is
   * refused.
   */
  private String backFill(ColumnSpec spec, int from, int to) {
    int depth = 0;
    for (int i = from; i < to; i++) {
      Token k = t.get(i);
      if (k.isSymbol("(")) {
        depth++;
      } else if (k.isSymbol(")")) {
        depth--;
      } else if (depth == 0 && k.kind() == Kind.WORD && k.is("DEFAULT")) {
        String sign = "";
        int j = i + 1;
        if (j < to && (t.get(j).isSymbol("-") || t.get(j).isSymbol("+"))) {
          sign = t.get(j).isSymbol("-") ? "-" : "";
          j++;
        }
        Token v = j < to ? t.get(j) : new Token(Kind.SYMBOL, ";");
        if (sign.isEmpty() && v.kind() == Kind.WORD && v.is("NULL")) {
          return null;
        }
        boolean literal = v.kind() == Kind.NUMBER || (sign.isEmpty() && v.kind() == Kind.STRING);
        boolean last = j + 1 >= to || isColumnAttribute(t.get(j + 1));
        if (!literal || !last) {
          throw refuseFill(spec, "its DEFAULT is not a constant");
        }
        return fillValue(spec, sign + v.text());
      }
    }
    if (spec.nullable()) {
      return null;
    }
    if (WHOLE.contains(spec.type())
        || spec.type() == SqlType.DECIMAL
        || spec.type() == SqlType.FLOAT
        || spec.type() == SqlType.DOUBLE) {
      return fillValue(spec, "0");
    }
    if (spec.type() == SqlType.ENUM && !spec.labels().isEmpty()) {
      return spec.labels().get(0);
    }
    if (TEXTS.contains(spec.type())) {
      return "";
    }
    throw refuseFill(spec, "it is NOT NULL without a DEFAULT, and its implicit default");
  }

  private static boolean isColumnAttribute(Token k) {
    return k.kind() == Kind.WORD
        && Set.of(
                "NOT",
                "NULL",
                "PRIMARY",
                "UNIQUE",
                "KEY",
                "COMMENT",
                "COLLATE",
                "CHARACTER",
                "CHARSET",
                "CHECK",
                "INVISIBLE",
                "REFERENCES",
                "CONSTRAINT",
                "AUTO_INCREMENT")
            .contains(k.upper());
  }

  private String fillValue(ColumnSpec spec, String literal) {
    try {
      if (WHOLE.contains(spec.type())) {
        return new java.math.BigInteger(literal.trim()).toString();
      }
      if (spec.type() == SqlType.DECIMAL) {
        return new java.math.BigDecimal(literal.trim())
            .setScale(spec.scale(), java.math.RoundingMode.UNNECESSARY)
            .toPlainString();
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw refuseFill(spec, "its DEFAULT " + literal + " is not stored as written");
    }
    if (spec.type() == SqlType.FLOAT || spec.type() == SqlType.DOUBLE) {
      return literal;
    }
    if (TEXTS.contains(spec.type())) {
      return literal;
    }
    if ((spec.type() == SqlType.DATE && literal.matches("\\d{4}-\\d{2}-\\d{2}"))
        || (spec.type() == SqlType.DATETIME
            && literal.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?"))) {
      if (literal.startsWith("0000")
          || literal.substring(5, 7).equals("00")
          || literal.substring(8, 10).equals("00")) {
        throw refuseFill(spec, "its DEFAULT is a zero date");
      }
      return literal;
    }
    throw refuseFill(spec, "its DEFAULT " + literal + " on a " + spec.typeName() + " column");
  }

  private static Refused refuseFill(ColumnSpec spec, String why) {
    return new Refused(
        "ADD COLUMN "
            + spec.name()
            + ": the source fills the rows it already has without logging them, and "
            + why
            + " cannot be reproduced exactly on the warehouse; add the column there by hand and"
            + " fill it from the source (UPDATE ... SET "
            + spec.name()
            + " = the source's value)");
  }

  /** A column definition at the cursor, read by the schema history's parser. */
  private ColumnSpec column(String schema) {
    StringBuilder def = new StringBuilder();
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
      def.append(' ').append(text(k));
      p++;
    }
    Catalog scratch = new Catalog();
    List<Catalog.Op> ops =
        new DdlParser(scratch, c -> null)
            .apply(schema, "CREATE TABLE `ferry_ddl_scratch` (" + def + ")");
    TableDef d = ((Catalog.PutTable) ops.get(0)).table();
    return d.columns().get(0);
  }

  private static String text(Token k) {
    return switch (k.kind()) {
      case QUOTED -> "`" + k.text().replace("`", "``") + "`";
      case STRING -> "'" + k.text().replace("\\", "\\\\").replace("'", "''") + "'";
      default -> k.text();
    };
  }

  private boolean isKeyWord() {
    String w = peek().kind() == Kind.WORD ? peek().upper() : "";
    return Set.of(
            "INDEX",
            "KEY",
            "PRIMARY",
            "UNIQUE",
            "FOREIGN",
            "CONSTRAINT",
            "FULLTEXT",
            "SPATIAL",
            "CHECK",
            "PARTITION",
            "PERIOD",
            "SYSTEM")
        .contains(w);
  }

  private Plan noData() {
    String w = peek().kind() == Kind.WORD ? peek().upper() : "";
    if (NO_DATA_OBJECTS.contains(w)) {
      return new PassOver(w.toLowerCase(Locale.ROOT) + ": no data in a warehouse");
    }
    return new Untranslatable("not a statement the warehouse translates");
  }

  private Run run(String statement) {
    return new Run(List.of(statement));
  }

  private static PassOver pass(String schema) {
    return new PassOver("Ferry's catalog schema " + schema);
  }

  private static boolean catalog(String schema) {
    return schema.startsWith("ferry_");
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
      throw new DdlException("expected " + word + " but found '" + peek().text() + "'");
    }
  }

  private String identifier() {
    Token k = peek();
    if (k.kind() == Kind.WORD || k.kind() == Kind.QUOTED || k.kind() == Kind.STRING) {
      p++;
      return k.text();
    }
    throw new DdlException("expected a name but found '" + k.text() + "'");
  }

  private String[] qualified() {
    String first = identifier();
    if (peek().isSymbol(".")) {
      p++;
      return new String[] {first, identifier()};
    }
    if (defaultSchema == null) {
      throw new DdlException("table " + first + " has no schema and the statement none by default");
    }
    return new String[] {defaultSchema, first};
  }

  private void skipClause() {
    int depth = 0;
    while (!atEnd()) {
      Token k = peek();
      if (depth == 0 && k.isSymbol(",")) {
        return;
      }
      if (k.isSymbol("(")) {
        depth++;
      } else if (k.isSymbol(")")) {
        depth--;
      }
      p++;
    }
  }
}
