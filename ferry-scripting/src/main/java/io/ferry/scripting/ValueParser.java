package io.ferry.scripting;

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
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what a script assigns to a column into the value type Ferry carries for the column's type
 * (see {@link io.ferry.core.value.Values}): text into a DATE column is parsed, a number into a
 * DECIMAL column becomes an exact decimal, and so on. A value the type cannot take is a {@link
 * ScriptUsageException} naming the column, its type and the value. Stateless.
 */
final class ValueParser {
  private static final Pattern DATE = Pattern.compile("(\\d{4})-(\\d{1,2})-(\\d{1,2})");
  private static final Pattern DATETIME =
      Pattern.compile(
          "(\\d{4})-(\\d{1,2})-(\\d{1,2})[ T](\\d{1,2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?");
  private static final Pattern TIME =
      Pattern.compile("(-)?(\\d{1,3}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?");

  private ValueParser() {}

  /** The column value for what the script assigned (a neutral value). */
  static Object parse(Object v, ColumnSpec spec, String column) {
    if (v == null) {
      if (!spec.nullable()) {
        throw bad(column, spec, v, "the column is NOT NULL");
      }
      return null;
    }
    try {
      return convert(v, spec);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw bad(column, spec, v, e.getMessage());
    }
  }

  private static Object convert(Object v, ColumnSpec spec) {
    SqlType t = spec.type();
    if (t.isInteger() || t == SqlType.YEAR) {
      BigInteger i = integer(v);
      if (t == SqlType.BIGINT && spec.unsigned()) {
        return i;
      }
      return i.longValueExact();
    }
    if (t.isCharacter()) {
      String cs = spec.charset() == null ? "utf8mb4" : spec.charset();
      return Text.wrap(encode(text(v), cs), cs);
    }
    if (t.isBinary() || t == SqlType.OTHER) {
      return bytes(v);
    }
    return switch (t) {
      case DECIMAL -> decimal(v, spec);
      case FLOAT -> (float) number(v);
      case DOUBLE -> number(v);
      case BIT -> bits(v, spec);
      case DATE -> date(text(v));
      case DATETIME -> dateTime(text(v));
      case TIMESTAMP -> timestamp(text(v));
      case TIME -> time(text(v));
      case ENUM -> enumValue(v, spec);
      case SET -> setValue(v, spec);
      case JSON -> new JsonValue(text(v));
      case GEOMETRY -> new Geometry(bytes(v));
      default -> throw new IllegalArgumentException("the type cannot be written by scripts");
    };
  }

  private static ScriptUsageException bad(String column, ColumnSpec spec, Object v, String reason) {
    return new ScriptUsageException(
        "column '"
            + column
            + "' ("
            + (spec.typeName() != null
                ? spec.typeName()
                : spec.type().name().toLowerCase(java.util.Locale.ROOT))
            + ") cannot take "
            + Args.describe(v)
            + ": "
            + reason);
  }

