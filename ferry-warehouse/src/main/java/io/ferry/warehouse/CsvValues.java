package io.ferry.warehouse;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.value.Bits;
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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The value → CSV text rules of the warehouse target (docs/type-mapping/warehouse.md): each Ferry
 * value written as the text the store's column kind reads back exactly. NULL is the unquoted {@code
 * \N}; every other non-numeric field is quoted (doubled quotes inside), so an empty string, a
 * string {@code \N} and NULL stay apart. Zero and invalid dates are {@code -infinity}; text that is
 * not valid in its character set is refused. Stateless.
 */
final class CsvValues {
  private CsvValues() {}

  /** The CSV field of SQL NULL. */
  static final String NULL = "\\N";

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /**
   * The CSV field (quoted where needed) of a value for a column of the given kind.
   *
   * @throws IllegalArgumentException for a value the store cannot take (the message says why)
   */
  static String field(Object value, ColumnSpec column, StoreKind kind, WarehouseDialect dialect) {
    if (value == null) {
      return NULL;
    }
    String text = text(value, column, kind, dialect);
    if (text == null) {
      return NULL;
    }
    return switch (kind) {
      case INTEGER, DECIMAL, FLOAT -> text;
      default -> quote(text);
    };
  }

  static String quote(String text) {
    if (text.indexOf('"') < 0) {
      return "\"" + text + "\"";
    }
    return "\"" + text.replace("\"", "\"\"") + "\"";
  }

  /** The unquoted text, or null for NULL. */
  static String text(Object value, ColumnSpec column, StoreKind kind, WarehouseDialect dialect) {
    if (value instanceof Long n) {
      return switch (kind) {
        case BOOLEAN -> n != 0 ? "true" : "false";
        case BITS -> bitString(n, Math.max(1, column.length()));
        default -> Long.toString(n);
      };
    }
    if (value instanceof BigInteger n) {
      return kind == StoreKind.BOOLEAN ? (n.signum() != 0 ? "true" : "false") : n.toString();
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof Double d) {
      return Double.toString(d);
    }
    if (value instanceof Float f) {
      // a FLOAT column's value, written in the shortest form that reads back the same float;
      // a DOUBLE column (or a text one) gets the decimal the float stands for, not its binary
      // expansion
      return Float.toString(f);
    }
    if (value instanceof Text t) {
      String cs = t.charset();
      String decoded =
          cs.equals("utf8mb4") || cs.equals("utf8mb3") || cs.equals("utf8")
              ? utf8(t.unsafeBytes(), column)
              : t.toString();
      return clean(decoded, column, dialect);
    }
    if (value instanceof String s) {
      return clean(s, column, dialect);
    }
    if (value instanceof byte[] b) {
      return binary(b, kind, dialect);
    }
    if (value instanceof Bits b) {
      return switch (kind) {
        case BOOLEAN -> b.value() != 0 ? "true" : "false";
        case BITS -> bitString(b.value(), b.width());
        case BINARY -> dialect.binaryText(bitBytes(b));
        case TEXT, OTHER -> bitString(b.value(), b.width());
        default -> Long.toUnsignedString(b.value());
      };
    }
    if (value instanceof SqlDate d) {
      if (kind != StoreKind.TEXT && !realDay(d.year(), d.month(), d.day())) {
        return ZERO; // a zero or invalid date: no such day
      }
      return d.toString();
    }
    if (value instanceof SqlDateTime dt) {
      if (kind != StoreKind.TEXT && !realDay(dt.year(), dt.month(), dt.day())) {
        return ZERO;
      }
      return dt.toString();
    }
    if (value instanceof SqlTimestamp ts) {
      if (ts.isZero()) {
        return kind == StoreKind.TEXT ? ts.utcText() : ZERO;
      }
      String base = UTC.format(Instant.ofEpochSecond(ts.epochSeconds()));
      String fraction = ts.micros() == 0 ? "" : String.format(".%06d", ts.micros());
      return kind == StoreKind.TIMESTAMP_TZ ? base + fraction + "+00" : base + fraction;
    }
    if (value instanceof SqlTime t) {
      return t.toString(); // [-]HHH:MM:SS[.ffffff]: an INTERVAL reads it whatever the hours
    }
    if (value instanceof EnumValue e) {
      return enumLabel(e, column);
    }
    if (value instanceof SetValue s) {
      return setLabels(s, column);
    }
    if (value instanceof JsonValue j) {
      return clean(j.json(), column, dialect);
    }
    if (value instanceof Geometry g) {
      byte[] all = g.unsafeBytes();
      byte[] wkb = all.length >= 4 ? Arrays.copyOfRange(all, 4, all.length) : all; // no SRID
      return binary(wkb, kind, dialect);
    }
    return value.toString();
  }

  /**
   * The store's value of a zero date (0000-00-00, a zero month or day) and of an invalid one
   * (ALLOW_INVALID_DATES): DuckDB and PostgreSQL both take it for DATE and TIMESTAMP[TZ], it is
   * never a real day, a NOT NULL column keeps working and, in a key, it matches the DELETE of the
   * same row (NULL would not). As the postgresql target writes them.
   */
  static final String ZERO = "-infinity";

  private static boolean realDay(int year, int month, int day) {
    if (year == 0 || month == 0 || day == 0) {
      return false;
    }
    try {
      java.time.LocalDate.of(year, month, day);
      return true;
    } catch (java.time.DateTimeException e) {
      return false;
    }
  }

  /**
   * Strict UTF-8: invalid bytes are refused, not replaced with U+FFFD (two distinct keys would
   * become one, and the merge would fold their rows together).
   */
  private static String utf8(byte[] bytes, ColumnSpec column) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException(
          "column "
              + column.name()
              + " holds bytes that are not valid UTF-8 although its character set is "
              + column.charset()
              + "; the warehouse stores text as UTF-8 and does not guess. Fix the value on the"
              + " source (or make the column binary there, VARBINARY/BLOB), or leave the table"
              + " out with a filter");
    }
  }

  private static String binary(byte[] b, StoreKind kind, WarehouseDialect dialect) {
    if (kind == StoreKind.TEXT || kind == StoreKind.JSON) {
      return new String(b, StandardCharsets.UTF_8); // a binary value in a text column
    }
    return dialect.binaryText(b);
  }

  private static String clean(String s, ColumnSpec column, WarehouseDialect dialect) {
    if (!dialect.acceptsNul() && s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "column "
              + column.name()
              + " holds a NUL character, which a "
              + dialect.name()
              + " text column cannot store; make the column binary on the target or remove the"
              + " character on the source (or with a filter)");
    }
    return s;
  }

  static String bitString(long value, int width) {
    String digits = Long.toBinaryString(value);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  private static byte[] bitBytes(Bits b) {
    int n = (b.width() + 7) / 8;
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[n - 1 - i] = (byte) (b.value() >>> (8 * i));
    }
    return out;
  }

  static String enumLabel(EnumValue e, ColumnSpec column) {
    if (e.label() != null) {
      return e.label();
    }
    if (e.index() == 0) {
      return ""; // the error value the server stores for a bad label
    }
    List<String> labels = column.labels();
    return e.index() <= labels.size() ? labels.get(e.index() - 1) : "#" + e.index();
  }

  static String setLabels(SetValue s, ColumnSpec column) {
    if (s.labels() != null) {
      return String.join(",", s.labels());
    }
    List<String> labels = column.labels();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      if ((s.bits() & (1L << i)) != 0) {
        out.add(i < labels.size() ? labels.get(i) : "#" + (i + 1));
      }
    }
    return String.join(",", out);
  }
}
