package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.value.Bits;
import io.ferry.core.value.EnumValue;
import io.ferry.core.value.Geometry;
import io.ferry.core.value.SetValue;
import io.ferry.core.value.SqlDate;
import io.ferry.core.value.SqlDateTime;
import io.ferry.core.value.SqlTime;
import io.ferry.core.value.SqlTimestamp;
import io.ferry.core.value.Text;
import io.ferry.sandbox.SandboxServer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The type matrix: a table per type family with edge values, inserted, updated and deleted on a
 * real server; every value the extractor read must be exactly what the server returns for it
 * (compared through SQL: CAST for numbers and times, HEX for character and binary data, BIN for
 * bits, the index of ENUM/SET).
 */
final class TypeMatrix {
  private TypeMatrix() {}

  /** How a column's value is compared with what the server returns. */
  enum Kind {
    NUMBER("CAST(%s AS CHAR)"),
    FLOAT("CAST(%s AS DOUBLE)"),
    DOUBLE("CAST(%s AS CHAR)"),
    BIT("BIN(%s)"),
    TEMPORAL("CAST(%s AS CHAR)"),
    TEXT("HEX(%s)"),
    BINARY("HEX(%s)"),
    ENUM("CONCAT(%1$s + 0, ':', HEX(%1$s))"),
    GEOMETRY("HEX(%s)");

    final String sql;

    Kind(String sql) {
      this.sql = sql;
    }
  }

  /** A column with its insert values (one per row) and update values. */
  record Col(String name, String type, Kind kind, List<String> inserts, List<String> updates) {}

  static Col col(String name, String type, Kind kind, List<String> inserts, List<String> updates) {
    return new Col(name, type, kind, inserts, updates);
  }

