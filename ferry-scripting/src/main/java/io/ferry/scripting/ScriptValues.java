package io.ferry.scripting;

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

/**
 * Column values as scripts see them: NULL as null/nil, integers as numbers (strings beyond
 * ±2<sup>53</sup>, where a double loses digits), DECIMAL as exact text, FLOAT and DOUBLE as
 * numbers, character data as decoded text, binary data as bytes, temporal values as MariaDB prints
 * them (TIMESTAMP in UTC), BIT as a number, ENUM as its label (its index when the label is
 * unknown), SET as comma-separated labels (its bits as a number when the labels are unknown), JSON
 * as text. Writing back goes through {@link ValueParser}. Stateless.
 */
final class ScriptValues {
  /** The largest integer a double holds exactly. */
  static final long SAFE = 1L << 53;

  private ScriptValues() {}

  /** The script's view of a column value (a neutral value, see {@link HostObject}). */
  static Object toScript(Object v) {
    if (v == null || v instanceof String) {
      return v;
    }
    if (v instanceof Long l) {
      return integer(l);
    }
    if (v instanceof Text t) {
      return t.toString();
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof Double) {
      return v;
    }
    if (v instanceof Float f) {
      return Double.valueOf(Float.toString(f)); // 0.1f reads 0.1, not 0.10000000149
    }
    if (v instanceof BigInteger b) {
      return b.bitLength() < 53 ? integer(b.longValue()) : b.toString();
    }
    if (v instanceof byte[]) {
      return v;
    }
    return other(v);
  }

  private static Object other(Object v) {
    if (v instanceof SqlTimestamp ts) {
      return ts.utcText();
    }
    if (v instanceof SqlDate || v instanceof SqlDateTime || v instanceof SqlTime) {
      return v.toString();
    }
    if (v instanceof Bits b) {
      return b.value() >= 0 && b.value() <= SAFE
          ? integer(b.value())
          : Long.toUnsignedString(b.value());
    }
    if (v instanceof EnumValue e) {
      return e.label() != null ? e.label() : (Object) e.index();
    }
    if (v instanceof SetValue s) {
      return s.labels() != null ? String.join(",", s.labels()) : integer(s.bits());
    }
    if (v instanceof JsonValue j) {
      return j.json();
    }
    if (v instanceof Geometry g) {
      return g.bytes();
    }
    throw new IllegalStateException("no script form for a " + v.getClass().getName());
  }

  /** An integer as an Integer, a Long within ±2^53, or text beyond. */
  static Object integer(long l) {
    if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
      return (int) l;
    }
    return l >= -SAFE && l <= SAFE ? (Object) l : Long.toString(l);
  }

  /** Whether a value is character data the script sees as text. */
  static boolean isText(ColumnSpec spec) {
    return spec.type().isCharacter();
  }
}
