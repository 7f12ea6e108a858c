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
 * applied, in the same target transaction as its data, and again when its name changes. Not
 * thread-safe: one applier.
 */
final class OriginCatalog {
  /** The table's name in every catalog schema. */
  static final String TABLE = "origins";

  private final String schema;
  private final Map<String, String> known = new HashMap<>();
  private PreparedStatement upsert;

  OriginCatalog(String schema) {
    this.schema = schema;
  }

  /** Creates the table if missing, reads what it holds and prepares the upsert; per connection. */
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
      try (ResultSet rs =
          st.executeQuery(
              "SELECT server_id, gtid_domain, service FROM `" + schema + "`." + TABLE)) {
        while (rs.next()) {
          known.put(rs.getLong(1) + "/" + rs.getLong(2), rs.getString(3));
        }
      }
    }
    if (!c.getAutoCommit()) {
      c.commit();
    }
    upsert =
        c.prepareStatement(
            "INSERT INTO `"
                + schema
                + "`."
                + TABLE
                + " (server_id, gtid_domain, service, first_seqno, updated)"
                + " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))"
                + " ON DUPLICATE KEY UPDATE service = VALUES(service), updated = VALUES(updated)");
  }

  /**
   * Records that a transaction of {@code service} is applied under this server id and domain,
   * unless the table says so already; in the open target transaction.
   */
  void record(long serverId, long domain, String service, long seqno) throws SQLException {
    if (service == null || service.isEmpty()) {
      return;
    }
    String key = serverId + "/" + domain;
    if (service.equals(known.get(key))) {
      return;
    }
    upsert.setLong(1, serverId);
    upsert.setLong(2, domain);
    upsert.setString(3, service);
    upsert.setLong(4, seqno);
    upsert.executeUpdate();
    known.put(key, service);
  }

  /** Forgets what was recorded in a transaction that was rolled back. */
  void forget() {
    known.clear();
  }
}