  /** The families: table name → columns. Every column of a family has the same number of rows. */
  static Map<String, List<Col>> families() {
    Map<String, List<Col>> f = new LinkedHashMap<>();
    f.put(
        "ints",
        List.of(
            col(
                "ti",
                "TINYINT",
                Kind.NUMBER,
                List.of("-128", "127", "0", "NULL"),
                List.of("1", "-1", "NULL", "5")),
            col(
                "tiu",
                "TINYINT UNSIGNED",
                Kind.NUMBER,
                List.of("0", "255", "128", "NULL"),
                List.of("255", "0", "1", "2")),
            col(
                "si",
                "SMALLINT",
                Kind.NUMBER,
                List.of("-32768", "32767", "-1", "0"),
                List.of("32767", "-32768", "0", "NULL")),
            col(
                "siu",
                "SMALLINT UNSIGNED",
                Kind.NUMBER,
                List.of("65535", "0", "32768", "1"),
                List.of("0", "65535", "1", "32768")),
            col(
                "mi",
                "MEDIUMINT",
                Kind.NUMBER,
                List.of("-8388608", "8388607", "-1", "0"),
                List.of("8388607", "-8388608", "1", "0")),
            col(
                "miu",
                "MEDIUMINT UNSIGNED",
                Kind.NUMBER,
                List.of("16777215", "0", "8388608", "1"),
                List.of("0", "16777215", "1", "8388608")),
            col(
                "i",
                "INT",
                Kind.NUMBER,
                List.of("-2147483648", "2147483647", "-1", "0"),
                List.of("2147483647", "-2147483648", "0", "-1")),
            col(
                "iu",
                "INT UNSIGNED",
                Kind.NUMBER,
                List.of("4294967295", "0", "2147483648", "1"),
                List.of("0", "4294967295", "1", "2147483648")),
            col(
                "bi",
                "BIGINT",
                Kind.NUMBER,
                List.of("-9223372036854775808", "9223372036854775807", "-1", "0"),
                List.of("9223372036854775807", "-9223372036854775808", "0", "-1")),
            col(
                "biu",
                "BIGINT UNSIGNED",
                Kind.NUMBER,
                List.of("18446744073709551615", "0", "9223372036854775808", "9223372036854775807"),
                List.of("0", "18446744073709551615", "1", "9223372036854775808")),
            col(
                "y",
                "YEAR",
                Kind.NUMBER,
                List.of("1901", "2155", "0", "2024"),
                List.of("2155", "1901", "2000", "NULL"))));
    f.put(
        "decimals",
        List.of(
            col(
                "d65",
                "DECIMAL(65,30)",
                Kind.NUMBER,
                List.of(
                    "99999999999999999999999999999999999.999999999999999999999999999999",
                    "-99999999999999999999999999999999999.999999999999999999999999999999",
                    "0",
                    "-0.000000000000000000000000000001"),
                List.of("1", "-1", "12345678901234567890.123456789012345678901234567890", "NULL")),
            col(
                "d102",
                "DECIMAL(10,2)",
                Kind.NUMBER,
                List.of("-12345678.90", "99999999.99", "0.01", "-0.01"),
                List.of("0.00", "1.50", "-1.50", "12345678.90")),
            col(
                "d50u",
                "DECIMAL(5,0) UNSIGNED",
                Kind.NUMBER,
                List.of("99999", "0", "1", "NULL"),
                List.of("0", "99999", "NULL", "7")),
            col(
                "d11",
                "DECIMAL(1,1)",
                Kind.NUMBER,
                List.of("0.9", "-0.9", "0.0", "0.5"),
                List.of("-0.9", "0.9", "0.1", "-0.1")),
            col(
                "d189",
                "DECIMAL(18,9)",
                Kind.NUMBER,
                List.of("123456789.123456789", "-999999999.999999999", "0.000000001", "1"),
                List.of("-123456789.123456789", "1", "0", "NULL"))));
    f.put(
        "floats",
        List.of(
            col(
                "f",
                "FLOAT",
                Kind.FLOAT,
                List.of("1.5", "-3.4028234e38", "1.17549435e-38", "0"),
                List.of("-1.25", "3.4028234e38", "NULL", "3.14159265")),
            col(
                "dbl",
                "DOUBLE",
                Kind.DOUBLE,
                List.of(
                    "1.7976931348623157e308", "-2.2250738585072014e-308", "3.141592653589793", "0"),
                List.of("-1.5", "1e-300", "NULL", "2.718281828459045")),
            col(
                "fu",
                "FLOAT UNSIGNED",
                Kind.FLOAT,
                List.of("0.5", "100", "NULL", "1e10"),
                List.of("1", "2", "3", "4"))));
    f.put(
        "bits",
        List.of(
            col(
                "b1",
                "BIT(1)",
                Kind.BIT,
                List.of("b'1'", "b'0'", "NULL", "b'1'"),
                List.of("b'0'", "b'1'", "b'1'", "NULL")),
            col(
                "b7",
                "BIT(7)",
                Kind.BIT,
                List.of("b'1010101'", "b'0000001'", "b'1111111'", "0"),
                List.of("b'0'", "b'1111111'", "b'1000000'", "b'11'")),
            col(
                "b64",
                "BIT(64)",
                Kind.BIT,
                List.of("0xFFFFFFFFFFFFFFFF", "0x8000000000000001", "0", "1"),
                List.of("0", "0xFFFFFFFFFFFFFFFF", "2", "NULL")),
            col(
                "b17",
                "BIT(17)",
                Kind.BIT,
                List.of("b'10000000000000001'", "0", "1", "NULL"),
                List.of("b'11111111111111111'", "1", "0", "3"))));
    f.put(
        "temporals",
        List.of(
            col(
                "dt",
                "DATE",
                Kind.TEMPORAL,
                List.of("'0000-00-00'", "'1000-01-01'", "'9999-12-31'", "'2024-02-29'"),
                List.of("'2024-00-00'", "'2000-01-00'", "NULL", "'0000-00-00'")),
            col(
                "tm",
                "TIME",
                Kind.TEMPORAL,
                List.of("'-838:59:59'", "'838:59:59'", "'00:00:00'", "'-00:00:01'"),
                List.of("'12:34:56'", "'-12:34:56'", "NULL", "'100:00:00'")),
            col(
                "tm6",
                "TIME(6)",
                Kind.TEMPORAL,
                List.of(
                    "'-838:59:59.000000'",
                    "'-00:00:00.000001'",
                    "'12:34:56.789012'",
                    "'838:59:59.000000'"),
                List.of("'-01:02:03.999999'", "'00:00:00.5'", "'-00:00:00.5'", "NULL")),
            col(
                "tm2",
                "TIME(2)",
                Kind.TEMPORAL,
                List.of("'-10:00:00.01'", "'10:00:00.99'", "'-00:00:00.50'", "'00:00:00.00'"),
                List.of("'-838:59:59.99'", "'838:59:59.99'", "'01:01:01.10'", "NULL")),
            col(
                "tm4",
                "TIME(4)",
                Kind.TEMPORAL,
                List.of("'-10:00:00.0001'", "'10:00:00.9999'", "'-00:00:00.1234'", "'00:00:00'"),
                List.of("'-838:59:59.9999'", "'838:59:59.9999'", "'01:01:01.1000'", "NULL")),
            col(
                "dtm",
                "DATETIME",
                Kind.TEMPORAL,
                List.of(
                    "'0000-00-00 00:00:00'",
                    "'1000-01-01 00:00:00'",
                    "'9999-12-31 23:59:59'",
                    "'2024-02-29 12:00:00'"),
                List.of(
                    "'2024-00-00 00:00:00'",
                    "NULL",
                    "'1970-01-01 00:00:00'",
                    "'2038-01-19 03:14:08'")),
            col(
                "dtm3",
                "DATETIME(3)",
                Kind.TEMPORAL,
                List.of(
                    "'9999-12-31 23:59:59.999'",
                    "'1000-01-01 00:00:00.001'",
                    "'0000-00-00 00:00:00.000'",
                    "NULL"),
                List.of(
                    "'2000-01-01 00:00:00.5'",
                    "NULL",
                    "'2000-02-03 04:05:06.070'",
                    "'1999-12-31 23:59:59.999'")),
            col(
                "dtm6",
                "DATETIME(6)",
                Kind.TEMPORAL,
                List.of(
                    "'9999-12-31 23:59:59.999999'",
                    "'1000-01-01 00:00:00.000001'",
                    "'2024-02-29 12:34:56.123456'",
                    "'0000-00-00 00:00:00.000000'"),
                List.of(
                    "NULL",
                    "'2000-01-01 00:00:00.000000'",
                    "'2020-05-05 05:05:05.050505'",
                    "'1000-01-01 00:00:00'")),
            col(
                "ts",
                "TIMESTAMP NULL",
                Kind.TEMPORAL,
                List.of(
                    "'1970-01-01 00:00:01'",
                    "'2038-01-19 03:14:07'",
                    "'0000-00-00 00:00:00'",
                    "NULL"),
                List.of(
                    "'2000-01-01 00:00:00'",
                    "'0000-00-00 00:00:00'",
                    "'2038-01-19 03:14:07'",
                    "'1999-12-31 23:59:59'")),
            col(
                "ts6",
                "TIMESTAMP(6) NULL",
                Kind.TEMPORAL,
                List.of(
                    "'1970-01-01 00:00:01.000001'",
                    "'2038-01-19 03:14:07.999999'",
                    "'2024-02-29 12:34:56.5'",
                    "NULL"),
                List.of(
                    "NULL",
                    "'2000-01-01 00:00:00.123456'",
                    "'0000-00-00 00:00:00.000000'",
                    "'2001-01-01 01:01:01'")),
            col(
                "ts1",
                "TIMESTAMP(1) NULL",
                Kind.TEMPORAL,
                List.of(
                    "'2000-01-01 00:00:00.1'",
                    "'2000-01-01 00:00:00.9'",
                    "NULL",
                    "'2000-01-01 00:00:00'"),
                List.of(
                    "'2001-01-01 00:00:00.5'",
                    "NULL",
                    "'2002-01-01 00:00:00'",
                    "'2003-01-01 00:00:00.3'"))));
    f.put(
        "strings",
        List.of(
            col(
                "c",
                "CHAR(10) CHARACTER SET utf8mb4",
                Kind.TEXT,
                List.of("''", "'caf\u00e9'", "'\uD83D\uDE00\uD83D\uDE80'", "NULL"),
                List.of("'x'", "''", "NULL", "'  lead'")),
            col(
                "vc",
                "VARCHAR(300) CHARACTER SET utf8mb4",
                Kind.TEXT,
                List.of("REPEAT('\u00e9', 300)", "''", "'a\\'b\"c\\\\d'", "NULL"),
                List.of("''", "REPEAT('z', 300)", "'\u4e2d\u6587'", "'tail  '")),
            col(
                "vl1",
                "VARCHAR(20) CHARACTER SET latin1",
                Kind.TEXT,
                List.of("_latin1 X'80818D8F909D9EFF'", "''", "'plain'", "NULL"),
                List.of("_latin1 X'E9E8'", "NULL", "''", "_latin1 X'A4'")),
            col(
                "tx",
                "TEXT CHARACTER SET utf8mb4",
                Kind.TEXT,
                List.of("REPEAT('ab\u00e9', 5000)", "''", "NULL", "'\uD83D\uDE00'"),
                List.of("NULL", "'t'", "REPEAT('q', 70000 / 5)", "''")),
            col(
                "ttx",
                "TINYTEXT",
                Kind.TEXT,
                List.of("REPEAT('a', 255)", "''", "NULL", "'x'"),
                List.of("'y'", "NULL", "''", "REPEAT('b', 10)")),
            col(
                "mtx",
                "MEDIUMTEXT",
                Kind.TEXT,
                List.of("REPEAT('m', 70000)", "''", "NULL", "'x'"),
                List.of("'y'", "NULL", "''", "REPEAT('n', 100)")),
            col(
                "ucs",
                "VARCHAR(10) CHARACTER SET ucs2",
                Kind.TEXT,
                List.of("'k\u00f6ln'", "''", "NULL", "'\u20ac'"),
                List.of("NULL", "'x'", "''", "'\u00e4\u00f6\u00fc'")),
            col(
                "sj",
                "VARCHAR(10) CHARACTER SET sjis",
                Kind.TEXT,
                List.of("'\u65e5\u672c'", "''", "NULL", "'abc'"),
                List.of("'\u30c6\u30b9\u30c8'", "NULL", "'x'", "''"))));
    f.put(
        "binaries",
        List.of(
            col(
                "bn",
                "BINARY(4)",
                Kind.BINARY,
                List.of("X'00000000'", "X'FFFFFFFF'", "X'01'", "NULL"),
                List.of("X'00'", "NULL", "X'0102030405060708' & 0", "X'7F'")),
            col(
                "vb",
                "VARBINARY(300)",
                Kind.BINARY,
                List.of("X''", "X'00FF00FF'", "REPEAT(X'AB', 300)", "NULL"),
                List.of("NULL", "X''", "X'00'", "REPEAT(X'00', 256)")),
            col(
                "tb",
                "TINYBLOB",
                Kind.BINARY,
                List.of("REPEAT(X'01', 255)", "X''", "NULL", "X'00'"),
                List.of("X'FF'", "NULL", "X''", "X'0102'")),
            col(
                "bl",
                "BLOB",
                Kind.BINARY,
                List.of("REPEAT(X'00FF', 30000)", "X''", "NULL", "X'DEADBEEF'"),
                List.of("X''", "X'01'", "NULL", "REPEAT(X'7F', 65535)")),
            col(
                "mb",
                "MEDIUMBLOB",
                Kind.BINARY,
                List.of("REPEAT(X'C3', 100000)", "X''", "NULL", "X'00'"),
                List.of("NULL", "X'01'", "X''", "X'02'")),
            col(
                "lb",
                "LONGBLOB",
                Kind.BINARY,
                List.of("REPEAT(X'5A', 200000)", "X''", "NULL", "X'00'"),
                List.of("X''", "NULL", "X'0000'", "X'03'"))));
    f.put(
        "enumsets",
        List.of(
            col(
                "e",
                "ENUM('a','b','c')",
                Kind.ENUM,
                List.of("'a'", "'c'", "NULL", "'b'"),
                List.of("'c'", "'a'", "'b'", "NULL")),
            col(
                "ebig",
                bigEnum(),
                Kind.ENUM,
                List.of("'v1'", "'v300'", "'v256'", "NULL"),
                List.of("'v300'", "'v1'", "NULL", "'v2'")),
            col(
                "s",
                "SET('x','y','z')",
                Kind.ENUM,
                List.of("''", "'x,z'", "'x,y,z'", "NULL"),
                List.of("'y'", "''", "NULL", "'z,x'")),
            col(
                "sbig",
                bigSet(),
                Kind.ENUM,
                List.of("'m1,m64'", "'m33'", "''", "NULL"),
                List.of("'m64'", "'m1,m2,m3'", "NULL", "''"))));
    f.put(
        "others",
        List.of(
            col(
                "j",
                "JSON",
                Kind.TEXT,
                List.of("'{\"a\": [1, 2.5, null, \"\u00e9\"]}'", "'null'", "'\"s\"'", "NULL"),
                List.of("'[]'", "NULL", "'{}'", "'1'")),
            col(
                "g",
                "GEOMETRY",
                Kind.GEOMETRY,
                List.of(
                    "ST_GeomFromText('POINT(1 2)')",
                    "ST_GeomFromText('LINESTRING(0 0, 1 1, 2 2)', 4326)",
                    "NULL",
                    "ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')"),
                List.of(
                    "NULL",
                    "ST_GeomFromText('POINT(-1.5 2.25)')",
                    "ST_GeomFromText('POINT(0 0)')",
                    "ST_GeomFromText('MULTIPOINT(1 1, 2 2)')")),
            col(
                "pt",
                "POINT",
                Kind.GEOMETRY,
                List.of("POINT(3, 4)", "NULL", "POINT(-180, 90)", "POINT(0, 0)"),
                List.of("POINT(1, 1)", "POINT(2, 2)", "NULL", "POINT(5, 5)"))));
    return f;
  }

