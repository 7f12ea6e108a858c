package io.ferry.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.RetryPolicy;
import io.ferry.core.position.BinlogPosition;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The type matrix into PostgreSQL: a MariaDB table per type family with edge values, created,
 * inserted, updated and deleted on a real MariaDB, extracted from its binlog and applied to a real
 * PostgreSQL (tables created by the DDL translation); then every value PostgreSQL holds must be the
 * documented mapping (docs/type-mapping/postgresql.md) of what MariaDB holds, read from MariaDB
 * itself with SQL (the oracle), value by value.
 */
class PgTypeMatrixTest {
  @RegisterExtension static final SandboxExtension MARIADB = SandboxExtension.mariadb(1);
  @RegisterExtension static final SandboxExtension PG = SandboxExtension.postgresql(1);

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How a column is compared: the SQL that reads it on MariaDB (%s: the column), the SQL that reads
   * it on PostgreSQL, and the mapping from MariaDB's text to what PostgreSQL must show.
   */
  enum Kind {
    INTEGER("CAST(%s AS CHAR)", "%s::text"),
    DECIMAL("CAST(%s AS CHAR)", "%s::text"),
    FLOAT("CAST(%s AS DOUBLE)", "%s"), // MariaDB prints FLOAT with 6 digits: widen it
    DOUBLE("%s", "%s"), // read with getDouble on both sides
    BIT("BIN(%s)", "%s::text"), // padded to the width in the test
    DATE("CAST(%s AS CHAR)", "%s::text"),
    DATETIME(
        "DATE_FORMAT(%s, '%%Y-%%m-%%d %%H:%%i:%%s.%%f')",
        "CASE WHEN isfinite(%1$s) THEN to_char(%1$s, 'YYYY-MM-DD HH24:MI:SS.US')"
            + " ELSE %1$s::text END"),
    TIMESTAMP(
        "DATE_FORMAT(%s, '%%Y-%%m-%%d %%H:%%i:%%s.%%f')",
        "CASE WHEN isfinite(%1$s) THEN to_char(%1$s AT TIME ZONE 'UTC',"
            + " 'YYYY-MM-DD HH24:MI:SS.US') ELSE %1$s::text END"),
    TIME("CAST(%s AS CHAR)", "extract(epoch from %s)::text"),
    TEXT("HEX(CONVERT(%s USING utf8mb4))", "upper(encode(convert_to(%s, 'UTF8'), 'hex'))"),
    BINARY("HEX(%s)", "upper(encode(%s, 'hex'))"),
    LABEL("CAST(%s AS CHAR)", "%s"),
    JSON_DOC("%s", "%s::text"),
    GEOMETRY("CONCAT(ST_SRID(%1$s), ':', HEX(ST_AsWKB(%1$s)))", "upper(encode(%s, 'hex'))");

    final String source;
    final String pg;

    Kind(String source, String pg) {
      this.source = source;
      this.pg = pg;
    }

    /** MariaDB's text to what PostgreSQL must show. */
    String mapping(String s) {
      return switch (this) {
        case INTEGER -> new BigInteger(s).toString();
        case DATE, DATETIME, TIMESTAMP -> zeroDate(s);
        case TIME -> seconds(s);
        case JSON_DOC -> json(s);
        case GEOMETRY -> ewkb(s);
        default -> s;
      };
    }
  }

  record Col(String name, String type, Kind kind, List<String> inserts, List<String> updates) {}

  static Col col(String name, String type, Kind kind, List<String> ins, List<String> upd) {
    return new Col(name, type, kind, ins, upd);
  }

