package io.ferry.mysql.schema;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import io.ferry.mysql.sql.SqlTokenizer;
import io.ferry.mysql.sql.SqlTokenizer.Kind;
import io.ferry.mysql.sql.SqlTokenizer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Understands the DDL that changes what a table looks like in row events: CREATE/ALTER/DROP/ RENAME
 * TABLE and CREATE/ALTER/DROP DATABASE, including column types, signedness, character sets (column,
 * table, database, server defaults), ENUM/SET labels and the primary key. Anything else (indexes,
 * views, routines, users) does not change row events and is ignored. A statement it cannot
 * understand raises {@link DdlException}. Not thread-safe: one per history.
 */
public final class DdlParser {
  private final Catalog catalog;
  private final Function<String, String> charsetOfCollation;
  private List<Token> t;
  private int p;
  private String defaultSchema;
  private final List<Catalog.Op> ops = new ArrayList<>();

  /**
   * @param catalog the catalog the statements apply to
   * @param charsetOfCollation a collation name to its character set (null if unknown)
   */
  public DdlParser(Catalog catalog, Function<String, String> charsetOfCollation) {
    this.catalog = catalog;
    this.charsetOfCollation = charsetOfCollation;
  }

  /**
   * Applies one statement to the catalog and returns what it changed (empty for statements that do
   * not change tables).
   */
  public List<Catalog.Op> apply(String defaultSchema, String sql) {
    this.t = SqlTokenizer.tokenize(sql);
    this.p = 0;
    this.defaultSchema = defaultSchema;
    ops.clear();
    try {
      statement();
    } catch (IndexOutOfBoundsException e) {
      throw new DdlException("the statement ends too early");
    }
    List<Catalog.Op> result = List.copyOf(ops);
    result.forEach(catalog::apply);
    return result;
  }

  // ---------------------------------------------------------------- token helpers

  private boolean atEnd() {
    return p >= t.size() || t.get(p).isSymbol(";");
  }

  private Token peek() {
    return p < t.size() ? t.get(p) : new Token(Kind.SYMBOL, ";");
  }

  private Token peek(int ahead) {
    return p + ahead < t.size() ? t.get(p + ahead) : new Token(Kind.SYMBOL, ";");
  }