  private static String bigEnum() {
    StringBuilder sb = new StringBuilder("ENUM(");
    for (int i = 1; i <= 300; i++) {
      sb.append(i == 1 ? "" : ",").append("'v").append(i).append('\'');
    }
    return sb.append(')').toString();
  }

  private static String bigSet() {
    StringBuilder sb = new StringBuilder("SET(");
    for (int i = 1; i <= 64; i++) {
      sb.append(i == 1 ? "" : ",").append("'m").append(i).append('\'');
    }
    return sb.append(')').toString();
  }

  /** Opens the session the matrix is written in, and its schema. */
  private static void begin(Statement st, String schema) throws Exception {
    st.execute("SET SESSION sql_mode = ''");
    st.execute("SET SESSION time_zone = '+00:00'");
    st.execute("CREATE DATABASE " + schema);
  }

  private static void create(Statement st, String table, List<Col> cols) throws Exception {
    StringBuilder ddl = new StringBuilder("CREATE TABLE " + table + " (id INT PRIMARY KEY");
    cols.forEach(col -> ddl.append(", ").append(col.name()).append(' ').append(col.type()));
    st.execute(ddl.append(")").toString());
  }

  /** Inserts insert-row {@code r} of every column under {@code id}. */
  private static void insert(Statement st, String table, List<Col> cols, int r, int id)
      throws Exception {
    StringBuilder ins = new StringBuilder("INSERT INTO " + table + " VALUES (" + id);
    for (Col col : cols) {
      ins.append(", ").append(col.inserts().get(r));
    }
    st.execute(ins.append(")").toString());
  }

