package io.ferry.mongodb;

import static io.ferry.mongodb.SourceOracle.Kind.BINARY;
import static io.ferry.mongodb.SourceOracle.Kind.BIT;
import static io.ferry.mongodb.SourceOracle.Kind.DATE;
import static io.ferry.mongodb.SourceOracle.Kind.DATETIME;
import static io.ferry.mongodb.SourceOracle.Kind.DECIMAL;
import static io.ferry.mongodb.SourceOracle.Kind.DOUBLE;
import static io.ferry.mongodb.SourceOracle.Kind.ENUM;
import static io.ferry.mongodb.SourceOracle.Kind.FLOAT;
import static io.ferry.mongodb.SourceOracle.Kind.GEOMETRY;
import static io.ferry.mongodb.SourceOracle.Kind.INT32;
import static io.ferry.mongodb.SourceOracle.Kind.INT64;
import static io.ferry.mongodb.SourceOracle.Kind.JSON;
import static io.ferry.mongodb.SourceOracle.Kind.SET;
import static io.ferry.mongodb.SourceOracle.Kind.TEXT;
import static io.ferry.mongodb.SourceOracle.Kind.TIME;
import static io.ferry.mongodb.SourceOracle.Kind.UNSIGNED64;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.target.Target;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The type matrix through the MongoDB applier: every MariaDB type family with its edge values,
 * inserted, updated and deleted on a real sandboxed MariaDB, read from its binlog, applied to the
 * in-JVM MongoDB server; every document must hold, field by field, the BSON value the documented
 * mapping gives for what MariaDB itself returns for the row.
 */
class MongoTypeMatrixTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  /** A column: name, type, how it is read, its insert values (4 rows) and update values. */
  record Col(
      String name,
      String type,
      SourceOracle.Kind kind,
      int fsp,
      List<String> ins,
      List<String> upd) {}

  static Col col(
      String name, String type, SourceOracle.Kind kind, List<String> ins, List<String> upd) {
    return new Col(name, type, kind, 0, ins, upd);
  }

  static Map<String, List<Col>> families() {
    Map<String, List<Col>> f = new LinkedHashMap<>();
    f.put(
        "ints",
        List.of(
            col(
                "ti",
                "TINYINT",
                INT32,
                List.of("-128", "127", "0", "NULL"),
                List.of("1", "-1", "NULL", "5")),
            col(
                "tiu",
                "TINYINT UNSIGNED",
                INT32,
                List.of("0", "255", "128", "NULL"),
                List.of("255", "0", "1", "2")),
            col(
                "si",
                "SMALLINT",
                INT32,
                List.of("-32768", "32767", "-1", "0"),
                List.of("32767", "-32768", "0", "NULL")),
            col(
                "siu",
                "SMALLINT UNSIGNED",
                INT32,
                List.of("65535", "0", "32768", "1"),
                List.of("0", "65535", "1", "2")),
            col(
                "mi",
                "MEDIUMINT",
                INT32,
                List.of("-8388608", "8388607", "-1", "0"),
                List.of("8388607", "-8388608", "1", "0")),
            col(
                "miu",
                "MEDIUMINT UNSIGNED",
                INT32,
                List.of("16777215", "0", "8388608", "1"),
                List.of("0", "16777215", "1", "2")),
            col(
                "i",
                "INT",
                INT32,
                List.of("-2147483648", "2147483647", "-1", "0"),
                List.of("2147483647", "-2147483648", "0", "-1")),
            col(
                "iu",
                "INT UNSIGNED",
                INT64,
                List.of("4294967295", "0", "2147483648", "1"),
                List.of("0", "4294967295", "1", "2147483648")),
            col(
                "bi",
                "BIGINT",
                INT64,
                List.of("-9223372036854775808", "9223372036854775807", "-1", "0"),
                List.of("9223372036854775807", "-9223372036854775808", "0", "-1")),
            col(
                "biu",
                "BIGINT UNSIGNED",
                UNSIGNED64,
                List.of("18446744073709551615", "0", "9223372036854775808", "9223372036854775807"),
                List.of("0", "18446744073709551615", "1", "9223372036854775808")),
            col(
                "y",
                "YEAR",
                INT32,
                List.of("1901", "2155", "0", "2024"),
                List.of("2155", "1901", "2000", "NULL"))));
    f.put(
        "decimals",
        List.of(
            col(
                "d65",
                "DECIMAL(65,30)",
                DECIMAL,
                List.of(
                    "99999999999999999999999999999999999.999999999999999999999999999999",
                    "-99999999999999999999999999999999999.999999999999999999999999999999",
                    "0",
                    "-0.000000000000000000000000000001"),
                List.of("1", "-1", "12345678901234567890.123456789012345678901234567890", "NULL")),
            col(
                "d3430",
                "DECIMAL(34,30)",
                DECIMAL,
                List.of(
                    "9999.999999999999999999999999999999",
                    "-0.000000000000000000000000000001",
                    "0",
                    "1"),
                List.of("-9999.999999999999999999999999999999", "2.5", "NULL", "0")),
            col(
                "d102",
                "DECIMAL(10,2)",
                DECIMAL,
                List.of("-12345678.90", "99999999.99", "0.01", "-0.01"),
                List.of("0.00", "1.50", "-1.50", "12345678.90")),
            col(
                "d50u",
                "DECIMAL(5,0) UNSIGNED",
                DECIMAL,
                List.of("99999", "0", "1", "NULL"),
                List.of("0", "99999", "NULL", "7"))));
    f.put(
        "floats",
        List.of(
            col(
                "f",
                "FLOAT",
                FLOAT,
                List.of("1.5", "-3.4028234e38", "1.17549435e-38", "0"),
                List.of("-1.25", "3.4028234e38", "NULL", "3.14159265")),
            col(
                "dbl",
                "DOUBLE",
                DOUBLE,
                List.of(
                    "1.7976931348623157e308", "-2.2250738585072014e-308", "3.141592653589793", "0"),
                List.of("-1.5", "1e-300", "NULL", "2.718281828459045")),
            col(
                "fu",
                "FLOAT UNSIGNED",
                FLOAT,
                List.of("0.5", "100", "NULL", "1e10"),
                List.of("1", "2", "3", "4"))));
    f.put(
        "bits",
        List.of(
            col(
                "b1",
                "BIT(1)",
                BIT,
                List.of("b'1'", "b'0'", "NULL", "b'1'"),
                List.of("b'0'", "b'1'", "b'1'", "NULL")),
            col(
                "b17",
                "BIT(17)",
                BIT,
                List.of("b'10000000000000001'", "0", "1", "NULL"),
                List.of("b'11111111111111111'", "1", "0", "3")),
            col(
                "b64",
                "BIT(64)",
                BIT,
                List.of("0xFFFFFFFFFFFFFFFF", "0x8000000000000001", "0", "0x7FFFFFFFFFFFFFFF"),
                List.of("0", "0xFFFFFFFFFFFFFFFF", "2", "NULL"))));
    f.put(
        "temporals",
        List.of(
            col(
                "dt",
                "DATE",
                DATE,
                List.of("'0000-00-00'", "'1000-01-01'", "'9999-12-31'", "'2024-02-29'"),
                List.of("'2024-00-00'", "'2000-01-00'", "NULL", "'1970-01-01'")),
            col(
                "tm",
                "TIME",
                TIME,
                List.of("'-838:59:59'", "'838:59:59'", "'00:00:00'", "'-00:00:01'"),
                List.of("'12:34:56'", "'-12:34:56'", "NULL", "'100:00:00'")),
            new Col(
                "tm6",
                "TIME(6)",
                TIME,
                0,
                List.of(
                    "'-838:59:59.000000'",
                    "'-00:00:00.000001'",
                    "'12:34:56.789012'",
                    "'838:59:59.000000'"),
                List.of("'-01:02:03.999999'", "'00:00:00.5'", "'-00:00:00.5'", "NULL")),
            col(
                "dtm",
                "DATETIME",
                DATETIME,
                List.of(
                    "'0000-00-00 00:00:00'",
                    "'1000-01-01 00:00:00'",
                    "'9999-12-31 23:59:59'",
                    "'2024-02-29 12:00:00'"),
                List.of(
                    "'2024-00-00 00:00:00'",
                    "NULL",
                    "'1970-01-01 00:00:00'",
                    "'1969-12-31 23:59:59'")),
            col(
                "dtm3",
                "DATETIME(3)",
                DATETIME,
                List.of(
                    "'9999-12-31 23:59:59.999'",
                    "'1000-01-01 00:00:00.001'",
                    "'0000-00-00 00:00:00.000'",
                    "NULL"),
                List.of(
                    "'2000-01-01 00:00:00.5'",
                    "NULL",
                    "'2000-02-03 04:05:06.070'",
                    "'1969-12-31 23:59:59.999'")),
            new Col(
                "dtm6",
                "DATETIME(6)",
                DATETIME,
                6,
                List.of(
                    "'9999-12-31 23:59:59.999999'",
                    "'1000-01-01 00:00:00.000001'",
                    "'2024-02-29 12:34:56.123456'",
                    "'0000-00-00 00:00:00.000000'"),
                List.of(
                    "NULL",
                    "'2000-01-01 00:00:00.000000'",
                    "'1969-12-31 23:59:59.999999'",
                    "'1000-01-01 00:00:00'")),
            col(
                "ts",
                "TIMESTAMP NULL",
                DATETIME,
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
            new Col(
                "ts6",
                "TIMESTAMP(6) NULL",
                DATETIME,
                6,
                List.of(
                    "'1970-01-01 00:00:01.000001'",
                    "'2038-01-19 03:14:07.999999'",
                    "'2024-02-29 12:34:56.5'",
                    "NULL"),
                List.of(
                    "NULL",
                    "'2000-01-01 00:00:00.123456'",
                    "'0000-00-00 00:00:00.000000'",
                    "'2001-01-01 01:01:01'"))));
    f.put(
        "strings",
        List.of(
            col(
                "c",
                "CHAR(10) CHARACTER SET utf8mb4",
                TEXT,
                List.of("''", "'caf\u00e9'", "'\uD83D\uDE00\uD83D\uDE80'", "NULL"),
                List.of("'x'", "''", "NULL", "'  lead'")),
            col(
                "vc",
                "VARCHAR(300) CHARACTER SET utf8mb4",
                TEXT,
                List.of("REPEAT('\u00e9', 300)", "''", "'a\\'b\"c\\\\d'", "NULL"),
                List.of("''", "REPEAT('z', 300)", "'\u4e2d\u6587'", "'tail  '")),
            col(
                "vl1",
                "VARCHAR(20) CHARACTER SET latin1",
                TEXT,
                List.of("_latin1 X'80818D8F909D9EFF'", "''", "'plain'", "NULL"),
                List.of("_latin1 X'E9E8'", "NULL", "''", "_latin1 X'A4'")),
            col(
                "tx",
                "TEXT CHARACTER SET utf8mb4",
                TEXT,
                List.of("REPEAT('ab\u00e9', 5000)", "''", "NULL", "'\uD83D\uDE00'"),
                List.of("NULL", "'t'", "REPEAT('q', 14000)", "''")),
            col(
                "ucs",
                "VARCHAR(10) CHARACTER SET ucs2",
                TEXT,
                List.of("'k\u00f6ln'", "''", "NULL", "'\u20ac'"),
                List.of("NULL", "'x'", "''", "'\u00e4\u00f6\u00fc'")),
            col(
                "sj",
                "VARCHAR(10) CHARACTER SET sjis",
                TEXT,
                List.of("'\u65e5\u672c'", "''", "NULL", "'abc'"),
                List.of("'\u30c6\u30b9\u30c8'", "NULL", "'x'", "''"))));
    f.put(
        "binaries",
        List.of(
            col(
                "bn",
                "BINARY(4)",
                BINARY,
                List.of("X'00000000'", "X'FFFFFFFF'", "X'01'", "NULL"),
                List.of("X'00'", "NULL", "X'0100'", "X'7F'")),
            col(
                "vb",
                "VARBINARY(300)",
                BINARY,
                List.of("X''", "X'00FF00FF'", "REPEAT(X'AB', 300)", "NULL"),
                List.of("NULL", "X''", "X'00'", "REPEAT(X'00', 256)")),
            col(
                "bl",
                "BLOB",
                BINARY,
                List.of("REPEAT(X'00FF', 30000)", "X''", "NULL", "X'DEADBEEF'"),
                List.of("X''", "X'01'", "NULL", "REPEAT(X'7F', 65535)")),
            col(
                "lb",
                "LONGBLOB",
                BINARY,
                List.of("REPEAT(X'5A', 200000)", "X''", "NULL", "X'00'"),
                List.of("X''", "NULL", "X'0000'", "X'03'"))));
    f.put(
        "enumsets",
        List.of(
            col(
                "e",
                "ENUM('a','b','c')",
                ENUM,
                List.of("'a'", "'c'", "NULL", "'b'"),
                List.of("'c'", "'x-invalid'", "'b'", "NULL")),
            col(
                "s",
                "SET('x','y','z')",
                SET,
                List.of("''", "'x,z'", "'x,y,z'", "NULL"),
                List.of("'y'", "''", "NULL", "'z,x'"))));
    f.put(
        "others",
        List.of(
            col(
                "j",
                "JSON",
                JSON,
                List.of(
                    "'{\"a\": [1, 2.5, null, \"\u00e9\"], \"n\": {\"m\": true}}'",
                    "'null'",
                    "'\"s\"'",
                    "NULL"),
                List.of("'[]'", "NULL", "'{}'", "'1'")),
            col(
                "g",
                "GEOMETRY",
                GEOMETRY,
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
                GEOMETRY,
                List.of("POINT(3, 4)", "NULL", "POINT(-180, 90)", "POINT(0, 0)"),
                List.of("POINT(1, 1)", "POINT(2, 2)", "NULL", "POINT(5, 5)"))));
    return f;
  }

  @Test
  void everyTypeBecomesItsDocumentedBsonValue() throws Exception {
    SandboxServer source = DB.server(1);
    BinlogPosition start = Binlog.head(source);
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement()) {
      st.execute("SET SESSION sql_mode = ''");
      st.execute("SET SESSION time_zone = '+00:00'");
      st.execute("CREATE DATABASE mm");
      for (Map.Entry<String, List<Col>> family : families().entrySet()) {
        String table = "mm." + family.getKey();
        List<Col> cols = family.getValue();
        StringBuilder ddl = new StringBuilder("CREATE TABLE " + table + " (id INT PRIMARY KEY");
        cols.forEach(col -> ddl.append(", ").append(col.name()).append(' ').append(col.type()));
        st.execute(ddl.append(")").toString());
        for (int r = 0; r < 4; r++) {
          for (int id : new int[] {r, 100 + r}) {
            StringBuilder ins = new StringBuilder("INSERT INTO " + table + " VALUES (" + id);
            for (Col col : cols) {
              ins.append(", ").append(col.ins().get(r));
            }
            st.execute(ins.append(")").toString());
          }
        }
        for (int r = 0; r < 4; r++) {
          StringBuilder upd = new StringBuilder("UPDATE " + table + " SET ");
          for (int k = 0; k < cols.size(); k++) {
            upd.append(k == 0 ? "" : ", ")
                .append(cols.get(k).name())
                .append(" = ")
                .append(cols.get(k).upd().get(r));
          }
          st.execute(upd.append(" WHERE id = ").append(100 + r).toString());
        }
        st.execute("DELETE FROM " + table + " WHERE id = 1");
      }
      // a composite key, and updates that change it
      st.execute("CREATE TABLE mm.ck (a INT, b VARCHAR(10), v BIGINT, PRIMARY KEY (b, a))");
      st.execute("INSERT INTO mm.ck VALUES (1, 'x', 10), (2, 'y', 20), (3, 'z', 30)");
      st.execute("UPDATE mm.ck SET a = a + 10 WHERE b <> 'z'");
      st.execute("UPDATE mm.ck SET v = v + 1");
      st.execute("DELETE FROM mm.ck WHERE b = 'z'");
      st.execute("CREATE TABLE mm.done (id INT PRIMARY KEY)");
      st.execute("INSERT INTO mm.done VALUES (1)");
    }
    List<Transaction> txs = Binlog.until(source, start, "mm");

    try (InJvmMongo mongo = new InJvmMongo();
        MongoClient client = MongoClients.create(mongo.uri)) {
      MongoSettings settings =
          MongoSettings.of("matrix", mongo.uri).withJsonColumns(List.of("mm.others.j"));
      try (Target target = MongoTargetType.open(settings, Clock.systemUTC());
          Applier applier = target.applier()) {
        assertThat(applier.lastCommitted().isNone()).isTrue();
        int inBlock = 0;
        for (Transaction tx : txs) {
          applier.apply(tx);
          if (++inBlock == 7 || applier.needsCommit()) {
            applier.commit();
            inBlock = 0;
          }
        }
        applier.commit();
        assertThat(applier.lastCommitted().seqno()).isEqualTo(txs.size() - 1);
        assertThat(target.stats().get("applier")).containsEntry("transactional", false);
      }
      try (Connection c = source.connect(source.root(), "");
          Statement st = c.createStatement()) {
        st.execute("SET SESSION time_zone = '+00:00'");
        for (Map.Entry<String, List<Col>> family : families().entrySet()) {
          List<SourceOracle.Col> cols =
              family.getValue().stream()
                  .map(col -> new SourceOracle.Col(col.name(), col.kind(), col.fsp()))
                  .toList();
          var expected = SourceOracle.documents(st, "mm." + family.getKey(), cols);
          assertThat(expected).as(family.getKey() + " on the source").hasSize(7);
          var got =
              SourceOracle.list(
                  client
                      .getDatabase("mm")
                      .getCollection(family.getKey(), BsonDocument.class)
                      .find());
          SourceOracle.assertSame("mm." + family.getKey(), expected, got);
        }
      }
      var ck =
          SourceOracle.list(
              client.getDatabase("mm").getCollection("ck", BsonDocument.class).find());
      assertThat(ck)
          .extracting(d -> d.get("_id"))
          .containsExactlyInAnyOrder(
              new BsonDocument("b", new org.bson.BsonString("x")).append("a", new BsonInt32(11)),
              new BsonDocument("b", new org.bson.BsonString("y")).append("a", new BsonInt32(12)));
      assertThat(ck)
          .extracting(d -> d.getInt64("v").getValue())
          .containsExactlyInAnyOrder(11L, 21L);
    }
  }
}
