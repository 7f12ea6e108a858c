package io.ferry.mysql.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The catalog table {@code ferry_<service>.origins}: which origin service each server id (and GTID
 * domain) this applier wrote the target's binlog under stands for. A master that reads this target
 * as its source finds there the name of a transaction's origin when the binlog only says a foreign
 * server id (A → hub → B carries A's name to B). A row is written the first time an origin is
 * applied, and again when its name changes, in a short transaction of its own on a second
 * connection, before the data: the mapping is a fact about the topology whether or not the data's
 * transaction commits, a reader finds it before the data's binlog events, and parallel apply's
 * channels never hold its row in a transaction that waits for its turn to commit (which made an
 * earlier channel wait for a later one: an ordered-commit deadlock at every new origin). Its binlog
 * events, under the target's own server id, are a catalog's, which binlog readers pass over. Not
 * thread-safe: one applier.
 */
final class OriginCatalog {
  /** The table's name in every catalog schema. */
  static final String TABLE = "origins";

  private final String schema;
  private final ConflictSession.Opener opener;
  private final Map<String, String> known = new HashMap<>();
  private Connection side;

  OriginCatalog(String schema, ConflictSession.Opener opener) {
    this.schema = schema;
    this.opener = opener;
  }

  /** Creates the table if missing and reads what it holds; per connection. */
  void install(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS `"
              + schema
              + "`."
              + TABLE
              + " (server_id BIGINT UNSIGNED NOT NULL, gtid_domain BIGINT NOT NULL,"
              + " service VARCHAR(64) NOT NULL, first_seqno BIGINT NOT NULL,"
              + " updated DATETIME(6) NOT NULL COMMENT 'UTC',"
              + " PRIMARY KEY (server_id, gtid_domain)"
              + ") ENGINE=InnoDB COMMENT='Ferry catalog v1: the origin service of each server id"
              + " this service applies under'");
      known.clear();
      readAll(st);
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  private void readAll(Statement st) throws SQLException {
    try (ResultSet rs =
        st.executeQuery("SELECT server_id, gtid_domain, service FROM `" + schema + "`." + TABLE)) {
      while (rs.next()) {
        known.put(rs.getLong(1) + "/" + rs.getLong(2), rs.getString(3));
      }
    }
  }

  /**
   * Records that a transaction of {@code service} is applied under this server id and domain,
   * unless the table says so already (another channel may have recorded it meanwhile).
   */
  void record(long serverId, long domain, String service, long seqno) throws SQLException {
    if (service == null || service.isEmpty()) {
      return;
    }
    String key = serverId + "/" + domain;
    if (service.equals(known.get(key))) {
      return;
    }
    Connection c = side();
    try (Statement st = c.createStatement()) {
      readAll(st);
    }
    if (service.equals(known.get(key))) {
      return;
    }
    try (PreparedStatement upsert =
        c.prepareStatement(
            "INSERT INTO `"
                + schema
                + "`."
                + TABLE
                + " (server_id, gtid_domain, service, first_seqno, updated)"
                + " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))"
                + " ON DUPLICATE KEY UPDATE service = VALUES(service), updated = VALUES(updated)")) {
      upsert.setLong(1, serverId);
      upsert.setLong(2, domain);
      upsert.setString(3, service);
      upsert.setLong(4, seqno);
      upsert.executeUpdate();
    } catch (SQLException e) {
      close(); // a broken connection is opened again next time
      throw e;
    }
    known.put(key, service);
  }

  private Connection side() throws SQLException {
    if (side == null) {
      side = opener.open();
      side.setAutoCommit(true);
    }
    return side;
  }

  /** Closes the second connection, if open. */
  void close() {
    if (side != null) {
      try {
        side.close();
      } catch (SQLException ignored) {
        // closing either way
      }
      side = null;
    }
  }
}
