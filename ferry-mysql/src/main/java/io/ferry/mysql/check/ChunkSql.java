package io.ferry.mysql.check;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL a consistency check runs, the same on the source and on every MariaDB/MySQL target: a
 * chunk is the rows whose key is at or after its first key and before the next chunk's first key
 * (as expanded comparisons an index range can use), and its checksum is the row count with the XOR
 * of the first 64 bits of each row's MD5 over every column (each as its bytes, TIMESTAMP as epoch
 * seconds so that time zones do not matter, NULLs told apart by a flag per column). Stateless.
 */
public final class ChunkSql {
  private ChunkSql() {}

  /** A column as the marker lists it: {@code c} and the name, or {@code t} for a TIMESTAMP. */
  public static String column(String name, String dataType) {
    return ("timestamp".equalsIgnoreCase(dataType) ? "t" : "c") + name;
  }

  static String name(String tagged) {
    return tagged.substring(1);
  }

  public static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  public static String table(String schema, String table) {
    return quote(schema) + "." + quote(table);
  }

  /** The row count and checksum of a chunk: a locking read, parameters from {@link #params}. */
  public static String checksum(ChunkMarker m) {
    StringBuilder concat = new StringBuilder("CONCAT_WS('#'");
    StringBuilder nulls = new StringBuilder("CONCAT(");
    for (int i = 0; i < m.columns().size(); i++) {
      String tagged = m.columns().get(i);
      String c = quote(name(tagged));
      concat
          .append(", ")
          .append(
              tagged.startsWith("t") ? "UNIX_TIMESTAMP(" + c + ")" : "CAST(" + c + " AS BINARY)");
      nulls.append(i == 0 ? "" : ", ").append("ISNULL(").append(c).append(')');
    }
    concat.append(", ").append(m.columns().isEmpty() ? "''" : nulls + ")").append(')');
    return "SELECT COUNT(*), LPAD(HEX(BIT_XOR(CAST(CONV(LEFT(MD5("
        + concat
        + "), 16), 16, 10) AS UNSIGNED))), 16, '0') FROM "
        + table(m.schema(), m.table())
        + where(m)
        + " LOCK IN SHARE MODE";
  }

  /** Deletes a chunk's rows (a repair, before the source's rows are written). */
  public static String delete(ChunkMarker m) {
    return "DELETE FROM " + table(m.schema(), m.table()) + where(m);
  }

  /** Copies a chunk's rows into a table of the same definition (a repair on the source). */
  public static String copy(ChunkMarker m, String into) {
    return "INSERT INTO "
        + into
        + " SELECT * FROM "
        + table(m.schema(), m.table())
        + where(m)
        + " LOCK IN SHARE MODE";
  }

  /** The condition of a chunk, with its run's condition: {@code " WHERE ..."} or empty. */
  public static String where(ChunkMarker m) {
    List<String> parts = new ArrayList<>();
    if (!m.lower().isEmpty()) {
      parts.add(compare(m.keys(), ">"));
    }
    if (!m.upper().isEmpty()) {
      parts.add(compare(m.keys(), "<"));
    }
    if (!m.where().isBlank()) {
      parts.add("(" + m.where() + ")");
    }
    return parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts);
  }

  /**
   * {@code (k1, k2) >= (?, ?)} written as {@code (k1 > ? OR (k1 = ? AND k2 >= ?))} (for {@code <}:
   * strictly less), which every version's range optimizer uses.
   */
  static String compare(List<String> keys, String op) {
    List<String> ors = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      StringBuilder and = new StringBuilder();
      for (int j = 0; j < i; j++) {
        and.append(quote(keys.get(j))).append(" = ? AND ");
      }
      boolean last = i == keys.size() - 1;
      String o = op.equals(">") && last ? ">=" : op;
      and.append(quote(keys.get(i))).append(' ').append(o).append(" ?");
      ors.add(i == 0 ? and.toString() : "(" + and + ")");
    }
    return "(" + String.join(" OR ", ors) + ")";
  }

  /** Binds a chunk's parameters (the lower bound's, then the upper's) from index 1. */
  public static int params(PreparedStatement ps, ChunkMarker m) throws SQLException {
    int i = 1;
    if (!m.lower().isEmpty()) {
      i = bindCompare(ps, i, m.lower());
    }
    if (!m.upper().isEmpty()) {
      i = bindCompare(ps, i, m.upper());
    }
    return i;
  }

  /** Binds values for {@link #compare}: for each i, the first i values then value i. */
  static int bindCompare(PreparedStatement ps, int from, List<Object> values) throws SQLException {
    int p = from;
    for (int i = 0; i < values.size(); i++) {
      for (int j = 0; j <= i; j++) {
        bind(ps, p++, values.get(j));
      }
    }
    return p;
  }

  static void bind(PreparedStatement ps, int index, Object v) throws SQLException {
    if (v instanceof byte[] b) {
      ps.setBytes(index, b);
    } else {
      ps.setString(index, v.toString());
    }
  }

  /** A key read back as the marker carries it: bytes for binary types, text otherwise. */
  public static List<Object> key(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    List<Object> out = new ArrayList<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      int t = md.getColumnType(i);
      boolean binary =
          t == Types.BINARY
              || t == Types.VARBINARY
              || t == Types.LONGVARBINARY
              || t == Types.BLOB
              || t == Types.BIT;
      Object v = binary ? rs.getBytes(i) : rs.getString(i);
      if (v == null) {
        throw new SQLException("a key column of the chunk is NULL", "22004");
      }
      out.add(v);
    }
    return out;
  }
}
