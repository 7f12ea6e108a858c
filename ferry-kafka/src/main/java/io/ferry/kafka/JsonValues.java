package io.ferry.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Writes a column value as JSON by the documented mapping (docs/type-mapping/kafka.md): integers as
 * numbers, BIGINT UNSIGNED and DECIMAL as strings (exact, scale kept), dates and times as ISO-8601
 * text, binary as base64, BIT as a string of bits, ENUM as its label, SET as an array of labels,
 * JSON embedded, spatial values as SRID and WKB. Stateless and thread-safe.
 */
final class JsonValues {
  private JsonValues() {}

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final Base64.Encoder BASE64 = Base64.getEncoder();
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  static void write(JsonGenerator g, ColumnSpec column, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof Long l) {
      g.writeNumber(l);
    } else if (value instanceof BigInteger b) {
      g.writeString(b.toString()); // BIGINT UNSIGNED: above 2^63-1, past what most readers hold
    } else if (value instanceof BigDecimal d) {
      g.writeString(d.toPlainString());
    } else if (value instanceof Float f) {
      g.writeNumber(f);
    } else if (value instanceof Double d) {
      g.writeNumber(d);
    } else if (value instanceof Text t) {
      text(g, column, t);
    } else if (value instanceof String s) {
      if (column != null && column.type() == SqlType.JSON) {
        json(g, s);
      } else {
        g.writeString(s);
      }
    } else if (value instanceof byte[] bytes) {
      g.writeString(BASE64.encodeToString(bytes));
    } else if (value instanceof Bits b) {
      g.writeString(bits(b));
    } else if (value instanceof SqlDate d) {
      g.writeString(d.toString());
    } else if (value instanceof SqlDateTime dt) {
      g.writeString(dateTime(dt, fsp(column, dt.micros())));
    } else if (value instanceof SqlTimestamp ts) {
      g.writeString(timestamp(ts, fsp(column, ts.micros())));
    } else if (value instanceof SqlTime t) {
      g.writeString(time(t, fsp(column, t.micros())));
    } else if (value instanceof EnumValue e) {
      enumValue(g, column, e);
    } else if (value instanceof SetValue s) {
      setValue(g, column, s);
    } else if (value instanceof JsonValue j) {
      json(g, j.json());
    } else if (value instanceof Geometry geo) {
      geometry(g, geo.unsafeBytes());
    } else {
      throw new IllegalArgumentException(
          "no JSON mapping for a value of " + value.getClass().getName());
    }
  }

  private static void text(JsonGenerator g, ColumnSpec column, Text t) throws IOException {
    if ("binary".equalsIgnoreCase(t.charset())) {
      g.writeString(BASE64.encodeToString(t.unsafeBytes()));
      return;
    }
    boolean json = column != null && column.type() == SqlType.JSON;
    if (!json && isUtf8(t.charset())) {
      byte[] b = t.unsafeBytes();
      g.writeUTF8String(b, 0, b.length); // already UTF-8: escaped, not decoded and encoded again
      return;
    }
    String s = new String(t.unsafeBytes(), Charsets.forSqlName(t.charset()));
    if (json) {
      json(g, s);
    } else {
      g.writeString(s);
    }
  }

  private static boolean isUtf8(String charset) {
    return charset.equalsIgnoreCase("utf8mb4")
        || charset.equalsIgnoreCase("utf8mb3")
        || charset.equalsIgnoreCase("utf8");
  }

  /**
   * A JSON document embedded as it is; one that does not parse (never from a JSON column) as text.
   */
  private static void json(JsonGenerator g, String doc) throws IOException {
    if (isJson(doc)) {
      g.writeRawValue(doc.strip());
    } else {
      g.writeString(doc);
    }
  }

  static boolean isJson(String doc) {
    try (JsonParser p = FACTORY.createParser(doc)) {
      if (p.nextToken() == null) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (JsonProcessingException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code 0101}: every bit of the column's width, the highest first. */
  static String bits(Bits b) {
    String digits = Long.toBinaryString(b.value());
    return "0".repeat(Math.max(0, b.width() - digits.length())) + digits;
  }

  /**
   * The fractional digits to print: the column's declared precision; when the source did not say, 6
   * if the value has a fraction, else none.
   */
  private static int fsp(ColumnSpec column, int micros) {
    int declared = column == null ? 0 : column.scale();
    if (declared > 0 && declared <= 6) {
      return declared;
    }
    return micros == 0 ? 0 : 6;
  }

  private static String fraction(int micros, int digits) {
    if (digits <= 0) {
      return "";
    }
    String six = String.format("%06d", micros);
    return "." + six.substring(0, digits);
  }

  /** {@code 2024-05-01T12:34:56.789}; a zero date keeps its zeros ({@code 0000-00-00T00:00:00}). */
  static String dateTime(SqlDateTime dt, int fsp) {
    return String.format(
            "%04d-%02d-%02dT%02d:%02d:%02d",
            dt.year(), dt.month(), dt.day(), dt.hour(), dt.minute(), dt.second())
        + fraction(dt.micros(), fsp);
  }

  /** {@code 2024-05-01T12:34:56.789Z} (UTC); the zero timestamp is {@code 0000-00-00T00:00:00Z}. */
  static String timestamp(SqlTimestamp ts, int fsp) {
    String base =
        ts.isZero() ? "0000-00-00T00:00:00" : UTC.format(Instant.ofEpochSecond(ts.epochSeconds()));
    return base + fraction(ts.micros(), fsp) + "Z";
  }

  /** {@code -838:59:59.000000}: hours beyond 24 as they are, the sign first. */
  static String time(SqlTime t, int fsp) {
    return String.format(
            "%s%02d:%02d:%02d", t.negative() ? "-" : "", t.hours(), t.minutes(), t.seconds())
        + fraction(t.micros(), fsp);
  }

  private static void enumValue(JsonGenerator g, ColumnSpec column, EnumValue e)
      throws IOException {
    String label = e.label();
    if (label == null && e.index() == 0) {
      label = ""; // the empty error value
    }
    List<String> labels = column == null ? List.of() : column.labels();
    if (label == null && e.index() <= labels.size()) {
      label = labels.get(e.index() - 1);
    }
    if (label != null) {
      g.writeString(label);
    } else {
      g.writeNumber(e.index()); // labels unknown: the 1-based index
    }
  }

  private static void setValue(JsonGenerator g, ColumnSpec column, SetValue s) throws IOException {
    List<String> labels = s.labels();
    List<String> known = column == null ? List.of() : column.labels();
    if (labels == null && 64 - Long.numberOfLeadingZeros(s.bits()) <= known.size()) {
      labels = new java.util.ArrayList<>();
      for (int i = 0; i < known.size(); i++) {
        if ((s.bits() & (1L << i)) != 0) {
          labels.add(known.get(i));
        }
      }
    }
    if (labels == null) {
      g.writeNumber(s.bits()); // labels unknown: the member bits
      return;
    }
    g.writeStartArray();
    for (String l : labels) {
      g.writeString(l);
    }
    g.writeEndArray();
  }

  /** {@code {"srid":4326,"wkb":"AQEAAAA..."}}: the server's 4-byte SRID, then well-known binary. */
  private static void geometry(JsonGenerator g, byte[] bytes) throws IOException {
    g.writeStartObject();
    if (bytes.length >= 4) {
      g.writeNumberField(
          "srid",
          Integer.toUnsignedLong(
              ByteBuffer.wrap(bytes, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()));
      g.writeStringField("wkb", BASE64.encodeToString(Arrays.copyOfRange(bytes, 4, bytes.length)));
    } else {
      g.writeStringField("wkb", BASE64.encodeToString(bytes));
    }
    g.writeEndObject();
  }
}
