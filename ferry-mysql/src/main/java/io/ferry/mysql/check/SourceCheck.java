package io.ferry.mysql.check;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A consistency check on the source: each table in chunks of its key, each chunk read with a lock
 * (so no transaction changes it meanwhile) and its row count and checksum written to the marker
 * table in the same transaction, which puts the chunk at one point of the log; every target
 * recomputes it there. Chunks are sized to take about {@link Settings#chunkSeconds} unless a fixed
 * size is given, and the check rests after each chunk for {@link Settings#restRatio} times as long
 * as the chunk took, and while the {@link Watcher} says replication is behind. Not thread-safe: one
 * run on one connection.
 */
public final class SourceCheck {
  /**
   * @param chunkRows rows per chunk, or 0 to size chunks by time
   * @param chunkSeconds the time a chunk should take when sized by time
   * @param where a condition added to every chunk (SQL, the same on every target), or empty
   * @param restRatio how long to rest after a chunk, as a multiple of its time
   */
  public record Settings(int chunkRows, double chunkSeconds, String where, double restRatio) {
    public Settings {
      if (chunkRows < 0 || chunkRows > 10_000_000) {
        throw new IllegalArgumentException("chunk rows: between 1 and 10000000, or 0 for by time");
      }
      if (chunkSeconds <= 0 || chunkSeconds > 60) {
        throw new IllegalArgumentException("chunk time: more than 0 and at most 60 seconds");
      }
      if (restRatio < 0 || restRatio > 100) {
        throw new IllegalArgumentException("rest ratio: between 0 and 100");
      }
      where = where == null ? "" : where.strip();
    }
  }

  /** Who follows the run: told of each chunk, asked whether to wait before the next. */
  public interface Watcher {
    void table(CheckTables.Table table);

    void marked(ChunkMarker marker, long nanos);

    /** Blocks while replication is too far behind to add work; false stops the run. */
    boolean mayGoOn() throws InterruptedException;
  }

  private static final int MIN_ROWS = 100;
  private static final int MAX_ROWS = 500_000;

  private final Connection c;
  private final String markerSchema;
  private final String checkId;
  private final Settings settings;
  private final Watcher watcher;

  public SourceCheck(
      Connection c, String markerSchema, String checkId, Settings settings, Watcher watcher) {
    this.c = c;
    this.markerSchema = markerSchema;
    this.checkId = checkId;
    this.settings = settings;
    this.watcher = watcher;
  }

  /** Prepares the session and the marker table (unlogged where the account may). */
  public static void prepare(Connection c, String markerSchema) throws SQLException {
    c.setAutoCommit(true);
    rowFormat(c);
    try (Statement st = c.createStatement()) {
      st.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      // the target's row session reads values the same way (no CHAR padding, backquotes)
      st.execute(
          "SET SESSION time_zone = '+00:00', innodb_lock_wait_timeout = 10, sql_mode ="
              + " 'NO_AUTO_VALUE_ON_ZERO,ALLOW_INVALID_DATES,NO_ENGINE_SUBSTITUTION'");
      boolean unlogged = true;
      try {
        st.execute("SET SESSION sql_log_bin = 0");
      } catch (SQLException e) {
        unlogged = false; // logged, then; the extractor passes over DDL of its own schema
      }
      st.execute("CREATE DATABASE IF NOT EXISTS " + ChunkSql.quote(markerSchema));
      st.execute(ChunkMarker.createTable(markerSchema));
      if (unlogged) {
        st.execute("SET SESSION sql_log_bin = 1");
      }
    }
    c.setAutoCommit(false);
  }

  /**
   * The session logs its changes as rows (markers and a repair's rows must reach the extractor as
   * row events), or an error says how to make it so. Outside a transaction.
   */
  static void rowFormat(Connection c) throws SQLException {
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
          "checks and repairs write their markers and rows to the binlog as row events, and the"
              + " source logs binlog_format other than ROW and does not let this account set it"
              + " for its session ("
              + e.getMessage()
              + "): grant the source account BINLOG ADMIN (MariaDB) or SYSTEM_VARIABLES_ADMIN"
              + " (MySQL), or set binlog_format=ROW on the source",
          e.getSQLState(),
          e.getErrorCode(),
          e);
    }
  }

  /** Checks one table; false when the watcher stopped the run. */
  public boolean check(CheckTables.Table t) throws SQLException, InterruptedException {
    watcher.table(t);
    List<Object> lower = List.of();
    int chunk = 0;
    long total = 0;
    int rowsPer = settings.chunkRows() > 0 ? settings.chunkRows() : 1000;
    while (true) {
      if (!watcher.mayGoOn()) {
        return false;
      }
      long started = System.nanoTime();
      List<Object> upper = t.keys().isEmpty() ? List.of() : boundary(c, t, lower, rowsPer);
      if (!upper.isEmpty() && same(upper, lower)) {
        throw new SQLException(
            t.name()
                + ": the key's chunk boundaries do not advance at "
                + RangeText.format(lower, List.of())
                + " (a key whose order and comparison disagree); check it with --chunk-rows"
                + " larger than the table, or give it a primary key of plain columns");
      }
      ChunkMarker m = mark(t, ++chunk, lower, upper);
      long nanos = System.nanoTime() - started;
      total += m.rows();
      watcher.marked(m, nanos);
      if (upper.isEmpty()) {
        break;
      }
      lower = upper;
      if (settings.chunkRows() == 0) {
        double wanted = rowsPer * settings.chunkSeconds() * 1e9 / Math.max(nanos, 1_000_000);
        rowsPer = (int) Math.max(MIN_ROWS, Math.min(MAX_ROWS, Math.min(wanted, rowsPer * 2.0)));
      }
      rest(nanos);
    }
    write(
        new ChunkMarker(
            checkId,
            ChunkMarker.Kind.END,
            t.schema(),
            t.table(),
            chunk,
            t.keys(),
            t.columns(),
            List.of(),
            List.of(),
            settings.where(),
            total,
            ""));
    c.commit();
    return true;
  }

  /** Key values equal (bytes by content). */
  static boolean same(List<Object> a, List<Object> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      Object x = a.get(i);
      Object y = b.get(i);
      boolean eq =
          (x instanceof byte[] bx && y instanceof byte[] by)
              ? java.util.Arrays.equals(bx, by)
              : x.equals(y);
      if (!eq) {
        return false;
      }
    }
    return true;
  }

  private void rest(long nanos) throws InterruptedException {
    long millis = (long) (nanos * settings.restRatio() / 1_000_000);
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  /**
   * The first key {@code rows} rows after {@code lower} and before {@code upper} (either empty for
   * open), or empty when fewer remain.
   */
  static List<Object> boundary(
      Connection c, CheckTables.Table t, List<Object> lower, List<Object> upper, int rows)
      throws SQLException {
    ChunkMarker range =
        new ChunkMarker(
            "",
            ChunkMarker.Kind.CHUNK,
            t.schema(),
            t.table(),
            0,
            t.keys(),
            List.of(),
            lower,
            upper,
            "",
            0,
            "");
    StringBuilder cols = new StringBuilder();
    for (String k : t.keys()) {
      cols.append(cols.length() == 0 ? "" : ", ").append(ChunkSql.quote(k));
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + cols
                + " FROM "
                + ChunkSql.table(t.schema(), t.table())
                + ChunkSql.where(range)
                + " ORDER BY "
                + cols
                + " LIMIT 1 OFFSET ?")) {
      int i = ChunkSql.params(ps, range);
      ps.setInt(i, rows);
      try (ResultSet rs = ps.executeQuery()) {
        List<Object> key = rs.next() ? ChunkSql.key(rs) : List.of();
        c.commit();
        return key;
      }
    }
  }

  /** The first key {@code rows} rows after {@code lower}, or empty when fewer remain. */
  static List<Object> boundary(Connection c, CheckTables.Table t, List<Object> lower, int rows)
      throws SQLException {
    return boundary(c, t, lower, List.of(), rows);
  }

  /** One chunk: checksum under lock and marker, one source transaction (retried on lock waits). */
  private ChunkMarker mark(CheckTables.Table t, int chunk, List<Object> lower, List<Object> upper)
      throws SQLException, InterruptedException {
    ChunkMarker range =
        new ChunkMarker(
            checkId,
            ChunkMarker.Kind.CHUNK,
            t.schema(),
            t.table(),
            chunk,
            t.keys(),
            t.columns(),
            lower,
            upper,
            settings.where(),
            0,
            "");
    for (int attempt = 1; ; attempt++) {
      try {
        ChunkMarker m;
        try (PreparedStatement ps = c.prepareStatement(ChunkSql.checksum(range))) {
          ChunkSql.params(ps, range);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            m = range.withCount(rs.getLong(1), rs.getString(2));
          }
        }
        write(m);
        c.commit();
        return m;
      } catch (SQLException e) {
        c.rollback();
        boolean waited = e.getErrorCode() == 1205 || e.getErrorCode() == 1213;
        if (!waited || attempt == 5) {
          throw e;
        }
        Thread.sleep(200L * attempt); // the application holds the rows: let it go on first
      }
    }
  }

  /** Writes a marker (in the open transaction). */
  void write(ChunkMarker m) throws SQLException {
    write(c, markerSchema, m);
  }

  static void write(Connection c, String markerSchema, ChunkMarker m) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ChunkMarker.upsert(markerSchema))) {
      Object[] row = m.row();
      for (int i = 0; i < row.length; i++) {
        ps.setObject(i + 1, row[i]);
      }
      ps.executeUpdate();
    }
  }
}