  /** Sets update-row {@code r} of every column on the row {@code id}. */
  private static void update(Statement st, String table, List<Col> cols, int r, int id)
      throws Exception {
    StringBuilder upd = new StringBuilder("UPDATE " + table + " SET ");
    for (int k = 0; k < cols.size(); k++) {
      upd.append(k == 0 ? "" : ", ")
          .append(cols.get(k).name())
          .append(" = ")
          .append(cols.get(k).updates().get(r));
    }
    st.execute(upd.append(" WHERE id = ").append(id).toString());
  }

  /**
   * Writes the matrix for an applier to replay: every family's table created, its rows inserted
   * (twice, under ids r and 100 + r), the second copies updated, and row 1 deleted.
   */
  static void writeForApply(Statement st, String schema) throws Exception {
    begin(st, schema);
    for (Map.Entry<String, List<Col>> family : families().entrySet()) {
      String table = schema + "." + family.getKey();
      List<Col> cols = family.getValue();
      create(st, table, cols);
      int rows = cols.get(0).inserts().size();
      for (int r = 0; r < rows; r++) {
        insert(st, table, cols, r, r);
        insert(st, table, cols, r, 100 + r);
      }
      for (int r = 0; r < rows; r++) {
        update(st, table, cols, r, 100 + r);
      }
      st.execute("DELETE FROM " + table + " WHERE id = 1");
    }
  }

