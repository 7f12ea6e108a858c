package io.ferry.mongodb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import io.ferry.core.value.Bits;
import io.ferry.core.value.Charsets;
import io.ferry.core.value.EnumValue;
import io.ferry.core.value.Geometry;
import io.ferry.core.value.JsonValue;
import io.ferry.core.value.SetValue;
import io.ferry.core.value.SqlDate;
import io.ferry.core.value.SqlDateTime;
import io.ferry.core.value.SqlTime;
import io.ferry.core.value.SqlTimestamp;
import io.ferry.core.value.Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
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
 * The documented mapping of Ferry's column values to BSON (docs/type-mapping/mongodb.md): numbers
 * stay numbers, DECIMAL is Decimal128 where it fits (else its exact text), dates are BSON dates
 * (with a sibling field for sub-millisecond digits), binary is binary. Stateless and thread-safe.
 */
public final class BsonMapping {
  private BsonMapping() {}

  /** The suffix of the field that keeps the microseconds of a DATETIME/TIMESTAMP(4..6) column. */
  public static final String MICROS_SUFFIX = "_micros";

  private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  /** Whether the column's values carry digits below the millisecond a BSON date cannot hold. */
  public static boolean hasMicrosField(ColumnSpec c) {
    return (c.type() == SqlType.DATETIME || c.type() == SqlType.TIMESTAMP) && c.scale() > 3;
  }

  /**
   * Puts one column's value into a document: under its name, and for a DATETIME/TIMESTAMP with more
   * than 3 fractional digits also its microseconds within the second under {@code name_micros}.
   *
   * @param json whether a character column holds JSON (target.mongodb.json-columns)
   */
  public static void put(BsonDocument doc, ColumnSpec c, String name, Object v, boolean json) {
    putNew(doc, name, value(c, v, json));
    if (hasMicrosField(c)) {
      putNew(doc, name + MICROS_SUFFIX, micros(v));
    }
  }

  private static void putNew(BsonDocument doc, String field, BsonValue value) {
    if (doc.containsKey(field)) {
      throw new IllegalArgumentException(
          "two values for the field '"
              + field
              + "' (a column of that name, and the microseconds field of a DATETIME/TIMESTAMP"
              + " column with more than 3 fractional digits): rename one of the columns with a"
              + " filter");
    }
    doc.put(field, value);
  }

  private static BsonValue micros(Object v) {
    if (v instanceof SqlDateTime dt && asDate(dt) != null) {
      return new BsonInt32(dt.micros());
    }
    if (v instanceof SqlTimestamp ts && !ts.isZero()) {
      return new BsonInt32(ts.micros());
    }
    return BsonNull.VALUE;
  }

  /** The BSON value of one column value, by the documented mapping. */
  public static BsonValue value(ColumnSpec c, Object v, boolean json) {
    if (v == null) {
      return BsonNull.VALUE;
    }
    if (v instanceof Long l) {
      return integer(c, l);
    } else if (v instanceof BigInteger b) {
      return unsigned(b);
    } else if (v instanceof BigDecimal d) {
      return decimal(d);
    } else if (v instanceof Double d) {
      return new BsonDouble(d);
    } else if (v instanceof Float f) {
      // a FLOAT as the shortest decimal that reads back as the same float, as MariaDB prints it
      return new BsonDouble(Double.parseDouble(Float.toString(f)));
    } else if (v instanceof Bits b) {
      return b.value() >= 0
          ? new BsonInt64(b.value())
          : unsigned(new BigInteger(Long.toUnsignedString(b.value())));
    } else if (v instanceof SqlDate d) {
      return date(d);
    } else if (v instanceof SqlDateTime dt) {
      LocalDateTime t = asDate(dt);
      return t == null
          ? new BsonString(dt.toString())
          : new BsonDateTime(t.toInstant(ZoneOffset.UTC).toEpochMilli());
    } else if (v instanceof SqlTimestamp ts) {
      return ts.isZero()
          ? new BsonString("0000-00-00 00:00:00")
          : new BsonDateTime(ts.epochSeconds() * 1000 + ts.micros() / 1000);
    } else if (v instanceof SqlTime t) {
      return new BsonString(time(t, c.scale()));
    } else if (v instanceof Text t) {
      return text(t, json);
    } else if (v instanceof String s) {
      return json ? json(s) : new BsonString(s);
    } else if (v instanceof byte[] b) {
      return new BsonBinary(padded(c, b));
    } else if (v instanceof EnumValue e) {
      return new BsonString(label(c, e));
    } else if (v instanceof SetValue s) {
      return set(c, s);
    } else if (v instanceof JsonValue j) {
      return json(j.json());
    } else if (v instanceof Geometry g) {
      return geometry(g);
    }
    throw new IllegalArgumentException(
        "no BSON mapping for a " + v.getClass().getSimpleName() + " value");
  }

  private static BsonValue integer(ColumnSpec c, long l) {
    boolean int32 =
        switch (c.type()) {
          case TINYINT, SMALLINT, MEDIUMINT, YEAR -> true;
          case INT -> !c.unsigned();
          default -> false;
        };
    return int32 && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE
        ? new BsonInt32((int) l)
        : new BsonInt64(l);
  }

  /** An unsigned 64-bit integer: Int64 while it fits, Decimal128 above 2^63-1. */
  private static BsonValue unsigned(BigInteger b) {
    return b.compareTo(INT64_MAX) <= 0
        ? new BsonInt64(b.longValueExact())
        : new BsonDecimal128(new Decimal128(new BigDecimal(b)));
  }

