package io.ferry.mysql.provision;

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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A table's rows read with SQL as the binlog extractor would decode them from row events: the same
 * Java value for every column type (see {@link io.ferry.core.value.Values}), so that provisioned
 * rows go through filters and every target's type mapping exactly like replicated ones. Each column
 * is selected in a form that carries its exact value: character data as its bytes in its character
 * set, temporal types as text (zero dates included) or epoch seconds, ENUM and SET as their
 * numbers, FLOAT through DOUBLE. The session must use time zone {@code +00:00}. Stateless.
 */
public final class SnapshotRows {
  private SnapshotRows() {}

  private static String q(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** The select list for the columns, one expression per column, in order. */
  public static String selectList(List<ColumnSpec> columns) {
    StringBuilder b = new StringBuilder();
    for (ColumnSpec c : columns) {
      b.append(b.length() == 0 ? "" : ", ").append(expression(c));
    }
    return b.toString();
  }

  static String expression(ColumnSpec c) {
    String n = q(c.name());
    return switch (c.type()) {
      case YEAR, BIT, ENUM, SET -> n + " + 0";
      case FLOAT -> n + " + 0e0";
      case DATE, TIME, DATETIME -> "CAST(" + n + " AS CHAR)";
      case TIMESTAMP -> "UNIX_TIMESTAMP(" + n + ")";
      case CHAR, VARCHAR, TEXT -> c.charset() == null ? n : "CAST(" + n + " AS BINARY)";
      default -> n;
    };
  }

  /** The values of the current row, column by column as {@link #selectList} selected them. */
  public static Object[] row(ResultSet rs, List<ColumnSpec> columns) throws SQLException {
    Object[] out = new Object[columns.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = value(rs, i + 1, columns.get(i));
    }
    return out;
  }

  static Object value(ResultSet rs, int i, ColumnSpec c) throws SQLException {
    if (rs.getObject(i) == null) {
      return null;
    }
    switch (c.type()) {
      case TINYINT, SMALLINT, MEDIUMINT, INT, YEAR:
        return rs.getLong(i);
      case BIGINT:
        return c.unsigned() ? rs.getBigDecimal(i).toBigIntegerExact() : (Object) rs.getLong(i);
      case DECIMAL:
        return scaled(rs.getBigDecimal(i), c.scale());
      case FLOAT:
        return (float) rs.getDouble(i);
      case DOUBLE:
        return rs.getDouble(i);
      case BIT:
        return new Bits(Math.max(1, c.length()), rs.getBigDecimal(i).longValue()); // BIT(64)
      case DATE:
        return date(rs.getString(i));
      case TIME:
        return time(rs.getString(i));
      case DATETIME:
        return dateTime(rs.getString(i));
      case TIMESTAMP:
        {
          BigDecimal epoch = rs.getBigDecimal(i);
          long seconds = epoch.longValue();
          int micros = epoch.subtract(BigDecimal.valueOf(seconds)).movePointRight(6).intValue();
          return new SqlTimestamp(seconds, micros);
        }
      case CHAR, VARCHAR, TEXT:
        return c.charset() == null ? rs.getBytes(i) : Text.wrap(rs.getBytes(i), c.charset());
      case ENUM:
        {
          int index = rs.getInt(i);
          List<String> labels = c.labels();
          String label = index == 0 ? "" : index <= labels.size() ? labels.get(index - 1) : null;
          return new EnumValue(index, label);
        }
      case SET:
        {
          long bits = rs.getLong(i);
          List<String> labels = c.labels();
          List<String> members = null;
          if (!labels.isEmpty()) {
            members = new ArrayList<>();
            for (int b = 0; b < labels.size() && b < 64; b++) {
              if ((bits & (1L << b)) != 0) {
                members.add(labels.get(b));
              }
            }
          }
          return new SetValue(bits, members);
        }
      case JSON:
        return new JsonValue(rs.getString(i));
      case GEOMETRY:
        return new Geometry(rs.getBytes(i));
      default:
        return rs.getBytes(i); // BINARY, VARBINARY, BLOB and types Ferry does not model
    }
  }

  private static BigDecimal scaled(BigDecimal d, int scale) {
    return scale >= 0 && d.scale() != scale ? d.setScale(scale) : d;
  }

  /** {@code 2026-11-30} (or a zero date). */
  static SqlDate date(String s) {
    return new SqlDate(
        Integer.parseInt(s.substring(0, 4)),
        Integer.parseInt(s.substring(5, 7)),
        Integer.parseInt(s.substring(8, 10)));
  }

  /** {@code 2026-11-30 12:34:56[.ffffff]}. */
  static SqlDateTime dateTime(String s) {
    SqlDate d = date(s);
    return new SqlDateTime(
        d.year(),
        d.month(),
        d.day(),
        Integer.parseInt(s.substring(11, 13)),
        Integer.parseInt(s.substring(14, 16)),
        Integer.parseInt(s.substring(17, 19)),
        micros(s, 19));
  }

  /** {@code [-]838:59:59[.ffffff]}. */
  static SqlTime time(String s) {
    boolean negative = s.startsWith("-");
    String t = negative ? s.substring(1) : s;
    int c1 = t.indexOf(':');
    int c2 = t.indexOf(':', c1 + 1);
    return new SqlTime(
        negative,
        Integer.parseInt(t.substring(0, c1)),
        Integer.parseInt(t.substring(c1 + 1, c2)),
        Integer.parseInt(t.substring(c2 + 1, c2 + 3)),
        micros(t, c2 + 3));
  }

  private static int micros(String s, int dot) {
    if (s.length() <= dot + 1 || s.charAt(dot) != '.') {
      return 0;
    }
    String f = (s.substring(dot + 1) + "000000").substring(0, 6);
    return Integer.parseInt(f);
  }
}
