package io.ferry.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A seeded, reproducible random workload of what real applications write into a binlog: tables of
 * every column type with edge values (zero and invalid dates, extreme numbers, 4-byte characters,
 * trailing zero bytes, ENUM error values), generated columns, compressed columns, long unique keys,
 * keyless tables, BINARY keys; InnoDB, MyISAM and Aria; DDL mixed with DML (add and drop columns,
 * rename, truncate, drop and recreate the default schema, CREATE TABLE … SELECT); transactions with
 * savepoints, rollbacks to them and whole rollbacks; statements that commit implicitly;
 * transactions larger than a fragment; temporary tables; guarded triggers; sessions with other
 * sql_modes, time zones and connection collations (ucs2, utf16, utf32, latin1). Statements run one
 * after another on a few source sessions (never two open transactions at once, so no waits); a
 * statement the source refuses is counted and the workload goes on. Not thread-safe.
 */
final class DiffWorkload {

  /** A column type with its value generator (a SQL literal or expression). */
  private record Type(String ddl, Function<Random, String> value) {}

  /** A table as the workload knows it: enough to write statements for it. */
  private static final class Table {
    final String schema;
    String name;
    final String key; // "id" (auto-increment int), "big" (bigint), "bin" (binary(4)), "uk", "none"
    final Map<String, Type> columns = new LinkedHashMap<>();
    int nextId = 1;

    Table(String schema, String name, String key) {
      this.schema = schema;
      this.name = name;
      this.key = key;
    }

    String q() {
      return schema + "." + name;
    }
  }

  private static final String[] SQL_MODES = {
    "''",
    "'STRICT_TRANS_TABLES'",
    "'TRADITIONAL'",
    "'ALLOW_INVALID_DATES'",
    "'NO_AUTO_VALUE_ON_ZERO'",
    "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE'",
    "'ANSI_QUOTES,PIPES_AS_CONCAT'",
    "'NO_BACKSLASH_ESCAPES,ALLOW_INVALID_DATES'",
    "DEFAULT"
  };

  private static final String[] TIME_ZONES = {"+00:00", "+03:00", "-07:00", "+05:45", "SYSTEM"};

  private static final String[] COLLATIONS = {
    "utf8mb4_general_ci",
    "utf8mb4_bin",
    "ucs2_general_ci",
    "utf16_general_ci",
    "utf32_general_ci",
    "latin1_swedish_ci"
  };

  private final Random random;
  private final List<Connection> sessions;
  private final List<String> schemas;
  private final java.io.PrintWriter log;
  private final List<Table> tables = new ArrayList<>();
  private int tableCounter;
  private long transactions;
  private long statements;
  private long refused;

  /**
   * @param seed the seed: the same seed gives the same statements
   * @param sessions the source sessions statements run on
   * @param schemaPrefix the workload's schemas are this prefix with 1, 2 and 3
   * @param log every statement goes there, with its session and whether the source took it
   */
  DiffWorkload(long seed, List<Connection> sessions, String schemaPrefix, java.io.PrintWriter log) {
    this.random = new Random(seed);
    this.sessions = sessions;
    this.schemas = List.of(schemaPrefix + "1", schemaPrefix + "2", schemaPrefix + "3");
    this.log = log;
  }

  List<String> schemas() {
    return schemas;
  }

  long transactions() {
    return transactions;
  }

  long statements() {
    return statements;
  }

  long refused() {
    return refused;
  }

  /** The schemas and a first few tables. */
  void setup() throws SQLException {
    for (String s : schemas) {
      createSchema(sessions.get(0), s);
    }
    for (int i = 0; i < 8; i++) {
      createTable(sessions.get(0));
    }
  }

