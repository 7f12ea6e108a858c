package io.ferry.core.value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The Java types a column value may have in Ferry, and helpers that treat them uniformly.
 *
 * <table>
 * <caption>Values by SQL type</caption>
 * <tr><th>SQL</th><th>Java</th></tr>
 * <tr><td>NULL</td><td>{@code null} (never confused with an empty string or empty bytes)</td></tr>
 * <tr><td>TINYINT..BIGINT, YEAR; unsigned up to INT UNSIGNED</td><td>{@link Long}</td></tr>
 * <tr><td>BIGINT UNSIGNED</td><td>{@link BigInteger} (0 to 2<sup>64</sup>-1)</td></tr>
 * <tr><td>DECIMAL</td><td>{@link BigDecimal}, exact, scale kept</td></tr>
 * <tr><td>FLOAT, DOUBLE</td><td>{@link Float}, {@link Double}</td></tr>
 * <tr><td>BIT</td><td>{@link Bits}</td></tr>
 * <tr><td>DATE, TIME, DATETIME, TIMESTAMP</td><td>{@link SqlDate}, {@link SqlTime},
 *     {@link SqlDateTime}, {@link SqlTimestamp}</td></tr>
 * <tr><td>CHAR, VARCHAR, TEXT</td><td>{@link Text} (bytes and character set), or {@link String}
 *     for sources that deliver Unicode</td></tr>
 * <tr><td>BINARY, VARBINARY, BLOB</td><td>{@code byte[]}</td></tr>
 * <tr><td>ENUM, SET, JSON, spatial</td><td>{@link EnumValue}, {@link SetValue},
 *     {@link JsonValue}, {@link Geometry}</td></tr>
 * </table>
 */
public final class Values {
  private Values() {}

  /** Whether an object is one of the value types above (or null). */
  public static boolean isSupported(Object value) {
    return value == null
        || value instanceof Long
        || value instanceof BigInteger
        || value instanceof BigDecimal
        || value instanceof Double
        || value instanceof Float
        || value instanceof Text
        || value instanceof String
        || value instanceof byte[]
        || value instanceof Bits
        || value instanceof SqlDate
        || value instanceof SqlTime
        || value instanceof SqlDateTime
        || value instanceof SqlTimestamp
        || value instanceof EnumValue
        || value instanceof SetValue
        || value instanceof JsonValue
        || value instanceof Geometry;
  }

  /** Value equality: arrays by content, everything else by {@code equals}. */
  public static boolean equal(Object a, Object b) {
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.equals(x, y);
    }
    return a == null ? b == null : a.equals(b);
  }

  public static int hash(Object value) {
    return value instanceof byte[] bytes
        ? Arrays.hashCode(bytes)
        : java.util.Objects.hashCode(value);
  }

  /** A short human form for listings: strings quoted, bytes in hex, NULL as NULL. */
  public static String display(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof byte[] bytes) {
      return "0x" + HexFormat.of().formatHex(bytes);
    }
    if (value instanceof Text || value instanceof String) {
      return "'" + value.toString().replace("'", "''") + "'";
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    return value.toString();
  }
}
