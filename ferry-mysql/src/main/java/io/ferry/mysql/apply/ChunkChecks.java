package io.ferry.mysql.apply;

import io.ferry.mysql.check.ChunkMarker;
import io.ferry.mysql.check.ChunkSql;
import io.ferry.mysql.check.Packed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a MariaDB/MySQL target does with check and repair markers: recomputes a chunk's checksum in
 * the applier's transaction at the marker's place in the log (a locking read, so rows changed by
 * hand and committed are seen) and records match, differ or error in {@code
 * ferry_<service>.checks}; for a repair, deletes the chunk's rows before the source's rows that
 * follow are written. A check never stops replication: a table or column the target lacks is an
 * error result. Not thread-safe: one applier.
 */
final class ChunkChecks {
  /** Where a marker was applied: its seqno, origin service, source commit time, and now. */
  record Point(long seqno, String origin, long sourceMicros, long nowMillis) {}

  private final String schema;
  private volatile CheckTally tally = new CheckTally();

  ChunkChecks(String schema) {
    this.schema = schema;
  }

  void countIn(CheckTally t) {
    tally = t;
  }

  /** The results table; made with the rest of the catalog (see TargetCatalog#install). */
  static String createTable(String schema) {
    return "CREATE TABLE IF NOT EXISTS `"
        + schema
        + "`.checks (check_id VARCHAR(64) NOT NULL, schema_name VARCHAR(64) NOT NULL,"
        + " table_name VARCHAR(64) NOT NULL, chunk INT NOT NULL, kind VARCHAR(16) NOT NULL,"
        + " key_range MEDIUMTEXT NOT NULL, lower_bound MEDIUMTEXT NOT NULL,"
        + " upper_bound MEDIUMTEXT NOT NULL, source_rows BIGINT NOT NULL,"
        + " source_checksum VARCHAR(32) NOT NULL, target_rows BIGINT NULL,"
        + " target_checksum VARCHAR(32) NULL, result VARCHAR(16) NOT NULL, message TEXT NULL,"
        + " seqno BIGINT NOT NULL, origin_service VARCHAR(64) NULL, source_time DATETIME(6) NULL COMMENT 'UTC',"
        + " checked_at DATETIME(6) NOT NULL COMMENT 'UTC',"
        + " PRIMARY KEY (check_id, schema_name, table_name, kind, chunk))"
        + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
        + " COMMENT='Ferry catalog v1: consistency check results'";
  }