  private void createSchema(Connection c, String s) throws SQLException {
    run(c, "CREATE DATABASE IF NOT EXISTS " + s);
    // no AUTO_INCREMENT: a statement whose trigger generates one is unsafe for statement-based
    // logging (the server warns), and a client session cannot replay it exactly (docs/applier.md)
    run(
        c,
        "CREATE TABLE IF NOT EXISTS " + s + ".audit (tbl VARCHAR(64), k BIGINT, what VARCHAR(10))");
    // tables for transactions larger than a fragment: one that can roll back, one that cannot
    run(
        c,
        "CREATE TABLE IF NOT EXISTS " + s + ".big (id INT AUTO_INCREMENT PRIMARY KEY, v LONGTEXT)");
    run(
        c,
        "CREATE TABLE IF NOT EXISTS "
            + s
            + ".bigm (id INT AUTO_INCREMENT PRIMARY KEY, v LONGTEXT) ENGINE=MyISAM");
  }

  /** One step: a statement, a transaction, a DDL statement or a change of session settings. */
  void step() throws SQLException {
    Connection c = sessions.get(random.nextInt(sessions.size()));
    int r = random.nextInt(1000);
    if (tables.isEmpty() || r < 30) {
      createTable(c);
    } else if (r < 80) {
      sessionSettings(c);
    } else if (r < 110) {
      ddl(c);
    } else if (r < 125) {
      maintenance(c);
    } else if (r < 135) {
      bigTransaction(c);
    } else if (r < 145) {
      temporaryTable(c);
    } else if (r < 150) {
      trigger(c);
    } else if (r < 400) {
      transaction(c);
    } else {
      dml(c, table());
      transactions++;
    }
  }

  private String nextTableName() {
    tableCounter++;
    return "t" + tableCounter;
  }

  private Table table() {
    return tables.get(random.nextInt(tables.size()));
  }

  // ------------------------------------------------------------------ sessions

  private void sessionSettings(Connection c) throws SQLException {
    switch (random.nextInt(4)) {
      case 0 -> run(c, "SET SESSION sql_mode = " + pick(SQL_MODES));
      case 1 -> run(c, "SET SESSION time_zone = _utf8mb4'" + pick(TIME_ZONES) + "'");
      case 2 -> run(c, "SET SESSION collation_connection = " + pick(COLLATIONS));
      default -> run(c, "USE " + pick(schemas.toArray(String[]::new)));
    }
  }

  // ------------------------------------------------------------------ DDL

  private void createTable(Connection c) throws SQLException {
    String schema = pick(schemas.toArray(String[]::new));
    String key = pick(new String[] {"id", "id", "id", "big", "bin", "uk", "none", "none"});
    int e = random.nextInt(10);
    String engine = e < 7 ? "InnoDB" : e < 9 ? "MyISAM" : "Aria";
    Table t = new Table(schema, nextTableName(), key);
    List<String> defs = new ArrayList<>();
    switch (key) {
      case "id" -> defs.add("id INT AUTO_INCREMENT PRIMARY KEY");
      case "big" -> defs.add("id BIGINT UNSIGNED PRIMARY KEY");
      case "bin" -> defs.add("id BINARY(4) PRIMARY KEY");
      case "uk" -> defs.add("id VARCHAR(20) NOT NULL, UNIQUE KEY uk (id)");
      default -> {
        // keyless: rows are located by their whole image
      }
    }
    t.columns.put("n", new Type("INT", r -> Integer.toString(r.nextInt(100))));
    int extra = 2 + random.nextInt(6);
    for (int i = 0; i < extra; i++) {
      String name = "c" + i;
      Type type = randomType();
      t.columns.put(name, type);
    }
    for (Map.Entry<String, Type> col : t.columns.entrySet()) {
      defs.add(col.getKey() + " " + col.getValue().ddl());
    }
    if (random.nextInt(4) == 0) {
      defs.add("g1 INT AS (n * 2) VIRTUAL");
      defs.add(
          "g2 VARCHAR(30) AS (CONCAT('g', n)) " + (random.nextBoolean() ? "PERSISTENT" : "STORED"));
      if (!engine.equals("InnoDB")) {
        defs.remove(defs.size() - 2); // virtual columns only where every engine takes them
      }
    }
    if (random.nextInt(8) == 0 && !key.equals("none")) {
      defs.add("lu BLOB, UNIQUE KEY long_unique (lu)");
      t.columns.put("lu", new Type("BLOB", r -> "REPEAT(X'AB', " + (1 + r.nextInt(600)) + ")"));
    }
    String sql = "CREATE TABLE " + t.q() + " (" + String.join(", ", defs) + ") ENGINE=" + engine;
    if (run(c, sql)) {
      tables.add(t);
    }
  }

