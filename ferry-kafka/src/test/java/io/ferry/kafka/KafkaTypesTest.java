package io.ferry.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.mysql.StartPosition;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The envelope, value by value: every MariaDB type's edge values go through the binlog and the
 * Kafka applier into a real broker, and each JSON value a read_committed consumer gets is checked
 * against what MariaDB itself prints for the column (its own CAST, HEX, BIN, ST_AsWKB), by the
 * mapping of docs/type-mapping/kafka.md; before images of an update and a delete too.
 */
class KafkaTypesTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  static KafkaBroker broker;
  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.stop();
    }
  }

  /** Column → the SQL expression whose text is the documented JSON value, and its JSON kind. */
  private static final Map<String, String[]> ORACLE = new LinkedHashMap<>();

  static {
    for (String c : List.of("ti", "tiu", "si", "siu", "mi", "miu", "i", "iu", "bi", "y")) {
      ORACLE.put(c, new String[] {"CAST(" + c + " AS CHAR)", "number"});
    }
    ORACLE.put("biu", new String[] {"CAST(biu AS CHAR)", "string"});
    ORACLE.put("d", new String[] {"CAST(d AS CHAR)", "string"});
    ORACLE.put("d2", new String[] {"CAST(d2 AS CHAR)", "string"});
    ORACLE.put("f", new String[] {"f", "float"});
    ORACLE.put("db", new String[] {"db", "double"});
    ORACLE.put("b1", new String[] {"LPAD(BIN(b1), 1, '0')", "string"});
    ORACLE.put("b5", new String[] {"LPAD(BIN(b5), 5, '0')", "string"});
    ORACLE.put("b64", new String[] {"LPAD(BIN(b64), 64, '0')", "string"});
    ORACLE.put("dt", new String[] {"CAST(dt AS CHAR)", "string"});
    ORACLE.put("dtm", new String[] {"REPLACE(CAST(dtm AS CHAR), ' ', 'T')", "string"});
    ORACLE.put("dtm0", new String[] {"REPLACE(CAST(dtm0 AS CHAR), ' ', 'T')", "string"});
    ORACLE.put("ts", new String[] {"CONCAT(REPLACE(CAST(ts AS CHAR), ' ', 'T'), 'Z')", "string"});
    ORACLE.put("tm", new String[] {"CAST(tm AS CHAR)", "string"});
    ORACLE.put("tm0", new String[] {"CAST(tm0 AS CHAR)", "string"});
    for (String c : List.of("c", "vc", "l1", "tx", "e")) {
      ORACLE.put(c, new String[] {"CAST(" + c + " AS CHAR)", "string"});
    }
    for (String c : List.of("bn", "vb", "bl")) {
      ORACLE.put(c, new String[] {"HEX(" + c + ")", "base64"});
    }
    ORACLE.put("st", new String[] {"CAST(st AS CHAR)", "set"});
    ORACLE.put("j", new String[] {"CAST(j AS CHAR)", "json"});
    ORACLE.put("g", new String[] {"CONCAT(ST_SRID(g), ':', HEX(ST_AsWKB(g)))", "geometry"});
  }

  @Test
  void everyTypesEdgeValuesArriveAsDocumented() throws Exception {
    Binlog.sql(
        DB.server(1),
        "CREATE DATABASE ty",
        "CREATE TABLE ty.types (id INT PRIMARY KEY,"
            + " ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,"
            + " mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT,"
            + " biu BIGINT UNSIGNED, d DECIMAL(65,30), d2 DECIMAL(10,2), f FLOAT, db DOUBLE,"
            + " b1 BIT(1), b5 BIT(5), b64 BIT(64), y YEAR, dt DATE, dtm DATETIME(6),"
            + " dtm0 DATETIME, ts TIMESTAMP(3) NULL DEFAULT NULL, tm TIME(6), tm0 TIME,"
            + " c CHAR(10), vc VARCHAR(50) CHARACTER SET utf8mb4,"
            + " l1 VARCHAR(20) CHARACTER SET latin1, tx TEXT, bn BINARY(4), vb VARBINARY(20),"
            + " bl BLOB, e ENUM('a','b','c'), st SET('x','y','z'), j JSON, g GEOMETRY)",
        "CREATE TABLE ty.done (id INT PRIMARY KEY)");
    StartPosition start = Binlog.head(DB.server(1));
    String prelude = "SET SESSION sql_mode = '', time_zone = '+00:00'";
    Binlog.sql(
        DB.server(1),
        prelude,
        "INSERT INTO ty.types VALUES (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0,"
            + " -9223372036854775808, 0,"
            + " -99999999999999999999999999999999999.999999999999999999999999999999,"
            + " -99999999.99, -3.40282e38, -1.7976931348623157e308, b'0', b'00000', b'0', 1901,"
            + " '1000-01-01', '1000-01-01 00:00:00.000000', '1000-01-01 00:00:00',"
            + " '1970-01-01 00:00:01.000', '-838:59:59.000000', '-838:59:59', '', '', '', '',"
            + " x'00000000', x'', x'', 'a', '', '[]', ST_GeomFromText('POINT(0 0)'))",
        "INSERT INTO ty.types VALUES (2, 127, 255, 32767, 65535, 8388607, 16777215,"
            + " 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,"
            + " 99999999999999999999999999999999999.999999999999999999999999999999,"
            + " 99999999.99, 3.40282e38, 1.7976931348623157e308, b'1', b'10101',"
            + " b'1111111111111111111111111111111111111111111111111111111111111111', 2155,"
            + " '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59',"
            + " '2038-01-19 03:14:07.999', '838:59:59.999999', '838:59:59', 'abc',"
            + " 'h\u00e9llo \ud83d\ude80 \u00fcn\u00ef \"q\" \\\\ / \\t', 'caf\u00e9',"
            + " REPEAT('long text ', 500), x'6100', x'00ff10', x'000102fffe80',"
            + " 'c', 'x,z', '{\"a\": [1, 2.5, \"\u00fc\"], \"b\": null, \"c\": {\"d\": true}}',"
            + " ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))', 4326))",
        "INSERT INTO ty.types (id) VALUES (3)",
        "INSERT INTO ty.types VALUES (4, 0, 1, 0, 1, 0, 1, 0, 1, 0, 9223372036854775808,"
            + " 0.000000000000000000000000000001, 0.01, 1.5, 0.1, b'1', b'00001',"
            + " b'1000000000000000000000000000000000000000000000000000000000000000', 0,"
            + " '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',"
            + " '0000-00-00 00:00:00', '00:00:00', '-00:00:01', 'a b ', ' ', '\u00ff', 'x',"
            + " x'01', x'00', x'00', 'invalid', 'x,y,z', '\"str\"',"
            + " ST_GeomFromText('POINT(1.5 -2.25)'))");
    Map<Integer, Map<String, String>> inserted = snapshot();
    Binlog.sql(
        DB.server(1),
        prelude,
        "UPDATE ty.types SET vc = 'changed', biu = 1, d2 = 0.5, tm = '100:00:00.5' WHERE id = 2",
        "DELETE FROM ty.types WHERE id = 4",
        "INSERT INTO ty.done VALUES (1)");
    Map<Integer, Map<String, String>> updated = snapshot();

    List<Transaction> txs = Binlog.read(DB.server(1), start, "ty");
    TestConfig c =
        new TestConfig("types", dir)
            .set("target.kafka.bootstrap-servers", broker.bootstrap())
            .set("target.kafka.topic-prefix", "types.");
    try (KafkaTarget target = (KafkaTarget) new KafkaTargetType().open(c, Clock.systemUTC())) {
      Applier a = target.applier();
      a.lastCommitted();
      txs.forEach(a::apply);
      a.commit();
      a.close();
    }

    List<KafkaBroker.Msg> msgs = broker.readCommitted(t -> t.equals("types.ty.types"));
    assertThat(msgs).hasSize(6);
    int checked = 0;
    for (KafkaBroker.Msg m : msgs) {
      JsonNode v = m.value();
      int id = m.key().get("key").get("id").asInt();
      assertThat(v.get("schema").asText()).isEqualTo("ty");
      assertThat(v.get("table").asText()).isEqualTo("types");
      assertThat(v.get("key")).hasToString("[\"id\"]");
      System.out.println("message key " + m.key() + "\nvalue " + v.toPrettyString());
      switch (v.get("op").asText()) {
        case "insert" -> {
          assertThat(v.get("before").isNull()).isTrue();
          checked += compare(id, v.get("after"), inserted.get(id));
        }
        case "update" -> {
          assertThat(id).isEqualTo(2);
          checked += compare(id, v.get("before"), inserted.get(id));
          checked += compare(id, v.get("after"), updated.get(id));
        }
        case "delete" -> {
          assertThat(id).isEqualTo(4);
          assertThat(v.get("after").isNull()).isTrue();
          checked += compare(id, v.get("before"), inserted.get(id));
        }
        default -> throw new AssertionError("unexpected op " + v);
      }
    }
    assertThat(checked).isEqualTo(ORACLE.size() * 7);
  }

  /** Each column's JSON value against MariaDB's text for it; the number of columns compared. */
  private static int compare(int id, JsonNode image, Map<String, String> source) throws Exception {
    assertThat(image.get("id").asInt()).isEqualTo(id);
    int n = 0;
    for (Map.Entry<String, String[]> e : ORACLE.entrySet()) {
      String col = e.getKey();
      String kind = e.getValue()[1];
      JsonNode got = image.get(col);
      String want = source.get(col);
      String where = "row " + id + " column " + col + ": " + got + " vs MariaDB's " + want;
      assertThat(got).as(where).isNotNull();
      n++;
      if (want == null) {
        assertThat(got.isNull()).as(where).isTrue();
        continue;
      }
      switch (kind) {
        case "number" -> {
          assertThat(got.isIntegralNumber()).as(where).isTrue();
          assertThat(got.bigIntegerValue()).as(where).isEqualTo(new java.math.BigInteger(want));
        }
        case "string" -> {
          assertThat(got.isTextual()).as(where).isTrue();
          assertThat(got.asText()).as(where).isEqualTo(want);
        }
        case "float" -> {
          assertThat(got.isNumber()).as(where).isTrue();
          assertThat(Float.parseFloat(got.asText())).as(where).isEqualTo(Float.parseFloat(want));
        }
        case "double" -> {
          assertThat(got.isNumber()).as(where).isTrue();
          assertThat(got.doubleValue()).as(where).isEqualTo(Double.parseDouble(want));
        }
        case "base64" ->
            assertThat(
                    HexFormat.of()
                        .withUpperCase()
                        .formatHex(Base64.getDecoder().decode(got.asText())))
                .as(where)
                .isEqualTo(want);
        case "set" -> {
          assertThat(got.isArray()).as(where).isTrue();
          List<String> labels = want.isEmpty() ? List.of() : List.of(want.split(","));
          List<String> gotLabels = new java.util.ArrayList<>();
          got.forEach(x -> gotLabels.add(x.asText()));
          assertThat(gotLabels).as(where).isEqualTo(labels);
        }
        case "json" -> {
          // MariaDB's JSON is LONGTEXT with a json_valid check: the document's text, as a string
          assertThat(got.isTextual()).as(where).isTrue();
          assertThat(JSON.readTree(got.asText())).as(where).isEqualTo(JSON.readTree(want));
        }
        case "geometry" -> {
          String[] sridWkb = want.split(":", 2);
          assertThat(got.get("srid").asLong()).as(where).isEqualTo(Long.parseLong(sridWkb[0]));
          assertThat(
                  HexFormat.of()
                      .withUpperCase()
                      .formatHex(Base64.getDecoder().decode(got.get("wkb").asText())))
              .as(where)
              .isEqualTo(sridWkb[1]);
        }
        default -> throw new AssertionError(kind);
      }
    }
    return n;
  }

  /** MariaDB's own text of every column of every row, by the oracle's expressions. */
  private static Map<Integer, Map<String, String>> snapshot() throws Exception {
    StringBuilder q = new StringBuilder("SELECT id");
    for (Map.Entry<String, String[]> e : ORACLE.entrySet()) {
      q.append(", ").append(e.getValue()[0]).append(" AS `").append(e.getKey()).append('`');
    }
    q.append(" FROM ty.types");
    Map<Integer, Map<String, String>> out = new HashMap<>();
    try (Connection c = DB.server(1).connect();
        Statement st = c.createStatement()) {
      st.execute("SET SESSION time_zone = '+00:00'");
      try (ResultSet rs = st.executeQuery(q.toString())) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          Map<String, String> row = new HashMap<>();
          for (int i = 2; i <= md.getColumnCount(); i++) {
            row.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getString(i));
          }
          out.put(rs.getInt(1), row);
        }
      }
    }
    return out;
  }
}
