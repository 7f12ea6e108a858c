package io.ferry.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.target.TargetKeys;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The type matrix: every MariaDB type with its edge values through each dialect, each column of
 * each row compared with what MariaDB holds, by the documented mapping
 * (docs/type-mapping/warehouse.md): the source side's expression applies the mapping (a zero date
 * is -infinity, TIME is microseconds, binary is hex), the store side's reads the store's value.
 */
class TypeMatrixTest {
  @RegisterExtension static final SandboxExtension MARIADB = SandboxExtension.mariadb(1);
  @RegisterExtension static final SandboxExtension PG = SandboxExtension.postgresql(1);

  @TempDir Path dir;

  /**
   * A column: its MariaDB type, the source's expression of its expected value, DuckDB's and
   * PostgreSQL's expression of what they hold, PostgreSQL's type, and whether values compare as
   * numbers (floating point prints differently).
   */
  record Col(
      String name,
      String mariadb,
      String src,
      String duck,
      String pgType,
      String pg,
      boolean number) {}

  private static final String ZERO = "YEAR(%1$s) = 0 OR MONTH(%1$s) = 0 OR DAYOFMONTH(%1$s) = 0";

  private static Col plain(String name, String mariadb, String pgType) {
    return new Col(
        name,
        mariadb,
        "CAST(" + name + " AS CHAR)",
        "CAST(" + name + " AS VARCHAR)",
        pgType,
        name + "::text",
        false);
  }

  private static Col hex(String name, String mariadb, String srcValue) {
    return new Col(
        name,
        mariadb,
        "HEX(" + srcValue + ")",
        "hex(" + name + ")",
        "bytea",
        "upper(encode(" + name + ", 'hex'))",
        false);
  }

  static final List<Col> COLS =
      List.of(
          plain("ti", "TINYINT", "smallint"),
          plain("tiu", "TINYINT UNSIGNED", "smallint"),
          plain("si", "SMALLINT", "smallint"),
          plain("siu", "SMALLINT UNSIGNED", "integer"),
          plain("mi", "MEDIUMINT", "integer"),
          plain("miu", "MEDIUMINT UNSIGNED", "integer"),
          plain("i", "INT", "integer"),
          plain("iu", "INT UNSIGNED", "bigint"),
          plain("bi", "BIGINT", "bigint"),
          plain("biu", "BIGINT UNSIGNED", "numeric(20,0)"),
          plain("d", "DECIMAL(10,2)", "numeric(10,2)"),
          plain("d38", "DECIMAL(38,10)", "numeric(38,10)"),
          plain("dbig", "DECIMAL(65,30)", "numeric(65,30)"),
          new Col(
              "f", "FLOAT", "CAST(f AS DOUBLE)", "CAST(f AS DOUBLE)", "real", "f::float8", true),
          new Col("dbl", "DOUBLE", "dbl", "dbl", "double precision", "dbl", true),
          new Col(
              "bit1", "BIT(1)", "bit1 + 0", "CAST(bit1 AS INTEGER)", "boolean", "bit1::int", false),
          new Col(
              "bit10",
              "BIT(10)",
              "bit10 + 0",
              "CAST(bit10 AS VARCHAR)",
              "bit(10)",
              "bit10::integer::text",
              false),
          new Col("y", "YEAR", "y + 0", "CAST(y AS VARCHAR)", "smallint", "y::text", false),
          new Col(
              "dt",
              "DATE",
              "IF(" + String.format(ZERO, "dt") + ", '-infinity', CAST(dt AS CHAR))",
              "CAST(dt AS VARCHAR)",
              "date",
              "dt::text",
              false),
          new Col(
              "dtm",
              "DATETIME(6)",
              "IF(" + String.format(ZERO, "dtm") + ", '-infinity', CAST(dtm AS CHAR))",
              "IF(isinf(dtm), CAST(dtm AS VARCHAR), strftime(dtm, '%Y-%m-%d %H:%M:%S.%f'))",
              "timestamp(6)",
              "CASE WHEN isfinite(dtm) THEN to_char(dtm, 'YYYY-MM-DD HH24:MI:SS.US')"
                  + " ELSE dtm::text END",
              false),
          new Col(
              "ts",
              "TIMESTAMP(6) NULL",
              "IF(UNIX_TIMESTAMP(ts) = 0, '-infinity', CAST(ts AS CHAR))", // the session is UTC
              "IF(isinf(ts), CAST(ts AS VARCHAR), strftime(ts, '%Y-%m-%d %H:%M:%S.%f'))",
              "timestamptz(6)",
              "CASE WHEN isfinite(ts) THEN to_char(ts AT TIME ZONE 'UTC',"
                  + " 'YYYY-MM-DD HH24:MI:SS.US') ELSE ts::text END",
              false),
          new Col(
              "tm",
              "TIME(6)",
              "CAST(TIME_TO_SEC(tm) * 1000000 AS SIGNED)",
              "CAST(epoch_us(tm) AS VARCHAR)",
              "interval",
              "(extract(epoch FROM tm) * 1000000)::bigint::text",
              false),
          plain("c", "CHAR(10)", "varchar(10)"),
          plain("vc", "VARCHAR(100)", "varchar(100)"),
          plain("tx", "TEXT", "text"),
          plain("lat", "VARCHAR(20) CHARACTER SET latin1", "varchar(20)"),
          hex("bn", "BINARY(4)", "bn"),
          hex("vb", "VARBINARY(20)", "vb"),
          hex("bl", "BLOB", "bl"),
          plain("en", "ENUM('a','b','c')", "text"),
          plain("st", "SET('x','y','z')", "text"),
          new Col("js", "JSON", "js", "CAST(js AS VARCHAR)", "json", "js::text", false),
          hex("g", "GEOMETRY", "ST_AsWKB(g)"));

