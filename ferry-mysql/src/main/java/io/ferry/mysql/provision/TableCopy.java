package io.ferry.mysql.provision;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.target.SourceTable;
import io.ferry.mysql.check.ChunkSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a table's rows inside an open snapshot transaction, in batches: in key order by keyset
 * pagination on the primary key (or a unique key of NOT NULL columns), or in one streamed scan for
 * a table without one. Each batch is handed on as INSERT row changes. Stateless.
 */
public final class TableCopy {
  /** Where the batches go. */
  public interface Sink {
    void rows(RowChanges batch) throws Exception;
  }

  private TableCopy() {}

  /**
   * The key rows are read by: the primary key, else a unique key of NOT NULL columns, else none; a
   * key with a column whose order and comparison disagree (ENUM, SET, FLOAT, DOUBLE, BIT) is not
   * paged by (the table is read in one scan).
   */
  public static List<String> key(SourceTable t) {
    List<List<String>> candidates = new ArrayList<>();
    if (!t.primaryKey().isEmpty()) {
      candidates.add(t.primaryKey());
    }
    candidates.addAll(t.uniqueKeys());
    for (List<String> u : candidates) {
      boolean usable = true;
      for (String col : u) {
        for (ColumnSpec c : t.columns()) {
          if (c.name().equalsIgnoreCase(col) && (c.nullable() || unpageable(c))) {
            usable = false;
          }
        }
      }
      if (usable) {
        return u;
      }
    }
    return List.of();
  }

  private static boolean unpageable(ColumnSpec c) {
    return switch (c.type()) {
      case ENUM, SET, FLOAT, DOUBLE, BIT -> true;
      default -> false;
    };
  }

  /** Reads every row; returns how many. */
  public static long copy(Connection c, SourceTable t, int batchRows, Sink sink) throws Exception {
    List<String> key = key(t);
    String from = " FROM " + ChunkSql.table(t.schema(), t.name());
    String select = "SELECT " + SnapshotRows.selectList(t.columns());
    long total = 0;
    if (key.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(select + from)) {
        ps.setFetchSize(batchRows);
        try (ResultSet rs = ps.executeQuery()) {
          List<Row> rows = new ArrayList<>();
          while (rs.next()) {
            rows.add(Row.insert(SnapshotRows.row(rs, t.columns())));
            if (rows.size() == batchRows) {
              total += emit(t, rows, sink);
            }
          }
          total += emit(t, rows, sink);
        }
      }
      return total;
    }
    StringBuilder keyList = new StringBuilder();
    for (String k : key) {
      keyList.append(", ").append(ChunkSql.quote(k));
    }
    String order = " ORDER BY " + keyList.substring(2) + " LIMIT " + batchRows;
    List<Object> last = List.of();
    while (true) {
      String sql = select + keyList + from + (last.isEmpty() ? "" : " WHERE " + after(key)) + order;
      List<Row> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int p = 1;
        for (int i = 0; i < last.size(); i++) {
          for (int j = 0; j <= i; j++) {
            bind(ps, p++, last.get(j));
          }
        }
        try (ResultSet rs = ps.executeQuery()) {
          int n = t.columns().size();
          while (rs.next()) {
            rows.add(Row.insert(SnapshotRows.row(rs, t.columns())));
            List<Object> k = new ArrayList<>(key.size());
            for (int i = 0; i < key.size(); i++) {
              Object v =
                  rs.getObject(n + 1 + i) instanceof byte[]
                      ? rs.getBytes(n + 1 + i)
                      : rs.getString(n + 1 + i);
              k.add(v);
            }
            last = k;
          }
        }
      }
      int got = rows.size();
      total += emit(t, rows, sink);
      if (got < batchRows) {
        return total;
      }
    }
  }

  /** {@code (k1 > ? OR (k1 = ? AND k2 > ?))}: strictly after the last key read. */
  static String after(List<String> keys) {
    List<String> ors = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      StringBuilder and = new StringBuilder();
      for (int j = 0; j < i; j++) {
        and.append(ChunkSql.quote(keys.get(j))).append(" = ? AND ");
      }
      and.append(ChunkSql.quote(keys.get(i))).append(" > ?");
      ors.add(i == 0 ? and.toString() : "(" + and + ")");
    }
    return "(" + String.join(" OR ", ors) + ")";
  }

  private static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
    if (v instanceof byte[] b) {
      ps.setBytes(i, b);
    } else {
      ps.setString(i, (String) v);
    }
  }

  private static int emit(SourceTable t, List<Row> rows, Sink sink) throws Exception {
    int n = rows.size();
    if (n > 0) {
      sink.rows(
          RowChanges.full(t.schema(), t.name(), Action.INSERT, t.columns(), List.copyOf(rows)));
      rows.clear();
    }
    return n;
  }
}