  /**
   * A chunk marker: the target's count and checksum of the same rows, compared and recorded. An end
   * marker is recorded as such (the table's chunk count). Part of the caller's transaction.
   */
  void check(Connection c, ChunkMarker m, Point at) throws SQLException {
    if (m.kind() == ChunkMarker.Kind.END) {
      record(c, m, at, null, null, "end", null);
      return;
    }
    long started = System.nanoTime();
    Long rows = null;
    String sum = null;
    String result;
    String message = null;
    try (PreparedStatement ps = c.prepareStatement(ChunkSql.checksum(m))) {
      ChunkSql.params(ps, m);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        rows = rs.getLong(1);
        sum = rs.getString(2);
      }
      result = rows == m.rows() && sum.equalsIgnoreCase(m.checksum()) ? "match" : "differ";
      message = "checked in " + (System.nanoTime() - started) / 1_000_000 + " ms";
    } catch (SQLException e) {
      if (ApplyErrors.isTransient(e)) {
        throw e; // the transaction is gone; the block is applied again
      }
      result = "error";
      message = e.getMessage() + " (error " + e.getErrorCode() + ")";
    }
    record(c, m, at, rows, sum, result, message);
    tally.count(result, rows == null ? 0 : rows);
  }

  /**
   * A repair marker: the chunk's rows go (the source's follow in the same transaction); how many
   * went is recorded. Part of the caller's transaction.
   */
  void repair(Connection c, ChunkMarker m, Point at) throws SQLException {
    int deleted;
    try (PreparedStatement ps = c.prepareStatement(ChunkSql.delete(m))) {
      ChunkSql.params(ps, m);
      deleted = ps.executeUpdate();
    }
    record(
        c,
        m,
        at,
        (long) deleted,
        null,
        "repaired",
        deleted + " rows replaced by the source's " + m.rows());
  }

  private void record(
      Connection c,
      ChunkMarker m,
      Point at,
      Long targetRows,
      String targetSum,
      String result,
      String message)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "REPLACE INTO `"
                + schema
                + "`.checks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, m.checkId());
      ps.setString(2, m.schema());
      ps.setString(3, m.table());
      ps.setInt(4, m.chunk());
      ps.setString(5, m.kind().name().toLowerCase(java.util.Locale.ROOT));
      ps.setString(6, m.range());
      ps.setString(7, Packed.values(m.lower()));
      ps.setString(8, Packed.values(m.upper()));
      ps.setLong(9, m.rows());
      ps.setString(10, m.checksum());
      ps.setObject(11, targetRows);
      ps.setString(12, targetSum);
      ps.setString(13, result);
      ps.setString(14, message);
      ps.setLong(15, at.seqno());
      ps.setString(16, at.origin().isEmpty() ? null : at.origin());
      ps.setObject(17, at.sourceMicros() > 0 ? utc(at.sourceMicros()) : null);
      ps.setObject(18, utc(at.nowMillis() * 1000));
      ps.executeUpdate();
    }
    if (!result.equals("match") && !result.equals("differ") && !result.equals("error")) {
      tally.count(result, 0);
    }
  }

  private static LocalDateTime utc(long micros) {
    return LocalDateTime.ofInstant(
        Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000), ZoneOffset.UTC);
  }

  /**
   * The recorded runs, newest first (at most {@code runs}), and the chunks of one run (the given,
   * else the newest) that differ or could not be checked; empty lists when there are none. Plain
   * values for status.
   */
  static Map<String, Object> results(Connection c, String schema, String checkId, int runs)
      throws SQLException {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Object> list = new ArrayList<>();
    String summary =
        "SELECT check_id, MIN(kind), COUNT(DISTINCT schema_name, table_name),"
            + " SUM(kind = 'chunk'), SUM(result = 'match'), SUM(result = 'differ'),"
            + " SUM(result = 'error'), SUM(result = 'repaired'), SUM(kind = 'end'),"
            + " MIN(source_time), MAX(checked_at), SUM(IF(kind = 'chunk', source_rows, 0)),"
            + " SUM(IF(kind = 'repair', source_rows, 0))"
            + " FROM `"
            + schema
            + "`.checks GROUP BY check_id ORDER BY MAX(checked_at) DESC LIMIT "
            + runs;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(summary)) {
      while (rs.next()) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", rs.getString(1));
        r.put("kind", "repair".equals(rs.getString(2)) ? "repair" : "check");
        r.put("tables", rs.getLong(3));
        r.put("chunks", rs.getLong(4));
        r.put("match", rs.getLong(5));
        r.put("differ", rs.getLong(6));
        r.put("error", rs.getLong(7));
        r.put("repairedRanges", rs.getLong(8));
        r.put("tablesEnded", rs.getLong(9));
        r.put("sourceFirst", text(rs.getTimestamp(10)));
        r.put("checkedLast", text(rs.getTimestamp(11)));
        r.put("rowsChecked", rs.getLong(12));
        r.put("rowsResent", rs.getLong(13));
        list.add(r);
      }
    }
    out.put("runs", list);
    String run = checkId;
    if (run == null && !list.isEmpty()) {
      run = (String) ((Map<?, ?>) list.get(0)).get("id");
    }
    List<Object> diffs = new ArrayList<>();
    if (run != null) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT schema_name, table_name, chunk, key_range, source_rows, target_rows,"
                  + " source_checksum, target_checksum, result, message, seqno, origin_service"
                  + " FROM `"
                  + schema
                  + "`.checks WHERE check_id = ? AND result IN ('differ', 'error')"
                  + " ORDER BY schema_name, table_name, chunk LIMIT 10000")) {
        ps.setString(1, run);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("table", rs.getString(1) + "." + rs.getString(2));
            d.put("chunk", rs.getInt(3));
            d.put("range", rs.getString(4));
            d.put("sourceRows", rs.getLong(5));
            d.put("targetRows", rs.getObject(6) == null ? null : rs.getLong(6));
            d.put("sourceChecksum", rs.getString(7));
            d.put("targetChecksum", rs.getString(8));
            d.put("result", rs.getString(9));
            d.put("message", rs.getString(10));
            d.put("seqno", rs.getLong(11));
            d.put("origin", rs.getString(12));
            diffs.add(d);
          }
        }
      }
    }
    out.put("run", run);
    out.put("differences", diffs);
    return out;
  }

  private static String text(java.sql.Timestamp t) {
    return t == null ? null : t.toLocalDateTime().toInstant(ZoneOffset.UTC).toString();
  }
}