  /** Creates the tables, inserts, updates and deletes; checks every extracted value. */
  static void run(SandboxServer server, String schema) throws Exception {
    BinlogPosition start = Extraction.head(server);
    Map<String, List<Col>> families = families();
    Map<String, List<List<String>>> afterInsert = new LinkedHashMap<>();
    Map<String, List<List<String>>> afterUpdate = new LinkedHashMap<>();
    try (Connection c = server.connect(server.root(), "");
        Statement st = c.createStatement()) {
      begin(st, schema);
      for (Map.Entry<String, List<Col>> family : families.entrySet()) {
        String table = schema + "." + family.getKey();
        List<Col> cols = family.getValue();
        create(st, table, cols);
        int rows = cols.get(0).inserts().size();
        for (int r = 0; r < rows; r++) {
          insert(st, table, cols, r, r);
        }
        afterInsert.put(family.getKey(), snapshot(st, table, cols));
        for (int r = 0; r < rows; r++) {
          update(st, table, cols, r, r);
        }
        afterUpdate.put(family.getKey(), snapshot(st, table, cols));
        st.execute("DELETE FROM " + table);
      }
      st.execute("CREATE TABLE " + schema + ".done (id INT)");
      st.execute("INSERT INTO " + schema + ".done VALUES (1)");
    }
    List<Transaction> txs = Extraction.until(server, start, Extraction.marker(schema));
    for (Map.Entry<String, List<Col>> family : families.entrySet()) {
      List<Col> cols = family.getValue();
      List<RowChanges> changes = new ArrayList<>();
      for (Transaction t : txs) {
        t.changes().stream()
            .filter(ch -> ch instanceof RowChanges rc && rc.table().equals(family.getKey()))
            .forEach(ch -> changes.add((RowChanges) ch));
      }
      List<Row> inserts = rows(changes, Action.INSERT);
      List<Row> updates = rows(changes, Action.UPDATE);
      List<Row> deletes = rows(changes, Action.DELETE);
      int n = cols.get(0).inserts().size();
      assertThat(inserts).as(family.getKey() + " inserts").hasSize(n);
      assertThat(updates).as(family.getKey() + " updates").hasSize(n);
      assertThat(deletes).as(family.getKey() + " deletes").hasSize(n);
      List<ColumnSpec> specs = changes.get(0).columns();
      for (int r = 0; r < n; r++) {
        for (int k = 0; k < cols.size(); k++) {
          Col col = cols.get(k);
          ColumnSpec spec = specs.get(k + 1);
          assertThat(spec.name()).isEqualTo(col.name());
          String where = family.getKey() + "." + col.name() + " row " + r;
          check(
              where + " inserted",
              col,
              spec,
              inserts.get(r).after(k + 1),
              afterInsert.get(family.getKey()).get(r).get(k));
          check(
              where + " before update",
              col,
              spec,
              updates.get(r).before(k + 1),
              afterInsert.get(family.getKey()).get(r).get(k));
          check(
              where + " after update",
              col,
              spec,
              updates.get(r).after(k + 1),
              afterUpdate.get(family.getKey()).get(r).get(k));
          check(
              where + " deleted",
              col,
              spec,
              deletes.get(r).before(k + 1),
              afterUpdate.get(family.getKey()).get(r).get(k));
        }
      }
    }
  }

