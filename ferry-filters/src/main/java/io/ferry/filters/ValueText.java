package io.ferry.filters;

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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * How a column value reads as text, for filters that compare values with what a person wrote in a
 * configuration file ({@code drop-rows}' {@code equals} and {@code matches}, and any filter that
 * needs the same). The forms are those MariaDB prints in a {@code SELECT}, so that a value copied
 * from a client's output compares equal:
 *
 * <table>
 * <caption>Text forms</caption>
 * <tr><th>Value</th><th>Text</th></tr>
 * <tr><td>SQL NULL</td><td>none: {@link #of} returns Java {@code null} (callers decide what
 *     the word {@code NULL} in a setting means)</td></tr>
 * <tr><td>integers, YEAR ({@link Long}), BIGINT UNSIGNED ({@link BigInteger})</td><td>decimal
 *     digits: {@code -42}, {@code 18446744073709551615}</td></tr>
 * <tr><td>DECIMAL ({@link BigDecimal})</td><td>plain, with its scale: {@code 12.50},
 *     never {@code 1.25E+1}</td></tr>
 * <tr><td>FLOAT, DOUBLE</td><td>the shortest form that reads back, integral values without a
 *     fraction, exponents as MariaDB writes them: {@code 1.5}, {@code 3}, {@code 1e20},
 *     {@code 1.5e-7}</td></tr>
 * <tr><td>CHAR, VARCHAR, TEXT ({@link Text})</td><td>the characters, decoded with the value's
 *     character set; a {@link String} as it is</td></tr>
 * <tr><td>BINARY, VARBINARY, BLOB ({@code byte[]}), spatial ({@link Geometry})</td><td>{@code
 *     0x} and lower-case hex digits, as {@code SELECT HEX()} would show them: {@code 0x00ff}</td></tr>
 * <tr><td>BIT ({@link Bits})</td><td>the number, as {@code SELECT b+0} shows it: {@code 5}</td></tr>
 * <tr><td>DATE, TIME, DATETIME</td><td>{@code 2024-05-01}, {@code -12:34:56},
 *     {@code 2024-05-01 12:34:56}: with as many fraction digits as the column declares
 *     (DATETIME(3): {@code .789}); without the column, six digits when the fraction is not
 *     zero; zero dates as stored ({@code 0000-00-00})</td></tr>
 * <tr><td>TIMESTAMP</td><td>the same form in UTC (the binlog carries TIMESTAMPs in UTC; a
 *     client in another time zone prints them shifted)</td></tr>
 * <tr><td>ENUM</td><td>the label (from the value, else from the column's labels); the empty
 *     error value (index 0) is the empty text; {@code #n} when the label is unknown</td></tr>
 * <tr><td>SET</td><td>the members' labels joined by commas ({@code a,c}); the empty set is the
 *     empty text; the number of its bits when the labels are unknown</td></tr>
 * <tr><td>JSON</td><td>the document as the source logged it</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
public final class ValueText {
  private ValueText() {}

  /**
   * The text form of a value.
   *
   * @param value a value of one of the {@link io.ferry.core.value.Values} types, or null
   * @param column its column, or null when unknown (then temporal values show six fraction digits
   *     when they have a fraction, and ENUM and SET values only what they carry themselves)
   * @return the text, or null for SQL NULL
   */
  public static String of(Object value, ColumnSpec column) {
    if (value == null) {
      return null;
    }
    if (value instanceof Long || value instanceof BigInteger || value instanceof String) {
      return value.toString();
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof Double d) {
      return floating(d, Double.toString(d));
    }
    if (value instanceof Float f) {
      return floating(f.doubleValue(), Float.toString(f));
    }
    if (value instanceof Text t) {
      return t.toString();
    }
    if (value instanceof byte[] b) {
      return "0x" + HexFormat.of().formatHex(b);
    }
    if (value instanceof Geometry g) {
      return "0x" + HexFormat.of().formatHex(g.unsafeBytes());
    }
    if (value instanceof Bits b) {
      return Long.toUnsignedString(b.value());
    }
    if (value instanceof SqlDate d) {
      return d.toString();
    }
    if (value instanceof SqlTime t) {
      String base =
          String.format(
              Locale.ROOT,
              "%s%02d:%02d:%02d",
              t.negative() ? "-" : "",
              t.hours(),
              t.minutes(),
              t.seconds());
      return base + fraction(t.micros(), column);
    }
    if (value instanceof SqlDateTime d) {
      String base =
          String.format(
              Locale.ROOT,
              "%04d-%02d-%02d %02d:%02d:%02d",
              d.year(),
              d.month(),
              d.day(),
              d.hour(),
              d.minute(),
              d.second());
      return base + fraction(d.micros(), column);
    }
    if (value instanceof SqlTimestamp ts) {
      String utc = ts.utcText(); // with six fraction digits when the fraction is not zero
      int dot = utc.indexOf('.');
      return (dot < 0 ? utc : utc.substring(0, dot)) + fraction(ts.micros(), column);
    }
    if (value instanceof EnumValue e) {
      if (e.label() != null) {
        return e.label();
      }
      if (e.index() == 0) {
        return "";
      }
      List<String> labels = column == null ? List.of() : column.labels();
      return e.index() <= labels.size() ? labels.get(e.index() - 1) : "#" + e.index();
    }
    if (value instanceof SetValue s) {
      if (s.labels() != null) {
        return String.join(",", s.labels());
      }
      List<String> labels = column == null ? List.of() : column.labels();
      if (s.bits() != 0 && 64 - Long.numberOfLeadingZeros(s.bits()) > labels.size()) {
        return Long.toUnsignedString(s.bits());
      }
      List<String> members = new ArrayList<>();
      for (int i = 0; i < labels.size() && i < 64; i++) {
        if ((s.bits() & (1L << i)) != 0) {
          members.add(labels.get(i));
        }
      }
      return String.join(",", members);
    }
    if (value instanceof JsonValue j) {
      return j.json();
    }
    return value.toString();
  }

  /** The fraction MariaDB prints: the column's digits, else six when there is one. */
  private static String fraction(int micros, ColumnSpec column) {
    int digits = column != null && column.scale() > 0 ? Math.min(6, column.scale()) : 0;
    if (digits == 0) {
      return column != null || micros == 0 ? "" : String.format(Locale.ROOT, ".%06d", micros);
    }
    String six = String.format(Locale.ROOT, "%06d", micros);
    return "." + six.substring(0, digits);
  }

  /** Java's shortest form, as MariaDB writes it: 3 not 3.0, 1e20 not 1.0E20. */
  private static String floating(double d, String java) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return java;
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    int e = java.indexOf('E');
    if (e < 0) {
      return java;
    }
    String mantissa = java.substring(0, e);
    if (mantissa.endsWith(".0")) {
      mantissa = mantissa.substring(0, mantissa.length() - 2);
    }
    return mantissa + "e" + java.substring(e + 1);
  }
}