  private boolean accept(String... words) {
    for (int i = 0; i < words.length; i++) {
      Token k = peek(i);
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

  /** {@code [schema.]name}: the schema and name. */
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

  /** Skips a balanced parenthesized group starting at '('. */
  private void skipParens() {
    expect("(");
    int depth = 1;
    while (depth > 0) {
      Token k = t.get(p++);
      if (k.isSymbol("(")) {
        depth++;
      } else if (k.isSymbol(")")) {
        depth--;
      }
    }
  }

  /** Skips to the next ',' or ')' at this depth (not consuming it). */
  private void skipClause() {
    int depth = 0;
    while (!atEnd()) {
      Token k = peek();
      if (depth == 0 && (k.isSymbol(",") || k.isSymbol(")"))) {
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

  // ---------------------------------------------------------------- statements

  private void statement() {
    if (accept("CREATE")) {
      accept("OR", "REPLACE");
      accept("DEFINER", "=");
      if (accept("DATABASE") || accept("SCHEMA")) {
        createDatabase();
      } else if (accept("TEMPORARY")) {
        return; // temporary tables never appear in row events
      } else if (accept("TABLE")) {
        createTable();
      }
    } else if (accept("ALTER")) {
      if (accept("DATABASE") || accept("SCHEMA")) {
        alterDatabase();
      } else {
        accept("ONLINE");
        accept("IGNORE");
        if (accept("TABLE")) {
          alterTable();
        }
      }
    } else if (accept("DROP")) {
      if (accept("DATABASE") || accept("SCHEMA")) {
        accept("IF", "EXISTS");
        ops.add(new Catalog.DropSchema(identifier()));
      } else if (accept("TEMPORARY")) {
        return;
      } else if (accept("TABLE") || accept("TABLES")) {
        dropTables();
      }
    } else if (accept("RENAME")) {
      if (accept("TABLE") || accept("TABLES")) {
        renameTables();
      }
    }
  }

  private void createDatabase() {
    accept("IF", "NOT", "EXISTS");
    String name = identifier();
    String charset = databaseOptions();
    ops.add(new Catalog.PutSchema(name, charset != null ? charset : catalog.serverCharset()));
  }

  private void alterDatabase() {
    String name = defaultSchema;
    if (!peek().is("DEFAULT")
        && !peek().is("CHARACTER")
        && !peek().is("CHARSET")
        && !peek().is("COLLATE")) {
      name = identifier();
    }
    String charset = databaseOptions();
    if (charset != null && name != null) {
      ops.add(new Catalog.PutSchema(name, charset));
    }
  }

  /** Database or table options: returns the default character set they give, if any. */
  private String databaseOptions() {
    String charset = null;
    while (!atEnd() && !peek().isSymbol(")")) {
      accept("DEFAULT");
      if (accept("CHARACTER", "SET") || accept("CHARSET")) {
        accept("=");
        charset = charsetName(identifier());
      } else if (accept("COLLATE")) {
        accept("=");
        String collation = identifier();
        if (charset == null) {
          charset = charsetFromCollation(collation);
        }
      } else {
        p++;
      }
    }
    return charset;
  }

  private void createTable() {
    accept("IF", "NOT", "EXISTS");
    String[] name = qualified();
    if (accept("LIKE") || (peek().isSymbol("(") && peek(1).is("LIKE") && accept("("))) {
      if (peek().is("LIKE")) {
        p++;
      }
      String[] like = qualified();
      TableDef source = catalog.table(like[0], like[1]);
      if (source == null) {
        throw new DdlException("CREATE TABLE ... LIKE an unknown table " + like[0] + "." + like[1]);
      }
      ops.add(new Catalog.PutTable(source.renamed(name[0], name[1])));
      return;
    }
    if (!peek().isSymbol("(")) {
      throw new DdlException("CREATE TABLE without a column list (CREATE TABLE ... SELECT)");
    }
    String schemaCharset = catalog.schemaCharset(name[0]);
    // Columns are read after the table options, which may set the default character set.
    int columnsAt = p;
    skipParens();
    String tableCharset = databaseOptions();
    String charset = tableCharset != null ? tableCharset : schemaCharset;
    int end = p;
    p = columnsAt;
    expect("(");
    List<ColumnSpec> columns = new ArrayList<>();
    List<String> primaryKey = new ArrayList<>();
    while (true) {
      if (accept("PRIMARY", "KEY")
          || (accept("CONSTRAINT") && skipName() && accept("PRIMARY", "KEY"))) {
        primaryKey.addAll(keyColumns());
      } else if (isKeyDefinition()) {
        skipClause();
      } else {
        columns.add(column(charset, primaryKey));
      }
      if (accept(",")) {
        continue;
      }
      expect(")");
      break;
    }
    p = end;
    ops.add(
        new Catalog.PutTable(
            new TableDef(name[0], name[1], markKey(columns, primaryKey), charset)));
  }

  private boolean skipName() {
    if (!peek().is("PRIMARY")
        && !peek().is("UNIQUE")
        && !peek().is("FOREIGN")
        && !peek().is("CHECK")) {
      identifier();
    }
    return true;
  }

  private boolean isKeyDefinition() {
    Token k = peek();
    return k.is("KEY")
        || k.is("INDEX")
        || k.is("UNIQUE")
        || k.is("FULLTEXT")
        || k.is("SPATIAL")
        || k.is("FOREIGN")
        || k.is("CONSTRAINT")
        || k.is("CHECK")
        || k.is("PERIOD");
  }

  private List<String> keyColumns() {
    if (peek().is("USING")) {
      p += 2;
    }
    expect("(");
    List<String> names = new ArrayList<>();
    while (true) {
      names.add(identifier());
      skipClause(); // prefix length, ASC/DESC
      if (accept(",")) {
        continue;
      }
      expect(")");
      break;
    }
    skipClause();
    return names;
  }

  private static List<ColumnSpec> markKey(List<ColumnSpec> columns, List<String> key) {
    if (key.isEmpty()) {
      return columns;
    }
    List<ColumnSpec> out = new ArrayList<>();
    for (ColumnSpec c : columns) {
      out.add(key.stream().anyMatch(k -> k.equalsIgnoreCase(c.name())) ? c.asKey() : c);
    }
    return out;
  }

  /** A column definition: name, type, attributes. Adds to {@code primaryKey} if it says so. */
  private ColumnSpec column(String tableCharset, List<String> primaryKey) {
    String name = identifier();
    ColumnType type = type(tableCharset);
    boolean nullable = true;
    while (!atEnd()
        && !peek().isSymbol(",")
        && !peek().isSymbol(")")
        && !peek().is("FIRST")
        && !peek().is("AFTER")) {
      if (accept("NOT", "NULL")) {
        nullable = false;
      } else if (accept("NULL")) {
        nullable = true;
      } else if (accept("PRIMARY", "KEY") || accept("KEY")) {
        primaryKey.add(name);
        nullable = false;
      } else if (accept("CHARACTER", "SET") || accept("CHARSET")) {
        type.charset = charsetName(identifier());
      } else if (accept("COLLATE")) {
        String cs = charsetFromCollation(identifier());
        if (type.character && cs != null) {
          type.charset = cs;
        }
      } else if (peek().isSymbol("(")) {
        skipParens();
      } else {
        p++;
      }
    }
    return new ColumnSpec(
        name,
        type.sqlType,
        type.typeName,
        type.unsigned,
        nullable,
        type.character ? type.charset : type.binary ? "binary" : null,
        false,
        type.length,
        type.scale,
        type.labels);
  }

  /** What a data type declaration says. */
  private static final class ColumnType {
    SqlType sqlType;
    String typeName;
    boolean unsigned;
    boolean character;
    boolean binary;
    String charset;
    int length;
    int scale;
    List<String> labels = List.of();
  }

  private ColumnType type(String tableCharset) {
    String word = identifier().toLowerCase(Locale.ROOT);
    ColumnType c = new ColumnType();
    if (word.equals("double")) {
      accept("PRECISION");
    }
    if ((word.equals("character") || word.equals("char")) && accept("VARYING")) {
      word = "varchar";
    }
    if (word.equals("national") || word.equals("nchar") || word.equals("nvarchar")) {
      if (word.equals("national")) {
        word = identifier().toLowerCase(Locale.ROOT);
        if (accept("VARYING")) {
          word = "varchar";
        }
      } else {
        word = word.equals("nchar") ? "char" : "varchar";
      }
      c.charset = "utf8mb3";
    }
    if (word.equals("long")) {
      if (accept("VARBINARY")) {
        word = "mediumblob";
      } else {
        accept("VARCHAR");
        word = "mediumtext";
      }
    }
    List<String> args = new ArrayList<>();
    if (peek().isSymbol("(")) {
      p++;
      while (!peek().isSymbol(")")) {
        Token k = t.get(p++);
        if (!k.isSymbol(",")) {
          args.add(k.text());
        }
      }
      p++;
    }
    int a0 = args.isEmpty() ? -1 : parseInt(args.get(0));
    int a1 = args.size() < 2 ? -1 : parseInt(args.get(1));
    c.typeName = word;
    switch (word) {
      case "tinyint", "bool", "boolean" -> c.sqlType = SqlType.TINYINT;
      case "smallint" -> c.sqlType = SqlType.SMALLINT;
      case "mediumint" -> c.sqlType = SqlType.MEDIUMINT;
      case "int", "integer" -> c.sqlType = SqlType.INT;
      case "bigint" -> c.sqlType = SqlType.BIGINT;
      case "serial" -> {
        c.sqlType = SqlType.BIGINT;
        c.unsigned = true;
      }
      case "decimal", "dec", "numeric", "fixed" -> {
        c.sqlType = SqlType.DECIMAL;
        c.length = a0 < 0 ? 10 : a0;
        c.scale = a1 < 0 ? 0 : a1;
      }
      case "float" -> c.sqlType = a0 > 24 ? SqlType.DOUBLE : SqlType.FLOAT;
      case "double", "real" -> c.sqlType = SqlType.DOUBLE;
      case "bit" -> {
        c.sqlType = SqlType.BIT;
        c.length = a0 < 0 ? 1 : a0;
      }
      case "date" -> c.sqlType = SqlType.DATE;
      case "time" -> temporal(c, SqlType.TIME, a0);
      case "datetime" -> temporal(c, SqlType.DATETIME, a0);
      case "timestamp" -> temporal(c, SqlType.TIMESTAMP, a0);
      case "year" -> c.sqlType = SqlType.YEAR;
      case "char", "character" -> text(c, SqlType.CHAR, tableCharset);
      case "varchar", "varchar2" -> text(c, SqlType.VARCHAR, tableCharset);
      case "tinytext", "text", "mediumtext", "longtext" -> text(c, SqlType.TEXT, tableCharset);
      case "json" -> {
        text(c, SqlType.TEXT, "utf8mb4");
        c.charset = "utf8mb4";
      }
      case "binary" -> binary(c, SqlType.BINARY, a0 < 0 ? 1 : a0);
      case "varbinary" -> binary(c, SqlType.VARBINARY, a0);
      case "tinyblob", "blob", "mediumblob", "longblob" -> binary(c, SqlType.BLOB, 0);
      case "uuid" -> binary(c, SqlType.BINARY, 16);
      case "inet6" -> binary(c, SqlType.BINARY, 16);
      case "inet4" -> c.sqlType = SqlType.INT;
      case "enum", "set" -> {
        text(c, word.equals("enum") ? SqlType.ENUM : SqlType.SET, tableCharset);
        c.labels = List.copyOf(args);
      }
      case "geometry",
          "point",
          "linestring",
          "polygon",
          "multipoint",
          "multilinestring",
          "multipolygon",
          "geometrycollection",
          "geomcollection" ->
          c.sqlType = SqlType.GEOMETRY;
      default -> throw new DdlException("unknown column type '" + word + "'");
    }
    // attributes of the type itself
    while (true) {
      if (accept("UNSIGNED")) {
        c.unsigned = true;
      } else if (accept("SIGNED") || accept("ZEROFILL")) {
        // signed is the default; ZEROFILL implies UNSIGNED on integers
        if (peek(-1).is("ZEROFILL")) {
          c.unsigned = true;
        }
      } else if (accept("BINARY") && c.character) {
        // a binary collation of the column's character set: still character data
      } else if (accept("ASCII")) {
        c.charset = "latin1";
      } else if (accept("UNICODE")) {
        c.charset = "ucs2";
      } else if (accept("BYTE") && c.character) {
        c.character = false;
        c.binary = true;
      } else {
        break;
      }
    }
    return c;
  }

  private static void temporal(ColumnType c, SqlType type, int fsp) {
    c.sqlType = type;
    c.scale = Math.max(fsp, 0);
  }

  private static void text(ColumnType c, SqlType type, String tableCharset) {
    c.sqlType = type;
    c.character = true;
    if (c.charset == null) {
      c.charset = tableCharset;
    }
  }

  private static void binary(ColumnType c, SqlType type, int length) {
    c.sqlType = type;
    c.binary = true;
    c.length = Math.max(length, 0);
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private String charsetName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.equals("utf8")) {
      return "utf8mb3";
    }
    return n;
  }

  private String charsetFromCollation(String collation) {
    String cs = charsetOfCollation.apply(collation.toLowerCase(Locale.ROOT));
    if (cs != null) {
      return cs;
    }
    String c = collation.toLowerCase(Locale.ROOT);
    if (c.equals("binary")) {
      return "binary";
    }
    int underscore = c.indexOf('_');
    return underscore < 0 ? null : charsetName(c.substring(0, underscore));
  }

  // ---------------------------------------------------------------- ALTER TABLE

  private void alterTable() {
    String[] name = qualified();
    TableDef table = catalog.table(name[0], name[1]);
    if (table == null) {
      throw new DdlException(
          "ALTER TABLE of a table the history does not know: " + name[0] + "." + name[1]);
    }
    List<ColumnSpec> columns = new ArrayList<>(table.columns());
    String charset = table.defaultCharset();
    String newSchema = name[0];
    String newName = name[1];
    while (!atEnd()) {
      if (accept("ADD")) {
        if (accept("PRIMARY", "KEY")
            || (accept("CONSTRAINT") && skipName() && accept("PRIMARY", "KEY"))) {
          List<String> key = keyColumns();
          columns = markKey(columns, key);
        } else if (isKeyDefinition()) {
          skipClause();
        } else {
          accept("COLUMN");
          accept("IF", "NOT", "EXISTS");
          if (peek().isSymbol("(")) {
            p++;
            while (true) {
              List<String> key = new ArrayList<>();
              columns.add(column(charset, key));
              columns = markKey(columns, key);
              if (accept(",")) {
                continue;
              }
              expect(")");
              break;
            }
          } else {
            List<String> key = new ArrayList<>();
            ColumnSpec c = column(charset, key);
            place(columns, c, -1);
            columns = markKey(columns, key);
          }
        }
      } else if (accept("DROP")) {
        if (accept("PRIMARY", "KEY")) {
          List<ColumnSpec> out = new ArrayList<>();
          for (ColumnSpec c : columns) {
            out.add(
                c.key()
                    ? new ColumnSpec(
                        c.name(),
                        c.type(),
                        c.typeName(),
                        c.unsigned(),
                        c.nullable(),
                        c.charset(),
                        false,
                        c.length(),
                        c.scale(),
                        c.labels())
                    : c);
          }
          columns = out;
        } else if (isKeyDefinition()
            || peek().is("FOREIGN")
            || peek().is("INDEX")
            || peek().is("KEY")) {
          skipClause();
        } else {
          accept("COLUMN");
          accept("IF", "EXISTS");
          String col = identifier();
          int at = indexOf(columns, col);
          if (at < 0) {
            throw new DdlException("DROP COLUMN of an unknown column " + col);
          }
          columns.remove(at);
          skipClause();
        }
      } else if (accept("MODIFY")) {
        accept("COLUMN");
        accept("IF", "EXISTS");
        int mark = p;
        String col = identifier();
        p = mark;
        int at = indexOf(columns, col);
        if (at < 0) {
          throw new DdlException("MODIFY of an unknown column " + col);
        }
        boolean wasKey = columns.get(at).key();
        List<String> key = new ArrayList<>();
        ColumnSpec c = column(charset, key);
        columns.remove(at);
        place(columns, wasKey ? c.asKey() : c, at);
        columns = markKey(columns, key);
      } else if (accept("CHANGE")) {
        accept("COLUMN");
        accept("IF", "EXISTS");
        String old = identifier();
        int at = indexOf(columns, old);
        if (at < 0) {
          throw new DdlException("CHANGE of an unknown column " + old);
        }
        boolean wasKey = columns.get(at).key();
        List<String> key = new ArrayList<>();
        ColumnSpec c = column(charset, key);
        columns.remove(at);
        place(columns, wasKey ? c.asKey() : c, at);
        columns = markKey(columns, key);
      } else if (accept("RENAME", "COLUMN")) {
        String old = identifier();
        expect("TO");
        String renamed = identifier();
        int at = indexOf(columns, old);
        if (at < 0) {
          throw new DdlException("RENAME COLUMN of an unknown column " + old);
        }
        ColumnSpec c = columns.get(at);
        columns.set(
            at,
            new ColumnSpec(
                renamed,
                c.type(),
                c.typeName(),
                c.unsigned(),
                c.nullable(),
                c.charset(),
                c.key(),
                c.length(),
                c.scale(),
                c.labels()));
      } else if (accept("RENAME")) {
        if (accept("INDEX") || accept("KEY")) {
          skipClause();
        } else {
          if (!accept("TO")) {
            accept("AS");
          }
          String[] target = qualified();
          newSchema = target[0];
          newName = target[1];
        }
      } else if (accept("CONVERT", "TO")) {
        if (!accept("CHARACTER", "SET")) {
          expect("CHARSET");
        }
        String cs = charsetName(identifier());
        charset = cs;
        List<ColumnSpec> out = new ArrayList<>();
        for (ColumnSpec c : columns) {
          boolean character = c.charset() != null && !"binary".equals(c.charset());
          out.add(character ? c.withCharset(cs) : c);
        }
        columns = out;
        skipClause();
      } else if (peek().is("DEFAULT") || peek().is("CHARACTER") || peek().is("CHARSET")) {
        accept("DEFAULT");
        if (accept("CHARACTER", "SET") || accept("CHARSET")) {
          accept("=");
          charset = charsetName(identifier());
        }
        skipClause();
      } else {
        skipClause(); // ALTER COLUMN .. DEFAULT, ENGINE=, ALGORITHM=, LOCK=, FORCE, ORDER BY, ...
      }
      if (!accept(",")) {
        if (!atEnd()) {
          p++; // an option without a comma (table options may follow each other)
        }
      }
    }
    if (!newSchema.equals(name[0]) || !newName.equals(name[1])) {
      ops.add(new Catalog.DropTable(name[0], name[1]));
    }
    ops.add(new Catalog.PutTable(new TableDef(newSchema, newName, columns, charset)));
  }

  private void place(List<ColumnSpec> columns, ColumnSpec c, int defaultAt) {
    int at = defaultAt < 0 ? columns.size() : defaultAt;
    if (accept("FIRST")) {
      at = 0;
    } else if (accept("AFTER")) {
      int after = indexOf(columns, identifier());
      if (after < 0) {
        throw new DdlException("AFTER an unknown column");
      }
      at = after + 1;
    }
    columns.add(Math.min(at, columns.size()), c);
  }

  private static int indexOf(List<ColumnSpec> columns, String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- DROP and RENAME

  private void dropTables() {
    accept("IF", "EXISTS");
    while (true) {
      String[] name = qualified();
      ops.add(new Catalog.DropTable(name[0], name[1]));
      if (!accept(",")) {
        break;
      }
    }
  }

  private void renameTables() {
    // Applied one by one, so that RENAME TABLE a TO tmp, b TO a, tmp TO b works.
    java.util.Map<String, TableDef> moved = new java.util.HashMap<>();
    while (true) {
      String[] from = qualified();
      expect("TO");
      String[] to = qualified();
      String fromKey = from[0] + "." + from[1];
      TableDef def =
          moved.containsKey(fromKey) ? moved.remove(fromKey) : catalog.table(from[0], from[1]);
      if (def == null) {
        throw new DdlException("RENAME of a table the history does not know: " + fromKey);
      }
      ops.add(new Catalog.DropTable(from[0], from[1]));
      TableDef renamed = def.renamed(to[0], to[1]);
      moved.put(to[0] + "." + to[1], renamed);
      if (!accept(",")) {
        break;
      }
    }
    for (TableDef def : moved.values()) {
      ops.add(new Catalog.PutTable(def));
    }
  }
}
