package io.ferry.mysql.apply;

import io.ferry.core.event.Transaction;
import io.ferry.mysql.origin.OriginIds;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The origin a target session writes its binlog under: {@code server_id} and, on MariaDB, {@code
 * gtid_domain_id}. With {@code target.log-origin}, each transaction is applied under its origin's
 * server id (the header's source id) and, when its native position has a MariaDB GTID, that GTID's
 * domain, so that the target's binlog says where every change came from — rows, DDL and statements
 * alike, without editing SQL. The server stamps the session's server id on each event when it is
 * written and on the GTID event at commit, and refuses to change the domain inside a transaction:
 * the origin may change only between target transactions ({@link #needsSwitch} tells the applier to
 * commit first). A transaction without a usable source id (another kind of source) is applied under
 * the target's own values. Needs BINLOG REPLAY (MariaDB 10.5.2 and later) or SUPER. Not
 * thread-safe: one applier.
 */
final class OriginSession {
  /** The origin of a session: a server id and a GTID domain (-1 where the server has none). */
  record Origin(long serverId, long domain) {}

  private Origin own;
  private Origin current;

  /**
   * Reads the target's own server id and GTID domain, and checks that the session may change them;
   * once per connection.
   */
  void connected(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      long serverId;
      try (ResultSet rs = st.executeQuery("SELECT @@server_id")) {
        rs.next();
        serverId = rs.getLong(1);
      }
      long domain = -1;
      try (ResultSet rs = st.executeQuery("SELECT @@gtid_domain_id")) {
        if (rs.next()) {
          domain = rs.getLong(1);
        }
      } catch (SQLException e) {
        // MySQL has no GTID domains
      }
      // the privilege is needed for every foreign origin: refused now rather than at the first one
      st.execute("SET SESSION server_id = " + serverId);
      connectedAs(new Origin(serverId, domain));
    }
  }

  /** Starts from the target's own origin (a new session). */
  void connectedAs(Origin target) {
    own = target;
    current = target;
  }

  /** The target's own origin, or null before the connection. */
  Origin own() {
    return own;
  }

  /** The origin the session writes under now. */
  Origin current() {
    return current;
  }

  /**
   * The origin a transaction is applied under: its source id and GTID domain, each replaced by the
   * target's own where the transaction does not carry one (or, for a transaction without changes —
   * a heartbeat, an emptied fragment — the session's current origin: nothing of it is logged but
   * Ferry's catalog).
   */
  Origin originOf(Transaction tx) {
    if (tx.changes().isEmpty() && (tx.heartbeat() != null || tx.lastFrag())) {
      return current; // nothing of it is logged (an emptied fragment 0 of a longer one is)
    }
    long serverId = OriginIds.serverId(tx.header().sourceId());
    if (serverId < 0) {
      return own;
    }
    long domain = own.domain() < 0 ? -1 : OriginIds.domainOf(tx.header().nativePosition());
    return new Origin(serverId, domain < 0 ? own.domain() : domain);
  }

  /** Whether applying the transaction changes the session's origin. */
  boolean needsSwitch(Transaction tx) {
    return !originOf(tx).equals(current);
  }

  /** Sets the session's origin to the transaction's; between target transactions only. */
  void switchTo(Connection c, Transaction tx) throws SQLException {
    Origin to = originOf(tx);
    StringBuilder set = new StringBuilder("SET ");
    boolean first = true;
    if (to.serverId() != current.serverId()) {
      set.append("SESSION server_id = ").append(to.serverId());
      first = false;
    }
    if (to.domain() != current.domain()) {
      set.append(first ? "" : ", ").append("SESSION gtid_domain_id = ").append(to.domain());
      first = false;
    }
    if (!first) {
      try (Statement st = c.createStatement()) {
        st.execute(set.toString());
      }
    }
    current = to;
  }

  /** The error for an account that may not apply under another server id, with the grant. */
  static SQLException refused(SQLException e, String user, String address) {
    return new SQLException(
        "user '"
            + user
            + "' may not apply transactions under their origin's server id at the target "
            + address
            + " (SET SESSION server_id / gtid_domain_id need BINLOG REPLAY or SUPER): run GRANT"
            + " BINLOG REPLAY ON *.* TO '"
            + user
            + "'@'<its host>' on the target (MySQL: SUPER or SYSTEM_VARIABLES_ADMIN), or set"
            + " target.log-origin = false (the target's binlog then shows every applied change"
            + " as its own, and loops cannot be told apart)",
        e.getSQLState(),
        e.getErrorCode(),
        e);
  }
}