  /** Rows of values, in {@link #COLS} order. */
  static final List<List<String>> ROWS =
      List.of(
          List.of(
              "-128",
              "0",
              "-32768",
              "0",
              "-8388608",
              "0",
              "-2147483648",
              "0",
              "-9223372036854775808",
              "0",
              "-99999999.99",
              "-9999999999999999999999999999.9999999999",
              "-99999999999999999999999999999999999.999999999999999999999999999999",
              "-3.40282e38",
              "-1.7976931348623157e308",
              "b'0'",
              "b'0000000000'",
              "1901",
              "'1000-01-01'",
              "'1000-01-01 00:00:00.000000'",
              "'1970-01-01 00:00:01.000000'",
              "'-838:59:59.999999'",
              "''",
              "''",
              "''",
              "''",
              "0x00",
              "''",
              "''",
              "'a'",
              "''",
              "'{}'",
              "ST_GeomFromText('POINT(0 0)')"),
          List.of(
              "127",
              "255",
              "32767",
              "65535",
              "8388607",
              "16777215",
              "2147483647",
              "4294967295",
              "9223372036854775807",
              "18446744073709551615",
              "99999999.99",
              "9999999999999999999999999999.9999999999",
              "99999999999999999999999999999999999.999999999999999999999999999999",
              "3.40282e38",
              "1.7976931348623157e308",
              "b'1'",
              "b'1111111111'",
              "2155",
              "'9999-12-31'",
              "'9999-12-31 23:59:59.999999'",
              "'2038-01-19 03:14:07.999999'",
              "'838:59:59.999999'",
              "'abcdefghij'",
              "'q\"u,o\\\"te\\n line\\\\ back \\\\N tab\\t 😀 ünï'",
              "REPEAT('long text ', 20000)",
              "_latin1 0x80E9DF",
              "0xFFFFFFFF",
              "0x00FF5C220A2C0D",
              "RANDOM_BYTES(1024)",
              "'c'",
              "'x,y,z'",
              "'{\"k\": [1, \"two\", null], \"q\": \"a\\\\\"b\"}'",
              "ST_GeomFromText('LINESTRING(0 0, 1.5 2.25, -3 4)', 4326)"),
          List.of(
              "0",
              "1",
              "0",
              "1",
              "0",
              "1",
              "0",
              "1",
              "0",
              "1",
              "0.00",
              "0.0000000001",
              "0.000000000000000000000000000001",
              "0",
              "-0.0",
              "b'1'",
              "b'0000000001'",
              "0",
              "'0000-00-00'",
              "'0000-00-00 00:00:00'",
              "'0000-00-00 00:00:00'",
              "'00:00:00'",
              "'a'",
              "'\\\\N'",
              "'NULL'",
              "'€'",
              "0x0000",
              "X''",
              "0x5C4E",
              "'q'",
              "'z,x'",
              "'[]'",
              "ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))')"),
          List.of(
              "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL",
              "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL",
              "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL",
              "NULL", "NULL", "NULL"),
          List.of(
              "-1",
              "200",
              "-2",
              "40000",
              "-3",
              "9000000",
              "-4",
              "3000000000",
              "-5",
              "9223372036854775808",
              "-0.01",
              "1.5",
              "-0.5",
              "1.5",
              "0.1",
              "b'1'",
              "b'1010101010'",
              "2024",
              "'2024-02-29'",
              "'2024-02-29 23:59:59.000001'",
              "'2024-05-01 12:34:56.000789'",
              "'-00:00:01.000001'",
              "' pad'",
              "'tail  '",
              "'x'",
              "'Ä'",
              "0xAB",
              "0x5C78",
              "0x22",
              "'b'",
              "'y'",
              "'\"str\"'",
              "ST_GeomFromText('POINT(1 2)')"),
          List.of(
              "1",
              "2",
              "3",
              "4",
              "5",
              "6",
              "7",
              "8",
              "9",
              "10",
              "1",
              "2",
              "3",
              "1.17549e-38",
              "2.2250738585072014e-308",
              "b'0'",
              "b'1000000000'",
              "1970",
              "'2024-00-00'",
              "'2024-01-00 10:00:00'",
              "'2000-01-01 00:00:00'",
              "'25:00:00'",
              "'x'",
              "'y'",
              "'z'",
              "'w'",
              "0x01",
              "0x02",
              "0x03",
              "'a'",
              "'x,z'",
              "'1'",
              "ST_GeomFromText('MULTIPOINT(1 1, 2 2)')"));

