package io.ferry.mysql.provision;

import io.ferry.core.position.BinlogPosition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A consistent snapshot of a MariaDB source and the binlog position it belongs to: {@code START
 * TRANSACTION WITH CONSISTENT SNAPSHOT} and the server's {@code binlog_snapshot_file} and {@code
 * binlog_snapshot_position}, which name the end of the last transaction the snapshot holds. Every
 * transaction that ends after that position is not in the snapshot. Stateless.
 */
public final class Snapshot {
  private Snapshot() {}

  /** Starts a snapshot on the connection (autocommit off) and returns its binlog position. */
  public static BinlogPosition begin(Connection c) throws SQLException {
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      st.execute("SET SESSION time_zone = '+00:00'");
      st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
      String file = null;
      long offset = -1;
      try (ResultSet rs = st.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
        while (rs.next()) {
          if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_file")) {
            file = rs.getString(2);
          } else if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_position")) {
            offset = Long.parseLong(rs.getString(2));
          }
        }
      }
      if (file == null || file.isEmpty() || offset < 0) {
        c.rollback();
        throw new SQLException(
            "the source does not tell the binlog position of a consistent snapshot"
                + " (binlog_snapshot_file/position: MariaDB with log_bin on): provisioning needs"
                + " it to start replication exactly after the snapshot");
      }
      return new BinlogPosition(file, offset);
    }
  }
}