  static String text(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof byte[] b) {
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(b))
            .toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new IllegalArgumentException(
            "the bytes are not UTF-8 text (write text, or bytes in a binary column)", e);
      }
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) <= ScriptValues.SAFE) {
      return Long.toString(d.longValue());
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    throw new IllegalArgumentException("expected text");
  }

  /**
   * Text in the column's character set, strictly: a character the set cannot hold (or a lone
   * surrogate) is an error naming it, never a silent '?'.
   */
  private static byte[] encode(String text, String charset) {
    if (BMP_ONLY.contains(charset.toLowerCase(java.util.Locale.ROOT))) {
      for (int i = 0; i < text.length(); i++) {
        if (Character.isSurrogate(text.charAt(i))) {
          throw new IllegalArgumentException(
              "the column's character set "
                  + charset
                  + " cannot hold "
                  + String.format("U+%04X at index %d", text.codePointAt(i), i)
                  + " (only characters up to U+FFFF; the column needs utf8mb4)");
        }
      }
    }
    java.nio.charset.CharsetEncoder enc =
        Charsets.forSqlName(charset)
            .newEncoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    try {
      java.nio.ByteBuffer out = enc.encode(java.nio.CharBuffer.wrap(text));
      byte[] b = new byte[out.remaining()];
      out.get(b);
      return b;
    } catch (java.nio.charset.CharacterCodingException e) {
      int bad = firstUnencodable(text, Charsets.forSqlName(charset).newEncoder());
      throw new IllegalArgumentException(
          "the column's character set "
              + charset
              + " cannot hold "
              + (bad < 0
                  ? "this text"
                  : String.format("U+%04X at index %d", text.codePointAt(bad), bad)),
          e);
    }
  }

  private static int firstUnencodable(String text, java.nio.charset.CharsetEncoder enc) {
    for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
      int cp = text.codePointAt(i);
      if (Character.isSurrogate((char) cp) || !enc.canEncode(new String(Character.toChars(cp)))) {
        return i;
      }
    }
    return -1;
  }

  /** Character sets whose Java encoder takes characters past U+FFFF that the server cannot. */
  private static final java.util.Set<String> BMP_ONLY = java.util.Set.of("utf8", "utf8mb3", "ucs2");

  private static byte[] bytes(Object v) {
    if (v instanceof byte[] b) {
      return b.clone();
    }
    if (v instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    throw new IllegalArgumentException("expected bytes or text");
  }

  private static BigInteger integer(Object v) {
    if (v instanceof Integer || v instanceof Long) {
      return BigInteger.valueOf(((Number) v).longValue());
    }
    if (v instanceof Double d) {
      if (d != Math.rint(d) || d.isInfinite()) {
        throw new IllegalArgumentException("not a whole number");
      }
      return new BigDecimal(d).toBigIntegerExact();
    }
    return new BigInteger(text(v).trim());
  }

  private static double number(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    return Double.parseDouble(text(v).trim());
  }

  private static BigDecimal decimal(Object v, ColumnSpec spec) {
    BigDecimal d;
    if (v instanceof Double x) {
      d = new BigDecimal(Double.toString(x)); // 12.34 stays 12.34
    } else if (v instanceof Integer || v instanceof Long) {
      d = BigDecimal.valueOf(((Number) v).longValue());
    } else {
      d = new BigDecimal(text(v).trim());
    }
    if (spec.length() > 0) {
      d = d.setScale(spec.scale(), RoundingMode.HALF_UP);
      if (d.precision() > spec.length()) {
        throw new IllegalArgumentException("more than " + spec.length() + " digits");
      }
    }
    return d;
  }

  private static Bits bits(Object v, ColumnSpec spec) {
    int width = spec.length() >= 1 && spec.length() <= 64 ? spec.length() : 64;
    return new Bits(width, integer(v).longValue());
  }

  private static SqlDate date(String s) {
    Matcher m = matcher(DATE, s, "a date YYYY-MM-DD");
    return new SqlDate(num(m, 1), num(m, 2), num(m, 3));
  }

  private static SqlDateTime dateTime(String s) {
    Matcher m = DATETIME.matcher(s.trim());
    if (!m.matches()) {
      SqlDate d = date(s);
      return new SqlDateTime(d.year(), d.month(), d.day(), 0, 0, 0, 0);
    }
    return new SqlDateTime(
        num(m, 1), num(m, 2), num(m, 3), num(m, 4), num(m, 5), num(m, 6), micros(m, 7));
  }

  private static SqlTimestamp timestamp(String s) {
    SqlDateTime dt = dateTime(s);
    if (dt.year() == 0 && dt.month() == 0 && dt.day() == 0) {
      return new SqlTimestamp(0, 0);
    }
    LocalDateTime ldt =
        LocalDateTime.of(dt.year(), dt.month(), dt.day(), dt.hour(), dt.minute(), dt.second());
    return new SqlTimestamp(ldt.toEpochSecond(ZoneOffset.UTC), dt.micros());
  }

  private static SqlTime time(String s) {
    Matcher m = matcher(TIME, s, "a time [-]HH:MM:SS[.ffffff]");
    return new SqlTime(m.group(1) != null, num(m, 2), num(m, 3), num(m, 4), micros(m, 5));
  }

  private static Matcher matcher(Pattern p, String s, String expected) {
    Matcher m = p.matcher(s.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("expected " + expected);
    }
    return m;
  }

  private static int num(Matcher m, int group) {
    return Integer.parseInt(m.group(group));
  }

  private static int micros(Matcher m, int group) {
    String f = m.group(group);
    return f == null ? 0 : Integer.parseInt((f + "00000").substring(0, 6));
  }

  private static EnumValue enumValue(Object v, ColumnSpec spec) {
    List<String> labels = spec.labels();
    if (v instanceof Number) {
      int i = integer(v).intValueExact();
      return new EnumValue(i, i >= 1 && i <= labels.size() ? labels.get(i - 1) : null);
    }
    String label = text(v);
    int i = labels.indexOf(label);
    if (i < 0) {
      throw new IllegalArgumentException(
          labels.isEmpty()
              ? "the column's labels are unknown: assign the index"
              : "not one of " + labels);
    }
    return new EnumValue(i + 1, label);
  }

  private static SetValue setValue(Object v, ColumnSpec spec) {
    List<String> labels = spec.labels();
    if (v instanceof Number) {
      long bits = integer(v).longValue();
      List<String> present = new ArrayList<>();
      for (int i = 0; i < labels.size(); i++) {
        if ((bits & (1L << i)) != 0) {
          present.add(labels.get(i));
        }
      }
      return new SetValue(bits, labels.isEmpty() ? null : present);
    }
    long bits = 0;
    List<String> present = new ArrayList<>();
    for (String part : text(v).split(",", -1)) {
      int i = labels.indexOf(part);
      if (part.isEmpty()) {
        continue;
      }
      if (i < 0) {
        throw new IllegalArgumentException("'" + part + "' is not one of " + labels);
      }
      bits |= 1L << i;
    }
    for (int i = 0; i < labels.size(); i++) {
      if ((bits & (1L << i)) != 0) {
        present.add(labels.get(i));
      }
    }
    return new SetValue(bits, present);
  }
}
