package io.ferry.postgresql;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.position.NativePosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Ferry's own tables in PostgreSQL, schema {@code ferry_<service>}: {@code position} holds the last
 * transaction applied (seqno, epoch, fragment, native position, source commit and apply times),
 * written in the same PostgreSQL transaction as the data it covers, so that a crash at any instant
 * leaves both in agreement; {@code heartbeat} the last arrival of each named heartbeat. PostgreSQL
 * DDL is transactional too, so nothing needs an in-doubt mark. Not thread-safe: one applier.
 */
final class PgCatalog {
  private static final int TASK = 0;

  private final String schema;
  private PreparedStatement update;
  private PreparedStatement heartbeat;

  PgCatalog(String schema) {
    this.schema = schema;
  }

  String schema() {
    return schema;
  }

  /** Creates the catalog if missing (idempotent), commits, and prepares its statements. */
  void install(Connection c) throws SQLException {
    String s = PgSql.quote(schema);
    try (Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS " + s);
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + s
              + ".position (task_id integer PRIMARY KEY, seqno bigint NOT NULL,"
              + " epoch bigint NOT NULL, fragno integer NOT NULL, last_frag boolean NOT NULL,"
              + " native_kind text, native_position text, source_commit_time timestamptz,"
              + " apply_time timestamptz NOT NULL)");
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + s
              + ".heartbeat (name text PRIMARY KEY, seqno bigint NOT NULL,"
              + " source_commit_time timestamptz, apply_time timestamptz NOT NULL)");
      st.execute(
          "INSERT INTO "
              + s
              + ".position (task_id, seqno, epoch, fragno, last_frag, apply_time) VALUES ("
              + TASK
              + ", -1, 0, 0, true, now()) ON CONFLICT (task_id) DO NOTHING");
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
    update =
        c.prepareStatement(
            "UPDATE "
                + s
                + ".position SET seqno = ?, epoch = ?, fragno = ?, last_frag = ?, native_kind = ?,"
                + " native_position = ?, source_commit_time = ?, apply_time = ? WHERE task_id = "
                + TASK);
    heartbeat =
        c.prepareStatement(
            "INSERT INTO "
                + s
                + ".heartbeat (name, seqno, source_commit_time, apply_time) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (name) DO UPDATE SET seqno = EXCLUDED.seqno,"
                + " source_commit_time = EXCLUDED.source_commit_time,"
                + " apply_time = EXCLUDED.apply_time");
  }

  /** The last checkpoint committed; {@link Checkpoint#NONE} when there is none. */
  static Checkpoint read(Connection c, String schema) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT seqno, epoch, fragno, last_frag, native_kind, native_position,"
                + " source_commit_time FROM "
                + PgSql.quote(schema)
                + ".position WHERE task_id = "
                + TASK)) {
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getLong(1) < 0) {
          return Checkpoint.NONE;
        }
        String kind = rs.getString(5);
        NativePosition pos = kind == null ? null : NativePosition.parse(kind, rs.getString(6));
        OffsetDateTime commit = rs.getObject(7, OffsetDateTime.class);
        return new Checkpoint(
            rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getBoolean(4), pos, micros(commit));
      }
    }
  }

  Checkpoint read(Connection c) throws SQLException {
    return read(c, schema);
  }

  /** Records a checkpoint; part of the caller's open transaction. */
  void write(Checkpoint cp, long applyMillis) throws SQLException {
    update.setLong(1, cp.seqno());
    update.setLong(2, cp.epoch());
    update.setInt(3, cp.fragno());
    update.setBoolean(4, cp.lastFrag());
    NativePosition p = cp.nativePosition();
    update.setString(5, p == null ? null : p.kind());
    update.setString(6, p == null ? null : p.text());
    if (cp.sourceCommitMicros() <= 0) {
      update.setNull(7, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      update.setObject(7, utc(cp.sourceCommitMicros()));
    }
    update.setObject(8, utc(applyMillis * 1000));
    if (update.executeUpdate() != 1) {
      throw new SQLException(
          "the catalog table " + schema + ".position has lost its row: it was changed by hand");
    }
  }

  /** Records that a named heartbeat arrived; part of the caller's open transaction. */
  void heartbeat(String name, long seqno, long sourceCommitMicros, long applyMillis)
      throws SQLException {
    heartbeat.setString(1, name);
    heartbeat.setLong(2, seqno);
    if (sourceCommitMicros <= 0) {
      heartbeat.setNull(3, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      heartbeat.setObject(3, utc(sourceCommitMicros));
    }
    heartbeat.setObject(4, utc(applyMillis * 1000));
    heartbeat.executeUpdate();
  }

  private static OffsetDateTime utc(long micros) {
    return OffsetDateTime.ofInstant(
        Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000), ZoneOffset.UTC);
  }

  private static long micros(OffsetDateTime t) {
    if (t == null) {
      return 0;
    }
    Instant i = t.toInstant();
    return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
  }
}
