package io.ferry.mysql.check;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A repair on the source: the rows of a key range re-sent through the log without changing them. In
 * one source transaction the range is read with a lock, a repair marker is written, and the rows
 * are copied into a table of the same definition in Ferry's schema (and removed again); the
 * extractor turns the copy into the table's own rows, and each target replaces what it holds in the
 * range with them. Application data, its triggers and foreign keys on the source are not touched.
 * Needs the rows logged as rows: {@code binlog_format=ROW}, or the privilege to set it for the
 * session. Not thread-safe.
 */
public final class SourceRepair {
  /** What one range did (or would do, in a dry run). */
  public record Done(String range, long rows) {}

  private final Connection c;
  private final String markerSchema;
  private final String repairId;

  public SourceRepair(Connection c, String markerSchema, String repairId) {
    this.c = c;
    this.markerSchema = markerSchema;
    this.repairId = repairId;
  }

  /** The copy table of a table: its name in Ferry's schema. */
  static String copyTable(String schema, String table) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest((schema + "." + table).getBytes(StandardCharsets.UTF_8));
      return ChunkMarker.REPAIR_PREFIX + HexFormat.of().formatHex(d, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Repairs (or, for a dry run, counts) ranges of one table; no range means the whole table, in
   * chunks of {@code chunkRows}.
   */
  public List<Done> repair(
      CheckTables.Table t,
      List<RangeText.Range> ranges,
      String where,
      int chunkRows,
      boolean dryRun)
      throws SQLException {
    List<RangeText.Range> todo = ranges.isEmpty() ? chunks(t, chunkRows) : ranges;
    String copy =
        ChunkSql.quote(markerSchema) + "." + ChunkSql.quote(copyTable(t.schema(), t.table()));
    if (!dryRun) {
      rowFormat();
      try (Statement st = c.createStatement()) {
        // logged: a source without full row metadata learns the copy's columns from it
        st.execute("DROP TABLE IF EXISTS " + copy);
        st.execute("CREATE TABLE " + copy + " LIKE " + ChunkSql.table(t.schema(), t.table()));
      }
    }
    List<Done> done = new ArrayList<>();
    int n = 0;
    for (RangeText.Range r : todo) {
      ChunkMarker m =
          new ChunkMarker(
              repairId,
              ChunkMarker.Kind.REPAIR,
              t.schema(),
              t.table(),
              ++n,
              t.keys(),
              t.columns(),
              t.keys().isEmpty() ? List.of() : r.lower(),
              t.keys().isEmpty() ? List.of() : r.upper(),
              where,
              0,
              "");
      long rows = count(m);
      if (!dryRun) {
        m = withRows(m, rows);
        SourceCheck.write(c, markerSchema, m);
        String cols = columns(t.copyable());
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO "
                    + copy
                    + " ("
                    + cols
                    + ") SELECT "
                    + cols
                    + " FROM "
                    + ChunkSql.table(t.schema(), t.table())
                    + ChunkSql.where(m))) {
          ChunkSql.params(ps, m);
          ps.executeUpdate();
        }
        try (Statement st = c.createStatement()) {
          st.execute("DELETE FROM " + copy);
        }
      }
      c.commit();
      done.add(new Done(m.range(), rows));
    }
    if (!dryRun) {
      try (Statement st = c.createStatement()) {
        st.execute("DROP TABLE IF EXISTS " + copy);
      }
    }
    return done;
  }

  /** The rows in a range, locked until the transaction ends. */
  private long count(ChunkMarker m) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COUNT(*) FROM "
                + ChunkSql.table(m.schema(), m.table())
                + ChunkSql.where(m)
                + " LOCK IN SHARE MODE")) {
      ChunkSql.params(ps, m);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private List<RangeText.Range> chunks(CheckTables.Table t, int chunkRows) throws SQLException {
    List<RangeText.Range> out = new ArrayList<>();
    List<Object> lower = List.of();
    do {
      List<Object> upper =
          t.keys().isEmpty() ? List.of() : SourceCheck.boundary(c, t, lower, chunkRows);
      out.add(new RangeText.Range(lower, upper));
      lower = upper;
    } while (!lower.isEmpty());
    return out;
  }

  /** The session logs rows as rows, or the repair refuses before it writes anything. */
  private void rowFormat() throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT @@SESSION.binlog_format")) {
      rs.next();
      if ("ROW".equalsIgnoreCase(rs.getString(1))) {
        return;
      }
    }
    try (Statement st = c.createStatement()) {
      st.execute("SET SESSION binlog_format = 'ROW'");
    } catch (SQLException e) {
      throw new SQLException(
          "a repair re-sends rows as row events, and the source logs binlog_format other than ROW"
              + " and does not let this account set it for its session ("
              + e.getMessage()
              + "): grant it BINLOG ADMIN (MariaDB) or SUPER/SYSTEM_VARIABLES_ADMIN (MySQL), or"
              + " set binlog_format=ROW",
          e.getSQLState(),
          e.getErrorCode(),
          e);
    }
  }

  private static String columns(List<String> names) {
    StringBuilder b = new StringBuilder();
    for (String n : names) {
      b.append(b.length() == 0 ? "" : ", ").append(ChunkSql.quote(n));
    }
    return b.toString();
  }

  private static ChunkMarker withRows(ChunkMarker m, long rows) {
    return new ChunkMarker(
        m.checkId(),
        m.kind(),
        m.schema(),
        m.table(),
        m.chunk(),
        m.keys(),
        m.columns(),
        m.lower(),
        m.upper(),
        m.where(),
        rows,
        "");
  }
}