  private Type randomType() {
    Type[] types = {
      new Type("INT NULL", r -> pick(r, "0", "-1", "2147483647", "-2147483648", "NULL", num(r))),
      new Type(
          "BIGINT UNSIGNED",
          r -> pick(r, "0", "18446744073709551615", "9223372036854775808", num(r))),
      new Type("TINYINT", r -> pick(r, "-128", "127", "0", "300", num(r))),
      new Type("DECIMAL(10,3)", r -> pick(r, "-9999999.999", "0.001", "1234.5", num(r))),
      new Type(
          "DECIMAL(65,30)",
          r ->
              pick(
                  r, "12345678901234567890123456789012345.123456789012345678901234567890", "-0.1")),
      new Type("FLOAT", r -> pick(r, "1.1", "-0.0", "3.4e38", "1e-38", "0.333333")),
      new Type("FLOAT(30,0)", r -> pick(r, "1e40", "12345", "-1e29")),
      new Type(
          "DOUBLE",
          r -> pick(r, "1.7976931348623157e308", "2.2250738585072014e-308", "0.1", "-1e-300")),
      new Type("BIT(5)", r -> pick(r, "b'10101'", "0", "31", "NULL")),
      new Type("BIT(64)", r -> pick(r, "b'" + "1".repeat(64) + "'", "0", "1")),
      new Type("YEAR", r -> pick(r, "0", "1901", "2155", "2000")),
      new Type(
          "DATE",
          r ->
              pick(
                  r,
                  "'0000-00-00'",
                  "'2003-02-31'",
                  "'9999-12-31'",
                  "'1000-01-01'",
                  "'2003-00-00'")),
      new Type(
          "DATETIME(6)",
          r ->
              pick(
                  r,
                  "'0000-00-00 00:00:00'",
                  "'2003-01-01 10:20:30.123456'",
                  "'9999-12-31 23:59:59.999999'",
                  "'2003-04-31 01:02:03'",
                  "NOW(6)")),
      new Type(
          "TIME(3)",
          r -> pick(r, "'-838:59:59'", "'838:59:59.999'", "'-00:00:00.5'", "'12:34:56.789'")),
      new Type(
          "TIMESTAMP(6) NULL",
          r ->
              pick(
                  r,
                  "'1970-01-01 00:00:01'",
                  "'2038-01-19 03:14:07.999999'",
                  "'2003-06-15 12:00:00'",
                  "NULL",
                  "'0000-00-00 00:00:00'")),
      new Type("CHAR(5)", r -> pick(r, str(r, 5), "''", "'a  '", "NULL")),
      new Type("VARCHAR(40) CHARACTER SET latin1", r -> pick(r, str(r, 30), "_latin1 X'E9E8'")),
      new Type("VARCHAR(40) CHARACTER SET ucs2", r -> str(r, 30)),
      new Type("VARCHAR(40) CHARACTER SET utf16", r -> pick(r, str(r, 30), emoji())),
      new Type("VARCHAR(40) CHARACTER SET utf32", r -> pick(r, str(r, 30), emoji())),
      new Type("VARCHAR(40)", r -> pick(r, str(r, 30), emoji(), "NULL")),
      new Type("TEXT", r -> "REPEAT(" + str(r, 8) + ", " + r.nextInt(200) + ")"),
      new Type("BINARY(4)", r -> pick(r, "X'00'", "X'61620000'", "X'FFFFFFFF'", "X''")),
      new Type("VARBINARY(20)", r -> pick(r, "X''", "X'00FF00'", "NULL")),
      new Type("BLOB", r -> "REPEAT(X'00AB', " + r.nextInt(300) + ")"),
      new Type("ENUM('a','b','c') NOT NULL", r -> pick(r, "'a'", "'c'", "'zz'", "2")),
      new Type("SET('x','y','z')", r -> pick(r, "'x,z'", "''", "7", "'q'")),
      new Type(
          "JSON", r -> pick(r, "'{\"a\": 1, \"b\": [1, 2.5, null]}'", "'[]'", "'null'", "NULL")),
      new Type("VARCHAR(300) COMPRESSED", r -> "REPEAT('abc', " + r.nextInt(100) + ")"),
      new Type("BLOB COMPRESSED", r -> "REPEAT(X'0102', " + r.nextInt(500) + ")"),
      new Type("POINT NULL", r -> pick(r, "POINT(1, 2)", "POINT(-1.5, 1e10)", "NULL")),
    };
    return types[random.nextInt(types.length)];
  }

