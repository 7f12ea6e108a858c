package io.ferry.mysql.apply;

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

/**
 * Renders Ferry values as MariaDB/MySQL literals that mean exactly the value, so statements sent as
 * text store what the source had: integers and decimals in full; DOUBLE in the shortest form that
 * reads back to the same bits, and FLOAT as its exact decimal expansion, both with an exponent so
 * the server reads them as approximate values (correctly rounded, hence exact); character data as
 * hex with its charset introducer ({@code _latin1 X'E9'}), binary data and geometry as hex, so no
 * escaping can go wrong; temporal values in the server's own text form (TIMESTAMP in UTC, which the
 * applier's session uses); BIT as its unsigned number; ENUM and SET by index and bits. Stateless.
 */
final class ExactLiterals {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private ExactLiterals() {}

  static String of(Object v) {
    StringBuilder sb = new StringBuilder();
    append(sb, v);
    return sb.toString();
  }

  static void append(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("NULL");
    } else if (v instanceof Long || v instanceof Integer || v instanceof BigInteger) {
      sb.append(v);
    } else if (v instanceof Text t) {
      sb.append('_').append(t.charset()).append(' ');
      hex(sb, t.unsafeBytes());
    } else if (v instanceof BigDecimal d) {
      sb.append(d.toPlainString());
    } else if (v instanceof Double d) {
      approximate(sb, Double.toString(d));
    } else if (v instanceof Float f) {
      approximate(sb, new BigDecimal(f.doubleValue()).toString());
    } else if (v instanceof byte[] b) {
      hex(sb, b);
    } else if (v instanceof String s) {
      sb.append("_utf8mb4 ");
      hex(sb, s.getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof SqlDateTime || v instanceof SqlDate || v instanceof SqlTime) {
      sb.append('\'').append(v).append('\'');
    } else if (v instanceof SqlTimestamp ts) {
      sb.append('\'').append(ts.utcText()).append('\'');
    } else if (v instanceof Bits b) {
      sb.append(Long.toUnsignedString(b.value())); // a number: compares as one, in any clause
    } else if (v instanceof EnumValue e) {
      sb.append(e.index());
    } else if (v instanceof SetValue s) {
      sb.append(Long.toUnsignedString(s.bits()));
    } else if (v instanceof JsonValue j) {
      sb.append("_utf8mb4 ");
      hex(sb, j.json().getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof Geometry g) {
      hex(sb, g.unsafeBytes());
    } else {
      throw new IllegalArgumentException(
          "cannot write a value of type " + v.getClass().getName() + " to MariaDB/MySQL");
    }
  }

  /** How long the literal of a value is, roughly (to keep huge values off the text path). */
  static long estimatedLength(Object v) {
    if (v instanceof Text t) {
      return 2L * t.length() + 16;
    }
    if (v instanceof byte[] b) {
      return 2L * b.length + 3;
    }
    if (v instanceof Geometry g) {
      return 2L * g.unsafeBytes().length + 3;
    }
    if (v instanceof String s) {
      return 6L * s.length() + 16;
    }
    if (v instanceof JsonValue j) {
      return 6L * j.json().length() + 16;
    }
    return 32;
  }

  /** A number the server must read as an approximate value: it always has an exponent. */
  private static void approximate(StringBuilder sb, String digits) {
    sb.append(digits);
    if (digits.indexOf('E') < 0 && digits.indexOf('e') < 0) {
      sb.append("E0");
    }
  }

  private static void hex(StringBuilder sb, byte[] b) {
    sb.append("X'");
    for (byte x : b) {
      sb.append(HEX[(x >> 4) & 0xF]).append(HEX[x & 0xF]);
    }
    sb.append('\'');
  }
}
