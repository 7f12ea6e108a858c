package io.ferry.mongodb;

import io.ferry.mysql.sql.SqlTokenizer;
import io.ferry.mysql.sql.SqlTokenizer.Kind;
import io.ferry.mysql.sql.SqlTokenizer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a MariaDB DDL statement means for a schemaless store, as a list of {@link Op}s: CREATE TABLE
 * creates the collection (and indexes on its unique keys), DROP TABLE drops it, TRUNCATE deletes
 * its documents, RENAME TABLE and ALTER TABLE … RENAME rename it, ALTER TABLE … DROP COLUMN removes
 * the field from every document, RENAME COLUMN / CHANGE renames it, DROP DATABASE drops the
 * schema's collections. Statements that do not change where rows go or what fields they have
 * (ADD/MODIFY COLUMN, indexes, views, routines, triggers, accounts, CREATE DATABASE) translate to
 * nothing. A statement it cannot read raises {@link Untranslatable}. Stateless.
 */
final class MongoDdl {
  private MongoDdl() {}

  /** One thing to do on the target. */
  sealed interface Op {}

  /** Creates a table's collection, and non-unique indexes on its unique keys' columns. */
  record Create(String schema, String table, boolean replace, List<List<String>> uniqueKeys)
      implements Op {}

  record Drop(String schema, String table) implements Op {}

  record Truncate(String schema, String table) implements Op {}

  record Rename(String schema, String table, String toSchema, String toTable) implements Op {}

  record DropField(String schema, String table, String field) implements Op {}

  record RenameField(String schema, String table, String from, String to) implements Op {}

  record DropSchema(String schema) implements Op {}