  private void ddl(Connection c) throws SQLException {
    Table t = table();
    int r = random.nextInt(100);
    int kind =
        r < 25
            ? 0
            : r < 40
                ? 1
                : r < 50 ? 2 : r < 54 ? 3 : r < 64 ? 4 : r < 71 ? 5 : r < 83 ? 6 : r < 86 ? 7 : 8;
    switch (kind) {
      case 0 -> {
        String col = "a" + random.nextInt(1000);
        Type type = randomType();
        if (run(c, "ALTER TABLE " + t.q() + " ADD COLUMN " + col + " " + type.ddl())) {
          t.columns.put(col, type);
        }
      }
      case 1 -> {
        List<String> droppable =
            t.columns.keySet().stream().filter(n -> !n.equals("n") && !n.equals("lu")).toList();
        if (!droppable.isEmpty()) {
          String col = droppable.get(random.nextInt(droppable.size()));
          if (run(c, "ALTER TABLE " + t.q() + " DROP COLUMN " + col)) {
            t.columns.remove(col);
          }
        }
      }
      case 2 -> {
        String name = nextTableName();
        if (run(c, "RENAME TABLE " + t.q() + " TO " + t.schema + "." + name)) {
          t.name = name;
        }
      }
      case 3 -> run(c, "TRUNCATE TABLE " + t.q());
      case 4 -> run(c, "CREATE INDEX i" + random.nextInt(1000) + " ON " + t.q() + " (n)");
      case 5 -> {
        if (run(c, "DROP TABLE " + t.q())) {
          tables.remove(t);
        }
      }
      case 6 -> {
        // CREATE TABLE ... SELECT: DDL and rows in one statement
        String name = nextTableName();
        run(c, "CREATE TABLE " + t.schema + "." + name + " AS SELECT n FROM " + t.q());
      }
      case 7 -> dropAndRecreateSchema(c, t.schema);
      default -> run(c, "ALTER TABLE " + t.q() + " FORCE");
    }
  }

  private void dropAndRecreateSchema(Connection c, String schema) throws SQLException {
    run(c, "USE " + schema);
    if (run(c, "DROP DATABASE " + schema)) {
      tables.removeIf(t -> t.schema.equals(schema));
    }
    createSchema(c, schema);
    run(c, "USE " + schema);
  }

  private void maintenance(Connection c) throws SQLException {
    Table t = table();
    String statement =
        pick(
            new String[] {
              "ANALYZE TABLE " + t.q(),
              "OPTIMIZE TABLE " + t.q(),
              "REPAIR TABLE " + t.q(),
              "FLUSH TABLES " + t.q(),
              "CHECK TABLE " + t.q()
            });
    run(c, statement);
    transactions++;
  }

  private void trigger(Connection c) throws SQLException {
    Table t = table();
    String keyExpr = t.key.equals("id") || t.key.equals("big") ? "NEW.id" : "NEW.n";
    run(
        c,
        "CREATE TRIGGER IF NOT EXISTS "
            + t.schema
            + ".tr_"
            + t.name
            + " AFTER INSERT ON "
            + t.q()
            + " FOR EACH ROW IF @ferry_service IS NULL THEN INSERT INTO "
            + t.schema
            + ".audit (tbl, k, what) VALUES ('"
            + t.name
            + "', "
            + keyExpr
            + ", 'insert'); END IF");
  }