  private static void source(SandboxServer src) throws Exception {
    StringBuilder create = new StringBuilder("CREATE TABLE types.m (id INT PRIMARY KEY");
    for (Col c : COLS) {
      create.append(", ").append(c.name()).append(' ').append(c.mariadb());
    }
    create.append(") DEFAULT CHARSET = utf8mb4");
    List<String> sql = new ArrayList<>();
    sql.add("SET SESSION sql_mode = ''");
    sql.add("SET SESSION time_zone = '+00:00'");
    sql.add("DROP DATABASE IF EXISTS types");
    sql.add("CREATE DATABASE types");
    sql.add(create.toString());
    for (int r = 0; r < ROWS.size(); r++) {
      sql.add(
          "INSERT INTO types.m VALUES (" + (r + 1) + ", " + String.join(", ", ROWS.get(r)) + ")");
    }
    // an update and a key change carry the same values through before/after images
    sql.add("UPDATE types.m SET id = 50 WHERE id = 5");
    sql.add("UPDATE types.m SET ti = ti WHERE id = 2");
    Harness.sql(src, sql.toArray(new String[0]));
  }

  @Test
  void duckdbHoldsEachValueByTheMapping() throws Exception {
    check(Harness.duckdb("types", dir), false);
  }

  @Test
  void postgresqlHoldsEachValueByTheMapping() throws Exception {
    StringBuilder create = new StringBuilder("CREATE TABLE types.m (id integer PRIMARY KEY");
    for (Col c : COLS) {
      create.append(", ").append(c.name()).append(' ').append(c.pgType());
    }
    create.append(')');
    try (Connection c = PG.server(1).connect();
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS types CASCADE");
      st.execute("DROP SCHEMA IF EXISTS marker CASCADE");
      st.execute("CREATE SCHEMA types");
      st.execute(create.toString());
      st.execute("CREATE SCHEMA marker");
      st.execute("CREATE TABLE marker.done (id integer PRIMARY KEY)");
    }
    check(Harness.postgresql("types", dir, PG.server(1)).set(TargetKeys.DDL, "ignore"), true);
  }

  private void check(Harness.Config config, boolean pg) throws Exception {
    SandboxServer src = MARIADB.server(1);
    BinlogPosition start = Harness.head(src);
    source(src);
    Harness.marker(src);
    List<Transaction> txs = Harness.read(src, start, 1);
    try (WarehouseTarget target = Harness.open(config)) {
      Applier a = target.applier();
      Harness.applyAll(a, txs);
      a.close();
      try (Connection w = target.dialect().connect();
          Connection s = src.connect(src.root(), "")) {
        try (Statement st = s.createStatement()) {
          st.execute("SET SESSION time_zone = '+00:00'");
        }
        for (Col c : COLS) {
          List<List<String>> expected =
              Harness.rows(s, "SELECT id, " + c.src() + " FROM types.m ORDER BY id");
          List<List<String>> actual =
              Harness.rows(
                  w, "SELECT id, " + (pg ? c.pg() : c.duck()) + " FROM types.m ORDER BY id");
          if (c.number()) {
            expected = numbers(expected);
            actual = numbers(actual);
          }
          assertThat(actual)
              .as("column %s (%s)", c.name(), c.mariadb())
              .hasSize(ROWS.size())
              .isEqualTo(expected);
        }
      }
    }
  }

  private static List<List<String>> numbers(List<List<String>> rows) {
    List<List<String>> out = new ArrayList<>();
    for (List<String> r : rows) {
      String v = r.get(1);
      out.add(
          java.util.Arrays.asList(
              r.get(0), v == null ? null : Double.toString(Double.parseDouble(v))));
    }
    return out;
  }
}