  private static List<Row> rows(List<RowChanges> changes, Action action) {
    List<Row> rows = new ArrayList<>();
    changes.stream().filter(rc -> rc.action() == action).forEach(rc -> rows.addAll(rc.rows()));
    return rows;
  }

  static List<List<String>> snapshot(Statement st, String table, List<Col> cols) throws Exception {
    StringBuilder q = new StringBuilder("SELECT ");
    for (int k = 0; k < cols.size(); k++) {
      q.append(k == 0 ? "" : ", ")
          .append(String.format(cols.get(k).kind().sql, cols.get(k).name()));
    }
    q.append(" FROM ").append(table).append(" ORDER BY id");
    List<List<String>> rows = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(q.toString())) {
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int k = 1; k <= cols.size(); k++) {
          String v = rs.getString(k);
          row.add(v == null ? "NULL" : v);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static void check(String where, Col col, ColumnSpec spec, Object value, String server) {
    if (value == null) {
      assertThat(server).as(where + ": extracted NULL").isEqualTo("NULL");
      return;
    }
    switch (col.kind()) {
      case NUMBER -> {
        String text =
            value instanceof BigDecimal d
                ? d.toPlainString()
                : col.type().equals("YEAR")
                    ? String.format("%04d", (Long) value)
                    : value.toString();
        assertThat(text).as(where).isEqualTo(server);
        if (col.type().contains("BIGINT UNSIGNED")) {
          assertThat(value).as(where).isInstanceOf(BigInteger.class);
        }
      }
      case FLOAT ->
          assertThat((Float) value).as(where).isEqualTo((float) Double.parseDouble(server));
      case DOUBLE -> assertThat((Double) value).as(where).isEqualTo(Double.parseDouble(server));
      case BIT ->
          assertThat(Long.toBinaryString(((Bits) value).value())).as(where).isEqualTo(server);
      case TEMPORAL -> assertThat(temporal(value, spec.scale())).as(where).isEqualTo(server);
      case TEXT -> {
        assertThat(value).as(where).isInstanceOf(Text.class);
        assertThat(hex(((Text) value).unsafeBytes())).as(where).isEqualTo(server);
      }
      case BINARY -> {
        byte[] bytes = (byte[]) value;
        if (col.type().startsWith("BINARY(")) {
          bytes = java.util.Arrays.copyOf(bytes, spec.length()); // the binlog drops trailing zeros
        }
        assertThat(hex(bytes)).as(where).isEqualTo(server);
      }
      case ENUM -> {
        String[] parts = server.split(":", 2);
        if (value instanceof EnumValue e) {
          assertThat(Long.toString(e.index())).as(where).isEqualTo(parts[0]);
          assertThat(hex(e.label().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
              .as(where)
              .isEqualTo(parts[1]);
        } else {
          SetValue s = (SetValue) value;
          assertThat(Long.toString(s.bits()))
              .as(where + " (SET + 0 is signed)")
              .isEqualTo(parts[0]);
          assertThat(
                  hex(
                      String.join(",", s.labels())
                          .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
              .as(where)
              .isEqualTo(parts[1]);
        }
      }
      case GEOMETRY ->
          assertThat(hex(((Geometry) value).unsafeBytes())).as(where).isEqualTo(server);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().withUpperCase().formatHex(b);
  }

  /** The server's CAST(... AS CHAR) form of a temporal value with the column's precision. */
  private static String temporal(Object v, int fsp) {
    String base;
    int micros;
    if (v instanceof SqlDate d) {
      return d.toString();
    } else if (v instanceof SqlTime t) {
      base =
          String.format(
              "%s%02d:%02d:%02d", t.negative() ? "-" : "", t.hours(), t.minutes(), t.seconds());
      micros = t.micros();
    } else if (v instanceof SqlDateTime dt) {
      base =
          String.format(
              "%04d-%02d-%02d %02d:%02d:%02d",
              dt.year(), dt.month(), dt.day(), dt.hour(), dt.minute(), dt.second());
      micros = dt.micros();
    } else {
      SqlTimestamp ts = (SqlTimestamp) v;
      String utc = ts.utcText();
      base = utc.length() > 19 ? utc.substring(0, 19) : utc;
      micros = ts.micros();
    }
    if (fsp == 0) {
      return base;
    }
    return base + "." + String.format("%06d", micros).substring(0, fsp);
  }
}
