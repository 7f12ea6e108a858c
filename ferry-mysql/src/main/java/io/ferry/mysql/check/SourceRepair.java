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

  /** The size a repair transaction stays under, so that it is never cut into fragments. */
  static final long TRANSACTION_BYTES = 512 * 1024;

  /**
   * Repairs (or, for a dry run, counts) ranges of one table; no range means the whole table. Each
   * range is re-sent in sub-ranges of at most {@code maxRows} rows and about {@link
   * #TRANSACTION_BYTES}, each one source transaction (one target transaction on every replica).
   */
  public List<Done> repair(
      CheckTables.Table t, List<RangeText.Range> ranges, int maxRows, boolean dryRun)
      throws SQLException {
    c.commit(); // what the table lookup read is not part of what follows
    List<RangeText.Range> todo =
        ranges.isEmpty() ? List.of(new RangeText.Range(List.of(), List.of())) : ranges;
    int rows =
        (int) Math.max(100, Math.min(maxRows, TRANSACTION_BYTES / Math.max(1, t.avgRowBytes())));
    String copy =
        ChunkSql.quote(markerSchema) + "." + ChunkSql.quote(copyTable(t.schema(), t.table()));
    if (!dryRun) {
      try (Statement st = c.createStatement()) {
        // logged: a source without full row metadata learns the copy's columns from it
        st.execute("DROP TABLE IF EXISTS " + copy);
        st.execute("CREATE TABLE " + copy + " LIKE " + ChunkSql.table(t.schema(), t.table()));
      }
    }
    List<Done> done = new ArrayList<>();
    int n = 0;
    for (RangeText.Range r : todo) {
      List<Object> lower = t.keys().isEmpty() ? List.of() : r.lower();
      List<Object> end = t.keys().isEmpty() ? List.of() : r.upper();
      long sent = 0;
      do {
        List<Object> upper =
            t.keys().isEmpty() ? List.of() : SourceCheck.boundary(c, t, lower, end, rows);
        if (upper.isEmpty()) {
          upper = end;
        }
        sent += resend(t, ++n, lower, upper, copy, dryRun);
        lower = upper;
      } while (!lower.isEmpty() && !SourceCheck.same(lower, end) && !t.keys().isEmpty());
      done.add(
          new Done(
              t.keys().isEmpty() ? "whole table" : RangeText.format(r.lower(), r.upper()), sent));
    }
    if (!dryRun) {
      try (Statement st = c.createStatement()) {
        st.execute("DROP TABLE IF EXISTS " + copy);
      }
    }
    return done;
  }

  /** One sub-range: counted under lock, then (unless a dry run) marker, copy, commit. */
  private long resend(
      CheckTables.Table t,
      int n,
      List<Object> lower,
      List<Object> upper,
      String copy,
      boolean dryRun)
      throws SQLException {
    ChunkMarker m =
        new ChunkMarker(
            repairId,
            ChunkMarker.Kind.REPAIR,
            t.schema(),
            t.table(),
            n,
            t.keys(),
            t.columns(),
            lower,
            upper,
            "",
            0,
            "");
    long rows = count(m);
    if (!dryRun) {
      m = m.withCount(rows, "");
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
    return rows;
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

  private static String columns(List<String> names) {
    StringBuilder b = new StringBuilder();
    for (String n : names) {
      b.append(b.length() == 0 ? "" : ", ").append(ChunkSql.quote(n));
    }
    return b.toString();
  }
}
