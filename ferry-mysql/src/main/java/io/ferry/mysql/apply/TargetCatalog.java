package io.ferry.mysql.apply;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.parallel.ChannelPosition;
import io.ferry.core.parallel.Layout;
import io.ferry.core.parallel.Scheduler;
import io.ferry.core.position.NativePosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ferry's own tables in a target, schema {@code ferry_<service>}: table {@code position} holds, per
 * apply task, the last transaction applied (seqno, epoch, fragment, native position, source commit
 * time, apply time). It is updated in the same target transaction as the data, so a crash at any
 * instant leaves data and position in agreement. {@code in_doubt_seqno} marks a transaction that
 * cannot be made atomic with its position (DDL, non-transactional tables) while it is applied. Not
 * thread-safe: one applier.
 */
final class TargetCatalog {
  /** What the catalog says: the last applied checkpoint and a transaction possibly half-applied. */
  record Position(Checkpoint checkpoint, long inDoubtSeqno) {}

  private final String schema;
  private final int taskId;
  private PreparedStatement update;
  private PreparedStatement markInDoubt;
  private PreparedStatement keepInDoubt;
  private PreparedStatement heartbeat;

  TargetCatalog(String schema, int taskId) {
    this.schema = schema;
    this.taskId = taskId;
  }

  String schema() {
    return schema;
  }

  /** Creates the catalog if missing (idempotent) and prepares its statements. */
  void install(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE IF NOT EXISTS `" + schema + "`");
      st.execute(
          "CREATE TABLE IF NOT EXISTS `"
              + schema
              + "`.position ("
              + "task_id INT NOT NULL PRIMARY KEY,"
              + " seqno BIGINT NOT NULL,"
              + " epoch BIGINT NOT NULL,"
              + " fragno INT NOT NULL,"
              + " last_frag TINYINT NOT NULL,"
              + " native_kind VARCHAR(32) NULL,"
              + " native_position VARCHAR(4096) NULL,"
              + " source_commit_time DATETIME(6) NULL COMMENT 'UTC',"
              + " apply_time DATETIME(6) NOT NULL COMMENT 'UTC',"
              + " in_doubt_seqno BIGINT NULL"
              + ") ENGINE=InnoDB COMMENT='Ferry catalog v1: last applied transaction per task'");
      st.execute(
          "CREATE TABLE IF NOT EXISTS `"
              + schema
              + "`.heartbeat ("
              + "name VARCHAR(128) NOT NULL PRIMARY KEY,"
              + " seqno BIGINT NOT NULL,"
              + " source_commit_time DATETIME(6) NULL COMMENT 'UTC',"
              + " apply_time DATETIME(6) NOT NULL COMMENT 'UTC'"
              + ") ENGINE=InnoDB COMMENT='Ferry catalog v1: the last time each named heartbeat"
              + " arrived'");
      st.execute(ChunkChecks.createTable(schema));
      st.execute(
          "INSERT IGNORE INTO `"
              + schema
              + "`.position (task_id, seqno, epoch, fragno, last_frag, apply_time)"
              + " VALUES ("
              + taskId
              + ", -1, 0, 0, 1, UTC_TIMESTAMP(6))");
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
    prepare(c);
  }

  void prepare(Connection c) throws SQLException {
    update =
        c.prepareStatement(
            "UPDATE `"
                + schema
                + "`.position SET seqno = ?, epoch = ?, fragno = ?, last_frag = ?,"
                + " native_kind = ?, native_position = ?, source_commit_time = ?,"
                + " apply_time = ?,"
                // a mark of a transaction beyond this position stays (parallel apply moves an
                // idle channel's position forward while another transaction is in doubt there)
                + " in_doubt_seqno = IF(in_doubt_seqno > ?, in_doubt_seqno, NULL)"
                + " WHERE task_id = ?");
    heartbeat =
        c.prepareStatement(
            "REPLACE INTO `"
                + schema
                + "`.heartbeat (name, seqno, source_commit_time, apply_time) VALUES (?, ?, ?, ?)");
    keepInDoubt =
        c.prepareStatement(
            "UPDATE `"
                + schema
                + "`.position SET seqno = ?, epoch = ?, fragno = ?, last_frag = ?,"
                + " native_kind = ?, native_position = ?, source_commit_time = ?,"
                + " apply_time = ? WHERE task_id = ? AND seqno < ?");
    markInDoubt =
        c.prepareStatement(
            "UPDATE `" + schema + "`.position SET in_doubt_seqno = ? WHERE task_id = ?");
  }