  /**
   * A temporary table created, used and dropped inside one transaction: the applier's session is
   * not the source's, and one that restarts loses its temporary tables (see docs/applier.md), so a
   * temporary table that outlives a transaction is not something Ferry can carry across its own
   * restarts.
   */
  private void temporaryTable(Connection c) throws SQLException {
    Table t = table();
    String tmp = "tmp_s" + sessions.indexOf(c);
    run(c, "BEGIN");
    if (run(c, "CREATE TEMPORARY TABLE " + t.schema + "." + tmp + " AS SELECT n FROM " + t.q())) {
      run(c, "UPDATE " + t.schema + "." + tmp + " SET n = n + 1");
      run(
          c,
          "UPDATE "
              + t.q()
              + " SET n = n + (SELECT COUNT(*) FROM "
              + t.schema
              + "."
              + tmp
              + ") WHERE n < 10");
      run(c, "DROP TEMPORARY TABLE " + t.schema + "." + tmp);
    }
    run(c, "COMMIT");
    transactions++;
  }

  // ------------------------------------------------------------------ DML

  private void transaction(Connection c) throws SQLException {
    run(c, "BEGIN");
    int n = 1 + random.nextInt(6);
    boolean savepoint = false;
    for (int i = 0; i < n; i++) {
      int r = random.nextInt(10);
      if (r == 0) {
        run(c, "SAVEPOINT s" + i);
        savepoint = true;
      } else if (r == 1 && savepoint) {
        run(c, "ROLLBACK TO SAVEPOINT s" + random.nextInt(i + 1));
      } else {
        dml(c, table());
      }
    }
    run(c, random.nextInt(12) == 0 ? "ROLLBACK" : "COMMIT");
    transactions++;
  }

  private void bigTransaction(Connection c) throws SQLException {
    String schema = pick(schemas.toArray(String[]::new));
    String table = schema + (random.nextInt(3) == 0 ? ".bigm" : ".big");
    run(c, "BEGIN");
    for (int i = 0; i < 4 + random.nextInt(6); i++) {
      run(
          c,
          "INSERT INTO "
              + table
              + " (v) VALUES (REPEAT('big', "
              + (5000 + random.nextInt(20000))
              + "))");
    }
    if (random.nextBoolean()) {
      dml(c, table());
    }
    run(
        c,
        "DELETE FROM "
            + table
            + " WHERE id < (SELECT m FROM (SELECT MAX(id) - 20 AS m FROM "
            + table
            + ") x)");
    run(c, "COMMIT");
    transactions++;
  }

  private void dml(Connection c, Table t) throws SQLException {
    switch (random.nextInt(10)) {
      case 0, 1, 2, 3, 4 -> insert(c, t, 1 + random.nextInt(4));
      case 5, 6, 7 -> update(c, t);
      case 8 -> delete(c, t);
      default -> {
        if (!t.key.equals("none")) {
          upsert(c, t);
        } else {
          insert(c, t, 1);
        }
      }
    }
  }

  private String keyValue(Table t) {
    return switch (t.key) {
      case "id" ->
          random.nextInt(10) == 0
              ? "0"
              : random.nextBoolean() ? "NULL" : Integer.toString(1 + random.nextInt(t.nextId + 5));
      case "big" ->
          Long.toUnsignedString(
              random.nextInt(3) == 0 ? -1L - random.nextInt(5) : random.nextInt(500));
      case "bin" ->
          pick(
              new String[] {
                "X'00'", "X'6100'", "X'61620000'", "X'FF'", "X'" + hex(random.nextInt(200)) + "'"
              });
      case "uk" ->
          pick(new String[] {"'a'", "'A'", "'b '", "'é'", "'k" + random.nextInt(300) + "'"});
      default -> null;
    };
  }

