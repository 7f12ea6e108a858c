package io.ferry.mysql.sql;

import io.ferry.mysql.sql.SqlTokenizer.Kind;
import io.ferry.mysql.sql.SqlTokenizer.Token;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The schemas a DDL statement changes, for sharding: the database it creates, alters or drops, or
 * the schemas of the tables it creates, alters, renames, drops or truncates (a rename counts both
 * sides). Conservative: a statement it does not recognize, one that reads other tables ({@code
 * CREATE TABLE … SELECT}), or an unqualified name without a default schema gives null, which the
 * extractor turns into the global shard. Stateless.
 */
public final class DdlScope {
  private final List<Token> t;
  private final String defaultSchema;
  private final Set<String> schemas = new TreeSet<>();
  private int p;

  private DdlScope(String defaultSchema, String sql) {
    this.t = SqlTokenizer.tokenize(sql);
    this.defaultSchema = defaultSchema == null || defaultSchema.isEmpty() ? null : defaultSchema;
  }

  /** The schemas the statement changes, or null when that cannot be known for sure. */
  public static Set<String> schemasOf(String defaultSchema, String sql) {
    DdlScope s = new DdlScope(defaultSchema, sql);
    try {
      return s.statement() && !s.schemas.isEmpty() ? Set.copyOf(s.schemas) : null;
    } catch (IndexOutOfBoundsException | Unknown e) {
      return null;
    }
  }

  private boolean statement() {
    for (Token k : t) {
      if (k.is("SELECT")) {
        return false;
      }
    }
    if (accept("CREATE")) {
      accept("OR");
      accept("REPLACE");
      if (database()) {
        return true;
      }
      accept("TEMPORARY");
      if (accept("TABLE")) {
        ifExists();
        table();
        while (p < t.size()) {
          Token k = next();
          if (k.is("LIKE") || k.is("REFERENCES")) {
            table();
          }
        }
        return true;
      }
      return index();
    }
    if (accept("ALTER")) {
      if (database()) {
        return true;
      }
      accept("ONLINE");
      accept("IGNORE");
      if (!accept("TABLE")) {
        return false;
      }
      ifExists();
      table();
      int depth = 0;
      while (p < t.size()) {
        Token k = next();
        depth += k.isSymbol("(") ? 1 : k.isSymbol(")") ? -1 : 0;
        if (depth == 0 && k.is("RENAME") && !peekIs("COLUMN", "INDEX", "KEY")) {
          if (!accept("TO")) {
            accept("AS");
          }
          table();
        } else if (k.is("REFERENCES")) {
          table();
        }
      }
      return true;
    }
    if (accept("DROP")) {
      if (database()) {
        return true;
      }
      accept("TEMPORARY");
      if (accept("TABLE") || accept("TABLES")) {
        ifExists();
        do {
          table();
        } while (accept(","));
        return true;
      }
      return index();
    }
    if (accept("RENAME")) {
      if (!accept("TABLE") && !accept("TABLES")) {
        return false;
      }
      do {
        table();
        if (!accept("TO")) {
          return false;
        }
        table();
      } while (accept(","));
      return true;
    }
    if (accept("TRUNCATE")) {
      accept("TABLE");
      table();
      return true;
    }
    return false;
  }

  /** {@code DATABASE|SCHEMA [IF [NOT] EXISTS] [name]}; ALTER may leave the name out. */
  private boolean database() {
    if (!accept("DATABASE") && !accept("SCHEMA")) {
      return false;
    }
    ifExists();
    Token k = p < t.size() ? t.get(p) : null;
    if (k != null && (k.kind() == Kind.WORD || k.kind() == Kind.QUOTED) && !isOption(k)) {
      schemas.add(k.text());
    } else if (defaultSchema != null) {
      schemas.add(defaultSchema);
    } else {
      throw new Unknown("no database named");
    }
    return true;
  }

  private static boolean isOption(Token k) {
    return k.is("DEFAULT") || k.is("CHARACTER") || k.is("CHARSET") || k.is("COLLATE");
  }

  /** {@code [UNIQUE|FULLTEXT|SPATIAL] INDEX name ON table} (create or drop). */
  private boolean index() {
    accept("UNIQUE");
    accept("FULLTEXT");
    accept("SPATIAL");
    if (!accept("INDEX")) {
      return false;
    }
    ifExists();
    next();
    if (!accept("ON")) {
      return false;
    }
    table();
    return true;
  }

  private void ifExists() {
    if (accept("IF")) {
      accept("NOT");
      accept("EXISTS");
    }
  }

  private void table() {
    Token first = next();
    if (first.kind() != Kind.WORD && first.kind() != Kind.QUOTED) {
      throw new Unknown("expected a table name");
    }
    if (p < t.size() && t.get(p).isSymbol(".")) {
      p++;
      schemas.add(first.text());
      next();
    } else if (defaultSchema != null) {
      schemas.add(defaultSchema);
    } else {
      throw new Unknown("table " + first.text() + " has no schema");
    }
  }

  private Token next() {
    return t.get(p++);
  }

  private boolean accept(String word) {
    if (p < t.size() && (t.get(p).is(word) || t.get(p).isSymbol(word))) {
      p++;
      return true;
    }
    return false;
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

  /** The statement's scope cannot be told. */
  private static final class Unknown extends RuntimeException {
    Unknown(String why) {
      super(why, null, false, false);
    }
  }
}
