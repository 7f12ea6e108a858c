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
 * Reads a table's rows inside an open snapshot transaction, in batches of at most the given rows
 * and about {@link #BATCH_BYTES}: in key order by keyset pagination on the primary key (or a unique
 * key of NOT NULL columns), or in one streamed scan for a table without one. Each batch is handed
 * on as INSERT row changes. Stateless.
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

  /** A batch is handed on at this size even before it has its rows: memory stays bounded. */
  static final long BATCH_BYTES = 8L << 20;

  private static long size(Object[] values) {
    long n = 32;
    for (Object v : values) {
      n += 16 + io.ferry.core.event.ValueSizes.of(v);
    }
    return n;
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
          long bytes = 0;
          while (rs.next()) {
            Object[] values = SnapshotRows.row(rs, t.columns());
            rows.add(Row.insert(values));
            bytes += size(values);
            if (rows.size() == batchRows || bytes >= BATCH_BYTES) {
              total += emit(t, rows, sink);
              bytes = 0;
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
    String order = " ORDER BY " + keyList.substring(2) + " LIMIT ";
    int limit = Math.min(batchRows, 100); // until the first batch shows how large rows are
    List<Object> last = List.of();
    while (true) {
      String sql =
          select + keyList + from + (last.isEmpty() ? "" : " WHERE " + after(key)) + order + limit;
      List<Row> rows = new ArrayList<>();
      long bytes = 0;
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
            Object[] values = SnapshotRows.row(rs, t.columns());
            rows.add(Row.insert(values));
            bytes += size(values);
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
      if (got < limit) {
        return total;
      }
      // the next batch asks for as many rows as fit in BATCH_BYTES, as large as these were
      limit = (int) Math.max(1, Math.min(batchRows, got * BATCH_BYTES / Math.max(1, bytes)));
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