  private void insert(Connection c, Table t, int rows) throws SQLException {
    List<String> names = new ArrayList<>();
    if (!t.key.equals("none")) {
      names.add("id");
    }
    names.addAll(t.columns.keySet());
    List<String> tuples = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      List<String> values = new ArrayList<>();
      if (!t.key.equals("none")) {
        values.add(keyValue(t));
      }
      for (Type type : t.columns.values()) {
        values.add(type.value().apply(random));
      }
      tuples.add("(" + String.join(", ", values) + ")");
    }
    String verb = pick(new String[] {"INSERT", "INSERT", "INSERT IGNORE", "REPLACE"});
    run(
        c,
        verb
            + " INTO "
            + t.q()
            + " ("
            + String.join(", ", names)
            + ") VALUES "
            + String.join(", ", tuples));
    t.nextId += rows;
  }

  private void upsert(Connection c, Table t) throws SQLException {
    String col = pickColumn(t);
    run(
        c,
        "INSERT INTO "
            + t.q()
            + " (id, n) VALUES ("
            + keyValue(t)
            + ", "
            + random.nextInt(100)
            + ") ON DUPLICATE KEY UPDATE "
            + col
            + " = "
            + t.columns.get(col).value().apply(random));
  }

  private String pickColumn(Table t) {
    List<String> names = new ArrayList<>(t.columns.keySet());
    return names.get(random.nextInt(names.size()));
  }

  private String where(Table t) {
    if (!t.key.equals("none") && random.nextBoolean()) {
      return "id = " + keyValue(t);
    }
    return "n " + pick(new String[] {"<", ">", "="}) + " " + random.nextInt(100);
  }

  private void update(Connection c, Table t) throws SQLException {
    String col = pickColumn(t);
    String limit = "";
    if (!t.key.equals("none") && random.nextInt(3) == 0) {
      limit = " ORDER BY id LIMIT " + (1 + random.nextInt(3));
    }
    run(
        c,
        "UPDATE "
            + t.q()
            + " SET "
            + col
            + " = "
            + t.columns.get(col).value().apply(random)
            + (random.nextBoolean() ? ", n = n + 1" : "")
            + " WHERE "
            + where(t)
            + limit);
  }

  private void delete(Connection c, Table t) throws SQLException {
    String limit = "";
    if (!t.key.equals("none") && random.nextInt(3) == 0) {
      limit = " ORDER BY id LIMIT " + (1 + random.nextInt(3));
    }
    run(c, "DELETE FROM " + t.q() + " WHERE " + where(t) + limit);
  }

  // ------------------------------------------------------------------ helpers

  /** Runs a statement; false when the source refused it (counted, not fatal). */
  private boolean run(Connection c, String sql) throws SQLException {
    statements++;
    try (Statement st = c.createStatement()) {
      st.execute(sql);
      log.println("s" + sessions.indexOf(c) + ": " + sql);
      return true;
    } catch (SQLException e) {
      log.println("s" + sessions.indexOf(c) + ": " + sql + " -- refused: " + e.getMessage());
      if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
        throw e; // the connection is gone: the run cannot go on
      }
      refused++;
      return false;
    }
  }

  private String pick(String[] options) {
    return options[random.nextInt(options.length)];
  }

  private static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }

  private static String num(Random r) {
    return Integer.toString(r.nextInt(100000) - 50000);
  }

  private static String str(Random r, int max) {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABC  0123456789éüß'";
    StringBuilder sb = new StringBuilder("'");
    int n = r.nextInt(max);
    for (int i = 0; i < n; i++) {
      char ch = alphabet.charAt(r.nextInt(alphabet.length()));
      sb.append(ch == '\'' ? "''" : String.valueOf(ch));
    }
    return sb.append('\'').toString();
  }

  private static String emoji() {
    return "'\uD83D\uDE00 ok'";
  }

  private static String hex(int v) {
    return String.format("%02X", v & 0xFF);
  }
}