  static Map<String, List<Col>> families() {
    Map<String, List<Col>> f = new LinkedHashMap<>();
    f.put(
        "ints",
        List.of(
            col(
                "ti",
                "TINYINT",
                Kind.INTEGER,
                List.of("-128", "127", "0", "NULL"),
                List.of("1", "-1", "NULL", "5")),
            col(
                "t1",
                "TINYINT(1)",
                Kind.INTEGER,
                List.of("0", "1", "-128", "NULL"),
                List.of("1", "0", "127", "1")),
            col(
                "tiu",
                "TINYINT UNSIGNED",
                Kind.INTEGER,
                List.of("0", "255", "128", "NULL"),
                List.of("255", "0", "1", "2")),
            col(
                "si",
                "SMALLINT",
                Kind.INTEGER,
                List.of("-32768", "32767", "-1", "0"),
                List.of("32767", "-32768", "0", "NULL")),
            col(
                "siu",
                "SMALLINT UNSIGNED",
                Kind.INTEGER,
                List.of("65535", "0", "32768", "1"),
                List.of("0", "65535", "1", "32768")),
            col(
                "mi",
                "MEDIUMINT",
                Kind.INTEGER,
                List.of("-8388608", "8388607", "-1", "0"),
                List.of("8388607", "-8388608", "1", "0")),
            col(
                "miu",
                "MEDIUMINT UNSIGNED",
                Kind.INTEGER,
                List.of("16777215", "0", "8388608", "1"),
                List.of("0", "16777215", "1", "8388608")),
            col(
                "i",
                "INT",
                Kind.INTEGER,
                List.of("-2147483648", "2147483647", "-1", "0"),
                List.of("2147483647", "-2147483648", "0", "-1")),
            col(
                "iu",
                "INT UNSIGNED",
                Kind.INTEGER,
                List.of("4294967295", "0", "2147483648", "1"),
                List.of("0", "4294967295", "1", "2147483648")),
            col(
                "bi",
                "BIGINT",
                Kind.INTEGER,
                List.of("-9223372036854775808", "9223372036854775807", "-1", "0"),
                List.of("9223372036854775807", "-9223372036854775808", "0", "-1")),
            col(
                "biu",
                "BIGINT UNSIGNED",
                Kind.INTEGER,
                List.of("18446744073709551615", "0", "9223372036854775808", "9223372036854775807"),
                List.of("0", "18446744073709551615", "1", "9223372036854775808")),
            col(
                "y",
                "YEAR",
                Kind.INTEGER,
                List.of("1901", "2155", "0", "2024"),
                List.of("2155", "1901", "2000", "NULL"))));
    f.put(
        "decimals",
        List.of(
            col(
                "d65",
                "DECIMAL(65,30)",
                Kind.DECIMAL,
                List.of(
                    "99999999999999999999999999999999999.999999999999999999999999999999",
                    "-99999999999999999999999999999999999.999999999999999999999999999999",
                    "0",
                    "-0.000000000000000000000000000001"),
                List.of("1", "-1", "12345678901234567890.123456789012345678901234567890", "NULL")),
            col(
                "d102",
                "DECIMAL(10,2)",
                Kind.DECIMAL,
                List.of("-12345678.90", "99999999.99", "0.01", "-0.01"),
                List.of("0.00", "1.50", "-1.50", "12345678.90")),
            col(
                "d50u",
                "DECIMAL(5,0) UNSIGNED",
                Kind.DECIMAL,
                List.of("99999", "0", "1", "NULL"),
                List.of("0", "99999", "NULL", "7"))));
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
                List.of("1.7976931348623157e308", "-2.2250738585072014e-308", "0.1", "NULL"),
                List.of("-1.7976931348623157e308", "4.9e-324", "-0.1", "1e100"))));
    f.put(
        "bits",
        List.of(
            col(
                "b1",
                "BIT(1)",
                Kind.BIT,
                List.of("b'0'", "b'1'", "NULL", "b'1'"),
                List.of("b'1'", "b'0'", "b'1'", "NULL")),
            col(
                "b7",
                "BIT(7)",
                Kind.BIT,
                List.of("b'0000001'", "b'1111111'", "b'1000000'", "0"),
                List.of("b'1010101'", "0", "NULL", "b'0000010'")),
            col(
                "b64",
                "BIT(64)",
                Kind.BIT,
                List.of("0xFFFFFFFFFFFFFFFF", "0", "0x8000000000000000", "1"),
                List.of("0", "0xFFFFFFFFFFFFFFFF", "0x0123456789ABCDEF", "NULL"))));
    f.put(
        "temporals",
        List.of(
            col(
                "d",
                "DATE",
                Kind.DATE,
                List.of("'1000-01-01'", "'9999-12-31'", "'0000-00-00'", "'2024-02-29'"),
                List.of("'0000-00-00'", "'2024-00-15'", "NULL", "'1970-01-01'")),
            col(
                "dt6",
                "DATETIME(6)",
                Kind.DATETIME,
                List.of(
                    "'1000-01-01 00:00:00.000000'",
                    "'9999-12-31 23:59:59.999999'",
                    "'0000-00-00 00:00:00'",
                    "'2024-05-01 12:34:56.000789'"),
                List.of(
                    "'0000-00-00 00:00:00'",
                    "'2000-01-01 00:00:00.5'",
                    "NULL",
                    "'1970-01-01 00:00:01'")),
            col(
                "dt0",
                "DATETIME",
                Kind.DATETIME,
                List.of(
                    "'2038-01-19 03:14:08'",
                    "'1969-12-31 23:59:59'",
                    "NULL",
                    "'2024-05-01 12:34:56'"),
                List.of(
                    "'1000-01-01 00:00:00'",
                    "'2024-12-31 23:59:59'",
                    "'0000-00-00 00:00:00'",
                    "NULL")),
            col(
                "ts6",
                "TIMESTAMP(6) NULL",
                Kind.TIMESTAMP,
                List.of(
                    "'1970-01-01 00:00:01.000000'",
                    "'2038-01-19 03:14:07.999999'",
                    "'0000-00-00 00:00:00'",
                    "NULL"),
                List.of(
                    "'2024-05-01 12:34:56.123456'",
                    "'0000-00-00 00:00:00'",
                    "'2000-02-29 00:00:00.000001'",
                    "'1999-12-31 23:59:59'")),
            col(
                "tm6",
                "TIME(6)",
                Kind.TIME,
                List.of(
                    "'838:59:59.000000'",
                    "'-838:59:59.000000'",
                    "'00:00:00'",
                    "'-00:00:00.000001'"),
                List.of("'24:00:00'", "'-1:02:03.5'", "NULL", "'123:45:06.789012'")),
            col(
                "tm0",
                "TIME",
                Kind.TIME,
                List.of("'838:59:59'", "'-838:59:59'", "NULL", "'12:00:00'"),
                List.of("'-00:00:01'", "'100:00:00'", "'00:00:00'", "NULL"))));
    f.put(
        "texts",
        List.of(
            col(
                "emoji",
                "VARCHAR(20) CHARACTER SET utf8mb4",
                Kind.TEXT,
                List.of("'😀 ok'", "''", "NULL", "'ünïcødé ✓'"),
                List.of("'𝄞 clef'", "'x'", "'日本語'", "NULL")),
            col(
                "lat",
                "VARCHAR(20) CHARACTER SET latin1",
                Kind.TEXT,
                List.of("'café'", "0x80A3FF", "''", "NULL"),
                List.of("0x9D81", "'x'", "NULL", "'naïve'")),
            col(
                "ch",
                "CHAR(10)",
                Kind.TEXT,
                List.of("'a'", "''", "'0123456789'", "NULL"),
                List.of("' b'", "'c'", "NULL", "'z'")),
            col(
                "tx",
                "TEXT",
                Kind.TEXT,
                List.of(
                    "'it''s \"quoted\" \\\\ back'", "REPEAT('x', 5000)", "NULL", "'tab\\there'"),
                List.of("'new\\nline'", "''", "'y'", "NULL"))));
    f.put(
        "binaries",
        List.of(
            col(
                "bn",
                "BINARY(4)",
                Kind.BINARY,
                List.of("0x00000000", "0x01", "NULL", "0xFFFFFFFF"),
                List.of("0x00FF", "0x00000001", "0xAB", "NULL")),
            col(
                "vb",
                "VARBINARY(16)",
                Kind.BINARY,
                List.of("0x00", "X''", "0x00FF00", "NULL"),
                List.of("0x0000", "NULL", "0xDEADBEEF", "X''")),
            col(
                "bl",
                "BLOB",
                Kind.BINARY,
                List.of("0x000102", "REPEAT(0x00, 3000)", "NULL", "X''"),
                List.of("X''", "0xFF", "NULL", "0x0000"))));
    f.put(
        "labels",
        List.of(
            col(
                "e",
                "ENUM('a','b c','Ü')",
                Kind.LABEL,
                List.of("'a'", "'b c'", "'Ü'", "NULL"),
                List.of("'Ü'", "'a'", "NULL", "'b c'")),
            col(
                "s",
                "SET('x','y','z')",
                Kind.LABEL,
                List.of("'x,z'", "''", "'x,y,z'", "NULL"),
                List.of("'y'", "'x,y'", "''", "'z'"))));
    f.put(
        "docs",
        List.of(
            col(
                "j",
                "JSON",
                Kind.JSON_DOC,
                List.of(
                    "'{\"a\": 1, \"b\": [true, null, \"x\"]}'",
                    "'[]'",
                    "NULL",
                    "'{\"n\": 1.25, \"s\": \"ü😀\"}'"),
                List.of(
                    "'\"text\"'", "'{\"deep\": {\"k\": [1, 2, {\"z\": 0}]}}'", "'null'", "NULL"))));
    f.put(
        "spatial",
        List.of(
            col(
                "g",
                "GEOMETRY",
                Kind.GEOMETRY,
                List.of(
                    "ST_GeomFromText('POINT(1 2)')",
                    "ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')",
                    "NULL",
                    "ST_GeomFromText('POINT(-1.5 2.25)', 4326)"),
                List.of(
                    "ST_GeomFromText('LINESTRING(0 0,1 1,2 3)')",
                    "NULL",
                    "ST_GeomFromText('POINT(3 4)', 4326)",
                    "ST_GeomFromText('POINT(0 0)')"))));
    return f;
  }

  /** The documented PostgreSQL type of every column of the matrix (format_type's spelling). */
  static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("ti", "smallint"),
          Map.entry("t1", "smallint"),
          Map.entry("tiu", "smallint"),
          Map.entry("si", "smallint"),
          Map.entry("siu", "integer"),
          Map.entry("mi", "integer"),
          Map.entry("miu", "integer"),
          Map.entry("i", "integer"),
          Map.entry("iu", "bigint"),
          Map.entry("bi", "bigint"),
          Map.entry("biu", "numeric(20,0)"),
          Map.entry("y", "smallint"),
          Map.entry("d65", "numeric(65,30)"),
          Map.entry("d102", "numeric(10,2)"),
          Map.entry("d50u", "numeric(5,0)"),
          Map.entry("f", "real"),
          Map.entry("dbl", "double precision"),
          Map.entry("b1", "bit(1)"),
          Map.entry("b7", "bit(7)"),
          Map.entry("b64", "bit(64)"),
          Map.entry("d", "date"),
          Map.entry("dt6", "timestamp(6) without time zone"),
          Map.entry("dt0", "timestamp(0) without time zone"),
          Map.entry("ts6", "timestamp(6) with time zone"),
          Map.entry("tm6", "interval"),
          Map.entry("tm0", "interval"),
          Map.entry("emoji", "character varying(20)"),
          Map.entry("lat", "character varying(20)"),
          Map.entry("ch", "character varying(10)"),
          Map.entry("tx", "text"),
          Map.entry("bn", "bytea"),
          Map.entry("vb", "bytea"),
          Map.entry("bl", "bytea"),
          Map.entry("e", "text"),
          Map.entry("s", "text"),
          Map.entry("j", "jsonb"),
          Map.entry("g", "bytea"));

  @Test
  void everyValueArrivesAsTheDocumentedMapping() throws Exception {
    SandboxServer source = MARIADB.server(1);
    SandboxServer pg = PG.server(1);
    BinlogPosition start = PgDirect.head(source);
    PgDirect.prepareSync(source);
    PgDirect.sql(source, "CREATE DATABASE pgmatrix");
    try (PgDirect direct =
        PgDirect.start(
            source, PgDirect.target(pg, "matrix"), start, BlockCommit.DEFAULT, RetryPolicy.NEVER)) {
      write(source);
      direct.sync(source, pg, Duration.ofSeconds(60));
      assertThat(direct.applier.stats().keylessTables()).containsExactly("pgmatrix.keyless");
      assertThat(direct.applier.stats().ddl()).isGreaterThanOrEqualTo(families().size());
    }
    compare(source, pg);
    Map<String, String> types = new TreeMap<>();
    try (Connection p = pg.connect();
        Statement ps = p.createStatement();
        ResultSet rs =
            ps.executeQuery(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                    + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE n.nspname = 'pgmatrix' AND a.attnum > 0"
                    + " AND c.relkind = 'r' AND a.attname NOT IN ('id', 'a', 'b', 'c')")) {
      while (rs.next()) {
        types.put(rs.getString(1), rs.getString(2));
      }
    }
    assertThat(types).isEqualTo(new TreeMap<>(TYPES));
  }

  /** Creates, inserts, updates (every row, to the update values) and deletes, on the source. */
  private static void write(SandboxServer source) throws Exception {
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement()) {
      st.execute("SET SESSION sql_mode = ''"); // zero dates allowed
      st.execute("SET SESSION time_zone = '+00:00'");
      for (Map.Entry<String, List<Col>> family : families().entrySet()) {
        List<Col> cols = family.getValue();
        StringBuilder create =
            new StringBuilder("CREATE TABLE pgmatrix.")
                .append(family.getKey())
                .append(" (id INT PRIMARY KEY");
        for (Col col : cols) {
          create.append(", `").append(col.name()).append("` ").append(col.type());
        }
        st.execute(create.append(") DEFAULT CHARSET=utf8mb4").toString());
        int rows = cols.get(0).inserts().size();
        for (int r = 0; r < rows; r++) {
          st.execute(insert(family.getKey(), cols, r + 1, r, true));
        }
        st.execute("BEGIN");
        for (int r = 0; r < rows; r++) {
          StringBuilder u =
              new StringBuilder("UPDATE pgmatrix.").append(family.getKey()).append(" SET ");
          for (int i = 0; i < cols.size(); i++) {
            u.append(i == 0 ? "" : ", ")
                .append('`')
                .append(cols.get(i).name())
                .append("` = ")
                .append(cols.get(i).updates().get(r));
          }
          st.execute(u.append(" WHERE id = ").append(r + 1).toString());
        }
        st.execute("COMMIT");
        // a row inserted, deleted, and its key used again in one transaction
        st.execute("BEGIN");
        st.execute(insert(family.getKey(), cols, 100, 0, true));
        st.execute("DELETE FROM pgmatrix." + family.getKey() + " WHERE id = 100");
        st.execute(insert(family.getKey(), cols, 100, 1, false));
        st.execute("UPDATE pgmatrix." + family.getKey() + " SET id = 101 WHERE id = 2");
        st.execute("DELETE FROM pgmatrix." + family.getKey() + " WHERE id = 3");
        st.execute("COMMIT");
      }
      // no key: rows located by their whole image, NULLs included
      st.execute("CREATE TABLE pgmatrix.keyless (a INT, b VARCHAR(10), c DOUBLE)");
      st.execute(
          "INSERT INTO pgmatrix.keyless VALUES (1, 'x', 0.5), (1, 'x', 0.5), (NULL, NULL, NULL),"
              + " (2, NULL, 1e10), (3, 'y', NULL)");
      st.execute("DELETE FROM pgmatrix.keyless WHERE a = 1 LIMIT 1");
      st.execute("UPDATE pgmatrix.keyless SET a = 4 WHERE a IS NULL");
      st.execute("UPDATE pgmatrix.keyless SET b = 'z' WHERE a = 2");
      st.execute("DELETE FROM pgmatrix.keyless WHERE a = 3");
    }
  }

  private static String insert(
      String table, List<Col> cols, int id, int row, boolean insertValues) {
    StringBuilder b =
        new StringBuilder("INSERT INTO pgmatrix.").append(table).append(" VALUES (").append(id);
    for (Col col : cols) {
      b.append(", ").append(insertValues ? col.inserts().get(row) : col.updates().get(row));
    }
    return b.append(')').toString();
  }

  private static void compare(SandboxServer source, SandboxServer pg) throws Exception {
    try (Connection s = source.connect(source.root(), "");
        Statement ss = s.createStatement();
        Connection p = pg.connect();
        Statement ps = p.createStatement()) {
      ss.execute("SET SESSION time_zone = '+00:00'");
      for (Map.Entry<String, List<Col>> family : families().entrySet()) {
        String table = family.getKey();
        Map<Integer, List<String>> expected =
            read(ss, "pgmatrix." + table, family.getValue(), true);
        Map<Integer, List<String>> actual =
            read(ps, "\"pgmatrix\".\"" + table + "\"", family.getValue(), false);
        assertThat(expected).as(table + " on MariaDB").hasSize(4);
        assertThat(actual.keySet()).as(table + ": keys").isEqualTo(expected.keySet());
        for (Integer id : expected.keySet()) {
          for (int i = 0; i < family.getValue().size(); i++) {
            Col col = family.getValue().get(i);
            assertThat(actual.get(id).get(i))
                .as("%s.%s (%s) of row %d", table, col.name(), col.type(), id)
                .isEqualTo(expected.get(id).get(i));
          }
        }
      }
      assertThat(rows(ss, "SELECT a, b, c FROM pgmatrix.keyless"))
          .isEqualTo(rows(ps, "SELECT a, b, c FROM pgmatrix.keyless"));
    }
  }

  /** Row id → each column's value as PostgreSQL must show it (mapped, for the source). */
  private static Map<Integer, List<String>> read(
      Statement st, String table, List<Col> cols, boolean sourceSide) throws Exception {
    StringBuilder q = new StringBuilder("SELECT id");
    for (Col col : cols) {
      String name = sourceSide ? "`" + col.name() + "`" : "\"" + col.name() + "\"";
      q.append(", ").append(String.format(sourceSide ? col.kind().source : col.kind().pg, name));
    }
    Map<Integer, List<String>> out = new TreeMap<>();
    try (ResultSet rs = st.executeQuery(q.append(" FROM ").append(table).toString())) {
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < cols.size(); i++) {
          Col col = cols.get(i);
          String v;
          if (col.kind() == Kind.FLOAT) {
            float f = (float) rs.getDouble(i + 2);
            v = rs.wasNull() ? null : Float.toString(f);
          } else if (col.kind() == Kind.DOUBLE) {
            double d = rs.getDouble(i + 2);
            v = rs.wasNull() ? null : Double.toString(d);
          } else {
            v = rs.getString(i + 2);
          }
          if (v != null) {
            if (sourceSide) {
              v = col.kind().mapping(v);
              if (col.kind() == Kind.BIT) {
                int width = Integer.parseInt(col.type().replaceAll("\\D", ""));
                v = "0".repeat(width - v.length()) + v;
              }
            } else if (col.kind() == Kind.TIME) {
              v = seconds(v);
            } else if (col.kind() == Kind.JSON_DOC) {
              v = json(v);
            }
          }
          values.add(v);
        }
        out.put(rs.getInt(1), values);
      }
    }
    return out;
  }

  private static List<String> rows(Statement st, String query) throws Exception {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(query)) {
      while (rs.next()) {
        out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getObject(3));
      }
    }
    out.sort(null);
    return out;
  }

  // ---------------------------------------------------------------- the documented mapping

  /** Zero and partly zero dates become -infinity. */
  static String zeroDate(String s) {
    return s.startsWith("0000-00-00")
            || s.substring(5, 7).equals("00")
            || s.substring(8, 10).equals("00")
        ? "-infinity"
        : s;
  }

  /** A TIME ({@code -838:59:59.5}) as seconds, the way an interval's epoch shows it. */
  static String seconds(String s) {
    BigDecimal v;
    if (s.contains(":")) {
      boolean negative = s.startsWith("-");
      String abs = negative ? s.substring(1) : s;
      int a = abs.indexOf(':');
      int b = abs.indexOf(':', a + 1);
      String[] parts = {abs.substring(0, a), abs.substring(a + 1, b), abs.substring(b + 1)};
      v =
          new BigDecimal(parts[0])
              .multiply(BigDecimal.valueOf(3600))
              .add(new BigDecimal(parts[1]).multiply(BigDecimal.valueOf(60)))
              .add(new BigDecimal(parts[2]));
      v = negative ? v.negate() : v;
    } else {
      v = new BigDecimal(s);
    }
    return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
  }

  /** JSON compares as a document (jsonb normalizes spacing and key order). */
  static String json(String s) {
    try {
      return JSON.readTree(s).toString();
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + s, e);
    }
  }

  /** {@code SRID:WKB} as PostGIS's extended WKB: plain WKB for SRID 0, else the SRID flagged. */
  static String ewkb(String s) {
    int colon = s.indexOf(':');
    long srid = Long.parseLong(s.substring(0, colon));
    String wkb = s.substring(colon + 1);
    if (srid == 0) {
      return wkb;
    }
    byte[] b = HexFormat.of().parseHex(wkb);
    if (b[0] != 1) {
      throw new AssertionError("the test expects little-endian WKB");
    }
    int type = (b[1] & 0xff) | (b[2] & 0xff) << 8 | (b[3] & 0xff) << 16 | (b[4] & 0xff) << 24;
    type |= 0x20000000;
    StringBuilder out = new StringBuilder("01");
    for (int v : new int[] {type, (int) srid}) {
      for (int i = 0; i < 4; i++) {
        out.append(String.format("%02X", (v >>> (8 * i)) & 0xff));
      }
    }
    return out.append(wkb.substring(10)).toString();
  }
}