  /**
   * A DECIMAL as Decimal128 when it holds the value exactly (34 significant digits, trailing zeros
   * of the scale dropped if need be); otherwise (DECIMAL(65,30) at full width) its exact text.
   */
  static BsonValue decimal(BigDecimal d) {
    try {
      return new BsonDecimal128(new Decimal128(d));
    } catch (NumberFormatException e) {
      try {
        return new BsonDecimal128(new Decimal128(d.stripTrailingZeros()));
      } catch (NumberFormatException stillTooLong) {
        return new BsonString(d.toPlainString());
      }
    }
  }

  private static BsonValue date(SqlDate d) {
    try {
      LocalDate day = LocalDate.of(d.year(), d.month(), d.day());
      return new BsonDateTime(day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
    } catch (DateTimeException e) {
      return new BsonString(d.toString()); // zero dates: 0000-00-00, 2024-00-00, 2024-02-31
    }
  }

  /** The wall-clock time of a DATETIME as a date, or null for zero and invalid dates. */
  private static LocalDateTime asDate(SqlDateTime dt) {
    try {
      return LocalDateTime.of(
          dt.year(), dt.month(), dt.day(), dt.hour(), dt.minute(), dt.second(), dt.micros() * 1000);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** {@code -838:59:59.000000}: MariaDB's form, with the column's fractional digits. */
  static String time(SqlTime t, int fsp) {
    String base =
        String.format(
            "%s%02d:%02d:%02d", t.negative() ? "-" : "", t.hours(), t.minutes(), t.seconds());
    return fsp <= 0 ? base : base + "." + String.format("%06d", t.micros()).substring(0, fsp);
  }

  private static BsonValue text(Text t, boolean json) {
    String s =
        t.charset().equalsIgnoreCase("latin1")
            ? latin1(t.unsafeBytes())
            : new String(t.unsafeBytes(), Charsets.forSqlName(t.charset()));
    return json ? json(s) : new BsonString(s);
  }

  /** MariaDB's latin1: Windows-1252, whose five unassigned bytes are the C1 controls there. */
  private static final char[] LATIN1 = latin1Table();

  private static char[] latin1Table() {
    char[] table = new char[256];
    String decoded = new String(allBytes(), Charsets.forSqlName("latin1"));
    for (int b = 0; b < 256; b++) {
      char c = decoded.charAt(b);
      table[b] = c == '\uFFFD' ? (char) b : c;
    }
    return table;
  }

  private static byte[] allBytes() {
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  static String latin1(byte[] bytes) {
    char[] out = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = LATIN1[bytes[i] & 0xFF];
    }
    return new String(out);
  }

  /** BINARY(n): the binlog drops trailing zero bytes, which the column holds. */
  private static byte[] padded(ColumnSpec c, byte[] b) {
    return c.type() == SqlType.BINARY && c.length() > b.length ? Arrays.copyOf(b, c.length()) : b;
  }

  private static String label(ColumnSpec c, EnumValue e) {
    if (e.index() == 0) {
      return ""; // the error value MariaDB shows as an empty string
    }
    if (e.label() != null) {
      return e.label();
    }
    if (e.index() <= c.labels().size()) {
      return c.labels().get(e.index() - 1);
    }
    throw new IllegalArgumentException(
        "ENUM value #" + e.index() + " of column " + c.name() + " has no known label");
  }

  private static BsonValue set(ColumnSpec c, SetValue s) {
    BsonArray members = new BsonArray();
    if (s.labels() != null) {
      s.labels().forEach(l -> members.add(new BsonString(l)));
      return members;
    }
    for (int i = 0; i < 64; i++) {
      if ((s.bits() >>> i & 1) != 0) {
        if (i >= c.labels().size()) {
          throw new IllegalArgumentException(
              "SET member " + (i + 1) + " of column " + c.name() + " has no known label");
        }
        members.add(new BsonString(c.labels().get(i)));
      }
    }
    return members;
  }

  /** A spatial value: {@code {srid: Int32, wkb: Binary}} (the server keeps SRID then WKB). */
  private static BsonValue geometry(Geometry g) {
    byte[] b = g.unsafeBytes();
    if (b.length < 4) {
      throw new IllegalArgumentException("a GEOMETRY value of " + b.length + " bytes has no SRID");
    }
    int srid = ByteBuffer.wrap(b, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return new BsonDocument("srid", new BsonInt32(srid))
        .append("wkb", new BsonBinary(Arrays.copyOfRange(b, 4, b.length)));
  }

  /**
   * JSON text as BSON: objects as documents, arrays as arrays, integers as Int32/Int64 (larger ones
   * as Decimal128), other numbers as doubles. Text that is not JSON stays a string.
   */
  static BsonValue json(String text) {
    try {
      return json(JSON.readTree(text));
    } catch (JsonProcessingException e) {
      return new BsonString(text);
    }
  }

  private static BsonValue json(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return BsonNull.VALUE;
    }
    if (n.isObject()) {
      BsonDocument d = new BsonDocument();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        d.put(f.getKey(), json(f.getValue()));
      }
      return d;
    }
    if (n.isArray()) {
      List<BsonValue> items = new ArrayList<>();
      n.forEach(item -> items.add(json(item)));
      return new BsonArray(items);
    }
    if (n.isBoolean()) {
      return BsonBoolean.valueOf(n.booleanValue());
    }
    if (n.isIntegralNumber()) {
      BigInteger b = n.bigIntegerValue();
      if (b.bitLength() < 32) {
        return new BsonInt32(b.intValue());
      }
      if (b.bitLength() < 64) {
        return new BsonInt64(b.longValue());
      }
      return decimal(new BigDecimal(b));
    }
    if (n.isNumber()) {
      return new BsonDouble(n.doubleValue());
    }
    return new BsonString(n.asText());
  }
}
