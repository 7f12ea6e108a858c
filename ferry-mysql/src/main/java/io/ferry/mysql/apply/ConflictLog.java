package io.ferry.mysql.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The exceptions table of a service's catalog, {@code ferry_<service>.conflicts}: one row per
 * conflict, written in the same target transaction as the resolution it records (a conflict that
 * stops the service is written on its own, since its transaction is rolled back). Not thread-safe:
 * one applier; {@link #list} is stateless.
 */
public final class ConflictLog {
  /**
   * One conflict.
   *
   * @param seqno the incoming transaction's seqno
   * @param origin its origin service
   * @param detectedAt when it was detected (UTC)
   * @param sourceCommitMicros when the origin committed it (epoch micros), or -1
   * @param schema the table's schema
   * @param table the table
   * @param key the row's key, {@code col=value, ...}
   * @param type insert-exists, update-missing, update-differs, delete-missing, delete-differs
   * @param detection the rule that saw it
   * @param before the change's before image (JSON-like text), or null
   * @param incoming the change's after image, or null
   * @param target the target's row when it was detected, or null if it had none
   * @param resolution incoming, target, stopped
   * @param realign pending, done or null (none needed)
   */
  public record Entry(
      long seqno,
      String origin,
      Instant detectedAt,
      long sourceCommitMicros,
      String schema,
      String table,
      String key,
      String type,
      String detection,
      String before,
      String incoming,
      String target,
      String resolution,
      String realign) {

    /** As the conflicts API shows it (GET /api/v1/services/NAME/conflicts). */
    public java.util.Map<String, Object> toMap() {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("seqno", seqno);
      m.put("origin", origin);
      m.put("detectedAt", detectedAt.toString());
      m.put("table", schema + "." + table);
      m.put("key", key);
      m.put("type", type);
      m.put("detection", detection);
      m.put("resolution", resolution);
      m.put("realign", realign);
      m.put("before", before);
      m.put("incoming", incoming);
      m.put("target", target);
      return m;
    }
  }

  private final String schema;
  private final int taskId;
  private PreparedStatement insert;

  /**
   * @param taskId the apply task (parallel apply's channel) whose conflicts this log writes: its
   *     pending realignments are its own to send
   */
  ConflictLog(String schema, int taskId) {
    this.schema = schema;
    this.taskId = taskId;
  }

  /** Creates the table if missing (idempotent); commits if the connection is transactional. */
  void install(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS `"
              + schema
              + "`.conflicts ("
              + "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
              + " seqno BIGINT NOT NULL,"
              + " origin VARCHAR(128) NULL,"
              + " detected_at DATETIME(6) NOT NULL COMMENT 'UTC',"
              + " source_commit_time DATETIME(6) NULL COMMENT 'UTC',"
              + " schema_name VARCHAR(64) NOT NULL,"
              + " table_name VARCHAR(64) NOT NULL,"
              + " row_key TEXT NOT NULL,"
              + " conflict_type VARCHAR(32) NOT NULL,"
              + " detection VARCHAR(128) NOT NULL,"
              + " before_image MEDIUMTEXT NULL,"
              + " incoming_image MEDIUMTEXT NULL,"
              + " target_row MEDIUMTEXT NULL,"
              + " resolution VARCHAR(16) NOT NULL,"
              + " realign VARCHAR(16) NULL,"
              + " task_id INT NOT NULL DEFAULT 0,"
              + " realign_where MEDIUMTEXT NULL COMMENT 'the row, exactly, for realignment',"
              + " realign_insert LONGTEXT NULL COMMENT 'the image, for a row the target lacks',"
              + " KEY by_time (detected_at), KEY by_table (schema_name, table_name),"
              + " KEY by_realign (realign)"
              + ") ENGINE=InnoDB COMMENT='Ferry catalog v1: conflicts detected and how each was"
              + " resolved'");
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
    insert = null;
  }

  /** A realignment recorded and not sent yet. */
  record PendingRealign(long id, String schema, String table, String where, String insert) {}

  /** The most of an image or row text kept in the table (MEDIUMTEXT holds 16 MB). */
  private static final int MAX_TEXT = 64 * 1024;

  private static String clip(String text) {
    return text == null || text.length() <= MAX_TEXT
        ? text
        : text.substring(0, MAX_TEXT) + "... (" + text.length() + " characters)";
  }

  /** Writes a conflict in the connection's open transaction. */
  void write(Connection c, Entry e) throws SQLException {
    write(c, e, null, null);
  }

  /**
   * Writes a conflict in the connection's open transaction, with what its realignment needs (the
   * row's key as a SQL condition, and the INSERT of the change's image), or nulls; returns its id.
   */
  void write(Connection c, Entry e, String realignWhere, String realignInsert) throws SQLException {
    if (insert == null || insert.getConnection() != c) {
      insert =
          c.prepareStatement(
              "INSERT INTO `"
                  + schema
                  + "`.conflicts (seqno, origin, detected_at, source_commit_time, schema_name,"
                  + " table_name, row_key, conflict_type, detection, before_image,"
                  + " incoming_image, target_row, resolution, realign, task_id, realign_where,"
                  + " realign_insert) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }
    PreparedStatement ps = insert;
    ps.setLong(1, e.seqno());
    ps.setString(2, e.origin());
    ps.setTimestamp(3, utc(e.detectedAt()));
    if (e.sourceCommitMicros() >= 0) {
      ps.setTimestamp(
          4,
          utc(
              Instant.ofEpochSecond(
                  e.sourceCommitMicros() / 1_000_000,
                  (e.sourceCommitMicros() % 1_000_000) * 1000)));
    } else {
      ps.setNull(4, Types.TIMESTAMP);
    }
    ps.setString(5, e.schema());
    ps.setString(6, e.table());
    ps.setString(8, e.type());
    ps.setString(9, e.detection());
    ps.setString(7, clip(e.key()));
    ps.setString(10, clip(e.before()));
    ps.setString(11, clip(e.incoming()));
    ps.setString(12, clip(e.target()));
    ps.setString(13, e.resolution());
    ps.setString(14, e.realign());
    ps.setInt(15, taskId);
    ps.setString(16, realignWhere);
    ps.setString(17, realignInsert);
    ps.executeUpdate();
  }

  /** Marks a realignment as sent. */
  void realigned(Connection c, long id, String state) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE `" + schema + "`.conflicts SET realign = ? WHERE id = ?")) {
      ps.setString(1, state);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  /** This task's realignments recorded and not sent yet, oldest first. */
  List<PendingRealign> pending(Connection c) throws SQLException {
    List<PendingRealign> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, schema_name, table_name, realign_where, realign_insert FROM `"
                + schema
                + "`.conflicts WHERE realign = 'pending' AND task_id = ? ORDER BY id")) {
      ps.setInt(1, taskId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new PendingRealign(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5)));
        }
      }
    }
    return out;
  }

  private static Timestamp utc(Instant t) {
    return Timestamp.valueOf(LocalDateTime.ofInstant(t, ZoneOffset.UTC));
  }

  /**
   * Reads conflicts, newest first.
   *
   * @param table {@code schema.table} or {@code table} to keep, or null for all
   * @param since keep those detected at or after this instant, or null
   * @param limit at most this many
   */
  static List<Entry> list(Connection c, String schema, String table, Instant since, int limit)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT seqno, origin, detected_at, source_commit_time, schema_name, table_name,"
                + " row_key, conflict_type, detection, before_image, incoming_image, target_row,"
                + " resolution, realign FROM `"
                + schema
                + "`.conflicts WHERE 1 = 1");
    List<String> params = new ArrayList<>();
    if (table != null) {
      int dot = table.indexOf('.');
      if (dot > 0) {
        sql.append(" AND schema_name = ? AND table_name = ?");
        params.add(table.substring(0, dot));
        params.add(table.substring(dot + 1));
      } else {
        sql.append(" AND table_name = ?");
        params.add(table);
      }
    }
    if (since != null) {
      sql.append(" AND detected_at >= ?");
    }
    sql.append(" ORDER BY id DESC LIMIT ").append(Math.max(1, limit));
    List<Entry> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int p = 1;
      for (String v : params) {
        ps.setString(p++, v);
      }
      if (since != null) {
        ps.setTimestamp(p, utc(since));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Timestamp commit = rs.getTimestamp(4);
          out.add(
              new Entry(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getTimestamp(3).toLocalDateTime().toInstant(ZoneOffset.UTC),
                  commit == null
                      ? -1
                      : commit.toLocalDateTime().toInstant(ZoneOffset.UTC).toEpochMilli() * 1000,
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9),
                  rs.getString(10),
                  rs.getString(11),
                  rs.getString(12),
                  rs.getString(13),
                  rs.getString(14)));
        }
      }
    }
    return out;
  }
}
