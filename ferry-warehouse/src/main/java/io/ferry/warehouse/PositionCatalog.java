package io.ferry.warehouse;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.position.NativePosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Ferry's catalog in the store, schema {@code ferry_<service>}: table {@code position} holds the
 * last transaction merged (one row), written in the same store transaction as the batch it ends;
 * table {@code heartbeat} the last arrival of each named heartbeat. Not thread-safe: one applier.
 */
final class PositionCatalog {
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private final WarehouseDialect dialect;
  private final String schema;

  PositionCatalog(WarehouseDialect dialect, String schema) {
    this.dialect = dialect;
    this.schema = schema;
  }

  String schema() {
    return schema;
  }

  private String table(String name) {
    return dialect.qualified(schema, name);
  }

  /** Creates the catalog if it is missing, and commits. */
  void install(Connection c) throws SQLException {
    String ts = dialect.timestampType();
    try (Statement st = c.createStatement()) {
      st.execute(dialect.createSchema(schema));
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table("position")
              + " (task_id INTEGER NOT NULL PRIMARY KEY, seqno BIGINT NOT NULL, epoch BIGINT NOT"
              + " NULL, fragno INTEGER NOT NULL, last_frag BOOLEAN NOT NULL, native_kind"
              + " VARCHAR(32), native_position VARCHAR(4096), source_commit_micros BIGINT NOT NULL,"
              + " source_commit_time "
              + ts
              + ", apply_time "
              + ts
              + " NOT NULL)");
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table("heartbeat")
              + " (name VARCHAR(128) NOT NULL PRIMARY KEY, seqno BIGINT NOT NULL,"
              + " source_commit_time "
              + ts
              + ", apply_time "
              + ts
              + " NOT NULL)");
      st.execute(
          "INSERT INTO "
              + table("position")
              + " (task_id, seqno, epoch, fragno, last_frag, source_commit_micros, apply_time)"
              + " SELECT 0, -1, 0, 0, true, 0, CAST('1970-01-01 00:00:00' AS "
              + ts
              + ") WHERE NOT EXISTS (SELECT 1 FROM "
              + table("position")
              + " WHERE task_id = 0)");
    }
    c.commit();
  }

  /** The last merged position. */
  Checkpoint read(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT seqno, epoch, fragno, last_frag, native_kind, native_position,"
                    + " source_commit_micros FROM "
                    + table("position")
                    + " WHERE task_id = 0")) {
      if (!rs.next() || rs.getLong(1) < 0) {
        return Checkpoint.NONE;
      }
      String kind = rs.getString(5);
      String text = rs.getString(6);
      NativePosition pos = kind == null ? null : NativePosition.parse(kind, text);
      return new Checkpoint(
          rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getBoolean(4), pos, rs.getLong(7));
    }
  }

  /** Writes the position, in the caller's open transaction. */
  void write(Connection c, Checkpoint p, long nowMillis) throws SQLException {
    String ts = dialect.timestampType();
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE "
                + table("position")
                + " SET seqno = ?, epoch = ?, fragno = ?, last_frag = ?, native_kind = ?,"
                + " native_position = ?, source_commit_micros = ?, source_commit_time = CAST(? AS "
                + ts
                + "), apply_time = CAST(? AS "
                + ts
                + ") WHERE task_id = 0")) {
      ps.setLong(1, p.seqno());
      ps.setLong(2, p.epoch());
      ps.setInt(3, p.fragno());
      ps.setBoolean(4, p.lastFrag());
      ps.setString(5, p.nativePosition() == null ? null : p.nativePosition().kind());
      ps.setString(6, p.nativePosition() == null ? null : p.nativePosition().text());
      ps.setLong(7, p.sourceCommitMicros());
      ps.setString(8, p.sourceCommitMicros() <= 0 ? null : micros(p.sourceCommitMicros()));
      ps.setString(9, TS.format(Instant.ofEpochMilli(nowMillis)));
      ps.executeUpdate();
    }
  }

  /** Records a named heartbeat's arrival, in the caller's open transaction. */
  void heartbeat(Connection c, String name, long seqno, long sourceMicros, long nowMillis)
      throws SQLException {
    String ts = dialect.timestampType();
    try (PreparedStatement del =
            c.prepareStatement("DELETE FROM " + table("heartbeat") + " WHERE name = ?");
        PreparedStatement ins =
            c.prepareStatement(
                "INSERT INTO "
                    + table("heartbeat")
                    + " (name, seqno, source_commit_time, apply_time) VALUES (?, ?, CAST(? AS "
                    + ts
                    + "), CAST(? AS "
                    + ts
                    + "))")) {
      del.setString(1, name);
      del.executeUpdate();
      ins.setString(1, name);
      ins.setLong(2, seqno);
      ins.setString(3, sourceMicros <= 0 ? null : micros(sourceMicros));
      ins.setString(4, TS.format(Instant.ofEpochMilli(nowMillis)));
      ins.executeUpdate();
    }
  }

  /** Drops the catalog (a reset), and commits. */
  void drop(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + table("position"));
      st.execute("DROP TABLE IF EXISTS " + table("heartbeat"));
      st.execute("DROP SCHEMA IF EXISTS " + dialect.quote(schema));
    }
    c.commit();
  }

  private static String micros(long micros) {
    return TS.format(
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L));
  }
}