  /** A DDL statement whose meaning for MongoDB cannot be told. */
  static final class Untranslatable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Untranslatable(String why) {
      super(why);
    }
  }

  private static final Set<String> OTHER_OBJECTS =
      Set.of(
          "INDEX",
          "UNIQUE",
          "FULLTEXT",
          "SPATIAL",
          "VIEW",
          "PROCEDURE",
          "FUNCTION",
          "TRIGGER",
          "EVENT",
          "USER",
          "ROLE",
          "SERVER",
          "SEQUENCE",
          "DEFINER",
          "ALGORITHM",
          "SQL",
          "AGGREGATE",
          "PACKAGE",
          "LOGFILE",
          "TABLESPACE",
          "RESOURCE",
          "ONLINE",
          "OFFLINE");

  /** The operations of one statement run with {@code defaultSchema} (may be null). */
  static List<Op> parse(String defaultSchema, String sql) {
    return new Parser(defaultSchema, SqlTokenizer.tokenize(sql)).statement();
  }

  private static final class Parser {
    private final String defaultSchema;
    private final List<Token> t;
    private int p;

    Parser(String defaultSchema, List<Token> tokens) {
      this.defaultSchema = defaultSchema;
      this.t = tokens;
    }

    private Token peek() {
      return p < t.size() ? t.get(p) : new Token(Kind.SYMBOL, ";");
    }

    private boolean atEnd() {
      return p >= t.size() || t.get(p).isSymbol(";");
    }

    private boolean accept(String word) {
      Token k = peek();
      if (k.is(word) || k.isSymbol(word)) {
        p++;
        return true;
      }
      return false;
    }

    private String name() {
      Token k = peek();
      if (k.kind() != Kind.WORD && k.kind() != Kind.QUOTED) {
        throw new Untranslatable("expected a name, found '" + k.text() + "'");
      }
      p++;
      return k.text();
    }

    /** [schema.]table as {schema, table}. */
    private String[] table() {
      String first = name();
      if (accept(".")) {
        return new String[] {first, name()};
      }
      if (defaultSchema == null || defaultSchema.isEmpty()) {
        throw new Untranslatable(
            "table " + first + " is not qualified and the statement has no default schema");
      }
      return new String[] {defaultSchema, first};
    }

    List<Op> statement() {
      if (accept("CREATE")) {
        boolean replace = accept("OR") && accept("REPLACE");
        if (accept("TEMPORARY")) {
          return List.of();
        }
        if (accept("TABLE")) {
          if (accept("IF")) {
            accept("NOT");
            accept("EXISTS");
          }
          String[] n = table();
          return List.of(new Create(n[0], n[1], replace, uniqueKeys()));
        }
        return otherObject("CREATE");
      }
      if (accept("DROP")) {
        if (accept("TEMPORARY")) {
          return List.of();
        }
        if (accept("TABLE") || accept("TABLES")) {
          ifExists();
          List<Op> ops = new ArrayList<>();
          do {
            String[] n = table();
            ops.add(new Drop(n[0], n[1]));
          } while (accept(","));
          return ops;
        }
        if (accept("DATABASE") || accept("SCHEMA")) {
          ifExists();
          return List.of(new DropSchema(name()));
        }
        return otherObject("DROP");
      }
      if (accept("TRUNCATE")) {
        accept("TABLE");
        String[] n = table();
        return List.of(new Truncate(n[0], n[1]));
      }
      if (accept("RENAME")) {
        if (!(accept("TABLE") || accept("TABLES"))) {
          return otherObject("RENAME"); // RENAME USER
        }
        List<Op> ops = new ArrayList<>();
        do {
          String[] from = table();
          if (!accept("TO")) {
            throw new Untranslatable("RENAME TABLE without TO");
          }
          String[] to = table();
          ops.add(new Rename(from[0], from[1], to[0], to[1]));
        } while (accept(","));
        return ops;
      }
      if (accept("ALTER")) {
        accept("ONLINE");
        accept("IGNORE");
        if (accept("TABLE")) {
          ifExists();
          return alterTable(table());
        }
        if (accept("DATABASE") || accept("SCHEMA")) {
          return List.of();
        }
        return otherObject("ALTER");
      }
      if (accept("GRANT") || accept("REVOKE") || accept("ANALYZE") || accept("OPTIMIZE")) {
        return List.of();
      }
      throw new Untranslatable("not a statement this target knows how to translate");
    }

    /** CREATE/DROP/ALTER of something that holds no rows (index, view, routine, account...). */
    private List<Op> otherObject(String verb) {
      Token k = peek();
      if (k.is("DATABASE") || k.is("SCHEMA") || OTHER_OBJECTS.contains(k.upper())) {
        return List.of();
      }
      throw new Untranslatable(verb + " " + k.text() + " is not something this target translates");
    }

    private void ifExists() {
      if (accept("IF")) {
        accept("EXISTS");
      }
    }

    /** The unique keys of a CREATE TABLE's definition (the primary key is the _id). */
    private List<List<String>> uniqueKeys() {
      List<List<String>> keys = new ArrayList<>();
      if (!accept("(")) {
        return keys; // LIKE, AS SELECT: the source's definition is not here
      }
      int depth = 1;
      String lastColumn = null;
      boolean startOfItem = true;
      while (p < t.size() && depth > 0) {
        Token k = t.get(p);
        if (startOfItem && depth == 1) {
          startOfItem = false;
          if (k.is("UNIQUE") || (k.is("CONSTRAINT") && uniqueAfterConstraint())) {
            while (p < t.size() && !t.get(p).isSymbol("(")) {
              p++;
            }
            p++;
            keys.add(columnList());
            continue;
          }
          lastColumn =
              k.is("PRIMARY")
                      || k.is("KEY")
                      || k.is("INDEX")
                      || k.is("CONSTRAINT")
                      || k.is("FOREIGN")
                      || k.is("FULLTEXT")
                      || k.is("SPATIAL")
                      || k.is("CHECK")
                      || k.is("PERIOD")
                  ? null
                  : k.text();
        } else if (depth == 1 && k.is("UNIQUE") && lastColumn != null) {
          keys.add(List.of(lastColumn)); // a column's own UNIQUE
        }
        if (k.isSymbol("(")) {
          depth++;
        } else if (k.isSymbol(")")) {
          depth--;
        } else if (k.isSymbol(",") && depth == 1) {
          startOfItem = true;
        }
        p++;
      }
      return keys;
    }

    private boolean uniqueAfterConstraint() {
      for (int i = p + 1; i < Math.min(p + 3, t.size()); i++) {
        if (t.get(i).is("UNIQUE")) {
          return true;
        }
      }
      return false;
    }

    /** {@code a, b(10), c DESC)}: the names, up to the closing parenthesis. */
    private List<String> columnList() {
      List<String> cols = new ArrayList<>();
      int depth = 1;
      boolean expectName = true;
      while (p < t.size() && depth > 0) {
        Token k = t.get(p++);
        if (k.isSymbol("(")) {
          depth++;
        } else if (k.isSymbol(")")) {
          depth--;
        } else if (k.isSymbol(",") && depth == 1) {
          expectName = true;
        } else if (expectName && depth == 1) {
          cols.add(k.text());
          expectName = false;
        }
      }
      return cols;
    }

    private List<Op> alterTable(String[] n) {
      List<Op> ops = new ArrayList<>();
      String schema = n[0];
      String table = n[1];
      while (!atEnd()) {
        int start = p;
        if (accept("RENAME")) {
          if (accept("COLUMN")) {
            String from = name();
            accept("TO");
            ops.add(new RenameField(schema, table, from, name()));
          } else if (accept("INDEX") || accept("KEY")) {
            skipItem();
          } else {
            if (!accept("TO")) {
              accept("AS");
            }
            String[] to = table();
            ops.add(new Rename(schema, table, to[0], to[1]));
            schema = to[0];
            table = to[1];
          }
        } else if (accept("DROP")) {
          if (accept("COLUMN") || !isNonColumnDrop()) {
            ifExists();
            ops.add(new DropField(schema, table, name()));
          }
          skipItem();
        } else if (accept("CHANGE")) {
          accept("COLUMN");
          ifExists();
          String from = name();
          String to = name();
          if (!from.equals(to)) {
            ops.add(new RenameField(schema, table, from, to));
          }
          skipItem();
        }
        if (p == start) {
          skipItem(); // ADD, MODIFY, ALTER COLUMN, ENGINE=..., indexes: no change for documents
        }
        accept(",");
      }
      return ops;
    }

    private boolean isNonColumnDrop() {
      Token k = peek();
      return k.is("PRIMARY")
          || k.is("INDEX")
          || k.is("KEY")
          || k.is("FOREIGN")
          || k.is("CONSTRAINT")
          || k.is("CHECK")
          || k.is("PARTITION")
          || k.is("SYSTEM");
    }

    /** Skips to the comma that ends this ALTER item (outside parentheses), or the end. */
    private void skipItem() {
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
}
