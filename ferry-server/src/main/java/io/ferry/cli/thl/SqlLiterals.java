package io.ferry.cli.thl;

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
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/** Renders values as MariaDB/MySQL literals, for reading a log as SQL. Stateless. */
final class SqlLiterals {
  private static final Set<String> PLAIN_CHARSETS = Set.of("utf8mb4", "utf8mb3", "utf8", "ascii");

  private SqlLiterals() {}

  static String literal(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof Long || v instanceof java.math.BigInteger) {
      return v.toString();
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? quote(d.toString()) : Double.toString(d);
    }
    if (v instanceof Float f) {
      return f.isNaN() || f.isInfinite() ? quote(f.toString()) : Float.toString(f);
    }
    if (v instanceof Text t) {
      return PLAIN_CHARSETS.contains(t.charset().toLowerCase(Locale.ROOT))
          ? quote(t.toString())
          : "_" + t.charset() + " X'" + HexFormat.of().formatHex(t.unsafeBytes()) + "'";
    }
    if (v instanceof String s) {
      return quote(s);
    }
    if (v instanceof byte[] b) {
      return "X'" + HexFormat.of().formatHex(b) + "'";
    }
    if (v instanceof Geometry g) {
      return "X'" + HexFormat.of().formatHex(g.unsafeBytes()) + "'";
    }
    if (v instanceof Bits b) {
      return b.toString();
    }
    if (v instanceof SqlDate || v instanceof SqlTime || v instanceof SqlDateTime) {
      return quote(v.toString());
    }
    if (v instanceof SqlTimestamp ts) {
      return quote(ts.utcText());
    }
    if (v instanceof EnumValue e) {
      return e.label() != null ? quote(e.label()) : Integer.toString(e.index());
    }
    if (v instanceof SetValue s) {
      return s.labels() != null
          ? quote(String.join(",", s.labels()))
          : Long.toUnsignedString(s.bits());
    }
    if (v instanceof JsonValue j) {
      return quote(j.json());
    }
    return quote(v.toString());
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('\'');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\'' -> sb.append("\\'");
        case '\\' -> sb.append("\\\\");
        case '\0' -> sb.append("\\0");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case 26 -> sb.append("\\Z");
        default -> sb.append(c);
      }
    }
    return sb.append('\'').toString();
  }

  static String identifier(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
