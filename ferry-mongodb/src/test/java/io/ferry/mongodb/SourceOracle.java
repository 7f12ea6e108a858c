package io.ferry.mongodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/**
 * The documents a table's rows must become, computed from what MariaDB itself returns for them
 * (CAST, HEX, ST_AsBinary, its own character set conversion), by the mapping of
 * docs/type-mapping/mongodb.md: the independent side of every comparison.
 */
final class SourceOracle {
  private SourceOracle() {}

  /** How a column is read from MariaDB and what BSON it must become. */
  enum Kind {
    INT32("CAST(%s AS CHAR)"),
    INT64("CAST(%s AS CHAR)"),
    UNSIGNED64("CAST(%s AS CHAR)"),
    BIT("CAST(%s AS UNSIGNED)"),
    DECIMAL("CAST(%s AS CHAR)"),
    FLOAT("CAST(%s AS DOUBLE)"),
    DOUBLE("CAST(%s AS CHAR)"),
    DATE("CAST(%s AS CHAR)"),
    DATETIME("CAST(%s AS CHAR)"),
    TIME("CAST(%s AS CHAR)"),
    TEXT("%s"),
    BINARY("HEX(%s)"),
    ENUM("%s"),
    SET("%s"),
    JSON("%s"),
    GEOMETRY("CONCAT(ST_SRID(%1$s), ':', HEX(ST_AsBinary(%1$s)))");

    final String sql;

    Kind(String sql) {
      this.sql = sql;
    }
  }

  /** A column and how to read it; {@code fsp} for DATETIME/TIMESTAMP's micro field. */
  record Col(String name, Kind kind, int fsp) {}

  /** The documents of every row of a table, by {@code _id} (the single INT column {@code id}). */
  static Map<BsonValue, BsonDocument> documents(Statement st, String table, List<Col> cols)
      throws Exception {
    StringBuilder q = new StringBuilder("SELECT id");
    for (Col c : cols) {
      q.append(", ").append(String.format(c.kind.sql, c.name));
    }
    q.append(" FROM ").append(table);
    Map<BsonValue, BsonDocument> docs = new HashMap<>();
    try (ResultSet rs = st.executeQuery(q.toString())) {
      while (rs.next()) {
        BsonInt32 id = new BsonInt32(rs.getInt(1));
        BsonDocument d = new BsonDocument("_id", id).append("id", id);
        for (int k = 0; k < cols.size(); k++) {
          Col c = cols.get(k);
          String text = rs.getString(k + 2);
          d.put(c.name, expected(c, text));
          if (c.fsp > 3) {
            d.put(c.name + "_micros", micros(text));
          }
        }
        docs.put(id, d);
      }
    }
    return docs;
  }

  static BsonValue expected(Col c, String text) {
    if (text == null) {
      return BsonNull.VALUE;
    }
    return switch (c.kind) {
      case INT32 -> new BsonInt32(Integer.parseInt(text));
      case INT64 -> new BsonInt64(Long.parseLong(text));
      case UNSIGNED64, BIT -> {
        BigInteger b = new BigInteger(text);
        yield b.bitLength() < 64
            ? new BsonInt64(b.longValue())
            : new BsonDecimal128(new Decimal128(new BigDecimal(b)));
      }
      case DECIMAL -> {
        BigDecimal d = new BigDecimal(text);
        yield d.stripTrailingZeros().precision() <= 34
            ? new BsonDecimal128(new Decimal128(d.stripTrailingZeros()))
            : new BsonString(text);
      }
      case FLOAT ->
          new BsonDouble(Double.parseDouble(Float.toString((float) Double.parseDouble(text))));
      case DOUBLE -> new BsonDouble(Double.parseDouble(text));
      case DATE -> {
        try {
          yield new BsonDateTime(
              LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
        } catch (DateTimeException e) {
          yield new BsonString(text);
        }
      }
      case DATETIME -> {
        LocalDateTime t = dateTime(text);
        yield t == null
            ? new BsonString(text.substring(0, 19))
            : new BsonDateTime(t.toInstant(ZoneOffset.UTC).toEpochMilli());
      }
      case TIME, TEXT, ENUM -> new BsonString(text);
      case BINARY -> new BsonBinary(java.util.HexFormat.of().parseHex(text));
      case SET -> {
        BsonArray a = new BsonArray();
        if (!text.isEmpty()) {
          for (String m : java.util.regex.Pattern.compile(",").split(text, -1)) {
            a.add(new BsonString(m));
          }
        }
        yield a;
      }
      case JSON -> BsonDocument.parse("{\"v\": " + text + "}").get("v");
      case GEOMETRY -> {
        String[] parts = text.split(":", 2);
        yield new BsonDocument("srid", new BsonInt32(Integer.parseInt(parts[0])))
            .append("wkb", new BsonBinary(java.util.HexFormat.of().parseHex(parts[1])));
      }
    };
  }

  private static LocalDateTime dateTime(String text) {
    try {
      return LocalDateTime.parse(text.replace(' ', 'T'));
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static BsonValue micros(String text) {
    if (text == null || dateTime(text) == null) {
      return BsonNull.VALUE;
    }
    int dot = text.indexOf('.');
    String frac = dot < 0 ? "" : text.substring(dot + 1);
    return new BsonInt32(Integer.parseInt((frac + "000000").substring(0, 6)));
  }

  /** Asserts that the collection holds exactly these documents, field by field. */
  static void assertSame(
      String what, Map<BsonValue, BsonDocument> expected, List<BsonDocument> got) {
    Map<BsonValue, BsonDocument> byId = new HashMap<>();
    got.forEach(d -> byId.put(d.get("_id"), d));
    assertThat(byId.keySet()).as(what + ": the _ids").isEqualTo(expected.keySet());
    for (Map.Entry<BsonValue, BsonDocument> e : expected.entrySet()) {
      BsonDocument doc = byId.get(e.getKey());
      assertThat(doc.keySet())
          .as(what + " _id " + e.getKey() + ": fields")
          .isEqualTo(e.getValue().keySet());
      for (String f : e.getValue().keySet()) {
        BsonValue want = e.getValue().get(f);
        BsonValue have = doc.get(f);
        assertThat(have.getBsonType())
            .as(what + " _id " + e.getKey() + " field " + f + " type (value " + have + ")")
            .isEqualTo(want.getBsonType());
        assertThat(equal(have, want))
            .as(what + " _id " + e.getKey() + " field " + f + ": " + have + " expected " + want)
            .isTrue();
      }
    }
  }

  private static boolean equal(BsonValue a, BsonValue b) {
    if (a instanceof BsonDecimal128 x && b instanceof BsonDecimal128 y) {
      return x.getValue().bigDecimalValue().compareTo(y.getValue().bigDecimalValue()) == 0;
    }
    return a.equals(b);
  }

  static <T> List<T> list(Iterable<T> it) {
    List<T> l = new ArrayList<>();
    it.forEach(l::add);
    return l;
  }

  static int le32(byte[] b) {
    return ByteBuffer.wrap(b, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }
}