  /**
   * Creates the parallel-apply tables if missing: the last run's layout and the shards' channels.
   */
  void installChannels(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS `"
              + schema
              + "`.channels (name VARCHAR(64) NOT NULL PRIMARY KEY, value VARCHAR(255) NOT NULL)"
              + " ENGINE=InnoDB COMMENT='Ferry catalog v1: the layout of the last parallel apply"
              + " run'");
      st.execute(
          "CREATE TABLE IF NOT EXISTS `"
              + schema
              + "`.shard (shard VARCHAR(512) NOT NULL PRIMARY KEY, channel INT NOT NULL)"
              + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
              + " COMMENT='Ferry catalog v1: the channel each shard was given'");
    }
  }

  /** The layout the last run recorded, or {@link Layout#SINGLE}; null if none was recorded. */
  static Layout layout(Connection c, String schema) throws SQLException {
    String scheduler = null;
    int count = 1;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT name, value FROM `" + schema + "`.channels")) {
      while (rs.next()) {
        if ("scheduler".equals(rs.getString(1))) {
          scheduler = rs.getString(2);
        } else if ("count".equals(rs.getString(1))) {
          count = Integer.parseInt(rs.getString(2));
        }
      }
    } catch (SQLException e) {
      if (e.getErrorCode() == 1146) {
        return null; // no parallel run ever
      }
      throw e;
    }
    Scheduler s = Scheduler.parse(scheduler);
    return s == null ? null : new Layout(s, count);
  }

  /** Every row's position, by task. */
  static Map<Integer, ChannelPosition> readAll(Connection c, String schema) throws SQLException {
    Map<Integer, ChannelPosition> all = new TreeMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT seqno, epoch, fragno, last_frag, native_kind, native_position,"
                    + " source_commit_time, in_doubt_seqno, task_id FROM `"
                    + schema
                    + "`.position")) {
      while (rs.next()) {
        Position p = position(rs);
        all.put(rs.getInt(9), new ChannelPosition(p.checkpoint(), p.inDoubtSeqno()));
      }
    }
    return all;
  }

  /**
   * Records a layout: rows 0..count-1 at {@code position} at least (in-doubt marks kept), rows past
   * the count removed, the layout written, the shards' channels forgotten if asked. Part of the
   * caller's transaction.
   */
  static void settle(
      Connection c, String schema, Layout layout, Checkpoint position, boolean forgetShards)
      throws SQLException {
    try (Statement st = c.createStatement()) {
      for (int ch = 0; ch < layout.channels(); ch++) {
        st.execute(
            "INSERT IGNORE INTO `"
                + schema
                + "`.position (task_id, seqno, epoch, fragno, last_frag, apply_time) VALUES ("
                + ch
                + ", -1, 0, 0, 1, UTC_TIMESTAMP(6))");
      }
      st.execute("DELETE FROM `" + schema + "`.position WHERE task_id >= " + layout.channels());
      if (forgetShards) {
        st.execute("DELETE FROM `" + schema + "`.shard");
      }
      st.execute(
          "REPLACE INTO `"
              + schema
              + "`.channels (name, value) VALUES ('scheduler', '"
              + layout.scheduler().label()
              + "'), ('count', '"
              + layout.channels()
              + "')");
    }
    if (!position.isNone()) {
      for (int ch = 0; ch < layout.channels(); ch++) {
        TargetCatalog row = new TargetCatalog(schema, ch);
        row.prepare(c);
        row.writeIfBehind(position, System.currentTimeMillis());
      }
    }
  }

  Position read(Connection c) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT seqno, epoch, fragno, last_frag, native_kind, native_position,"
                + " source_commit_time, in_doubt_seqno FROM `"
                + schema
                + "`.position WHERE task_id = ?")) {
      ps.setInt(1, taskId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return new Position(Checkpoint.NONE, -1);
        }
        return position(rs);
      }
    }
  }

  private static Position position(ResultSet rs) throws SQLException {
    long seqno = rs.getLong(1);
    String kind = rs.getString(5);
    String text = rs.getString(6);
    NativePosition pos = kind == null ? null : NativePosition.parse(kind, text);
    LocalDateTime commit = rs.getObject(7, LocalDateTime.class);
    long inDoubt = rs.getLong(8);
    if (rs.wasNull()) {
      inDoubt = -1;
    }
    Checkpoint cp =
        seqno < 0
            ? Checkpoint.NONE
            : new Checkpoint(
                seqno, rs.getLong(2), rs.getInt(3), rs.getBoolean(4), pos, micros(commit));
    return new Position(cp, inDoubt);
  }

  /** Records a checkpoint; part of the caller's open transaction. */
  void write(Checkpoint cp, long applyMillis) throws SQLException {
    bind(update, cp, applyMillis);
    update.setLong(9, cp.seqno());
    update.setInt(10, taskId);
    update.executeUpdate();
  }

  /**
   * Records a checkpoint unless the row is at it or beyond, keeping an in-doubt mark; part of the
   * caller's transaction.
   */
  void writeIfBehind(Checkpoint cp, long applyMillis) throws SQLException {
    bind(keepInDoubt, cp, applyMillis);
    keepInDoubt.setLong(10, cp.seqno());
    keepInDoubt.executeUpdate();
  }

  private void bind(PreparedStatement ps, Checkpoint cp, long applyMillis) throws SQLException {
    ps.setLong(1, cp.seqno());
    ps.setLong(2, cp.epoch());
    ps.setInt(3, cp.fragno());
    ps.setBoolean(4, cp.lastFrag());
    NativePosition p = cp.nativePosition();
    ps.setString(5, p == null ? null : p.kind());
    ps.setString(6, p == null ? null : p.text());
    if (cp.sourceCommitMicros() <= 0) {
      ps.setNull(7, Types.TIMESTAMP);
    } else {
      ps.setObject(7, utc(cp.sourceCommitMicros()));
    }
    ps.setObject(8, utc(applyMillis * 1000));
    ps.setInt(9, taskId);
  }

  /** Records that a named heartbeat arrived; part of the caller's open transaction. */
  void heartbeat(String name, long seqno, long sourceCommitMicros, long applyMillis)
      throws SQLException {
    heartbeat.setString(1, name);
    heartbeat.setLong(2, seqno);
    if (sourceCommitMicros <= 0) {
      heartbeat.setNull(3, Types.TIMESTAMP);
    } else {
      heartbeat.setObject(3, utc(sourceCommitMicros));
    }
    heartbeat.setObject(4, utc(applyMillis * 1000));
    heartbeat.executeUpdate();
  }

  /** Marks a transaction as being applied outside the catalog's transaction; caller commits. */
  void markInDoubt(long seqno) throws SQLException {
    markInDoubt.setLong(1, seqno);
    markInDoubt.setInt(2, taskId);
    markInDoubt.executeUpdate();
  }

  private static LocalDateTime utc(long micros) {
    Instant i = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
    return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  private static long micros(LocalDateTime t) {
    if (t == null) {
      return 0;
    }
    Instant i = t.toInstant(ZoneOffset.UTC);
    return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
  }
}
