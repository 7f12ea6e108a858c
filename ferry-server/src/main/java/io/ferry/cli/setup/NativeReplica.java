package io.ferry.cli.setup;

import io.ferry.cli.CliException;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.position.MariaDbGtidPosition;
import io.ferry.core.position.NativePosition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A MariaDB/MySQL server's own (native) replication, as Ferry takes it over and hands it back: what
 * {@code SHOW SLAVE STATUS} says, stopping it, and starting it again from the position Ferry
 * reached. Stateless.
 */
public final class NativeReplica {
  private NativeReplica() {}

  /** The error for an account that may not see or control replication, with the grant. */
  public static CliException refused(java.sql.SQLException e, String user, String address) {
    if (e.getErrorCode() != 1227 && e.getErrorCode() != 1045) {
      return new CliException(
          "native replication on " + address + ": " + e.getMessage(), io.ferry.cli.Cli.EXIT_FAILED);
    }
    return new CliException(
        "user '"
            + user
            + "' may not see or control native replication on "
            + address
            + " ("
            + e.getMessage()
            + "): run GRANT SLAVE MONITOR, REPLICATION SLAVE ADMIN ON *.* TO '"
            + user
            + "'@'<its host>' there (MySQL: REPLICATION_SLAVE_ADMIN and REPLICATION CLIENT)",
        io.ferry.cli.Cli.EXIT_FAILED);
  }

  /**
   * What the native replica has executed.
   *
   * @param gtid whether it replicates by GTID (MariaDB Using_Gtid Slave_Pos/Current_Pos)
   * @param masterHost its master's host, as configured
   * @param masterPort its master's port
   * @param file the master's binlog file of the last executed transaction
   * @param offset where that transaction ends in it
   * @param gtidSlavePos MariaDB {@code @@gtid_slave_pos} (empty elsewhere)
   */
  public record Status(
      boolean gtid,
      String masterHost,
      int masterPort,
      String file,
      long offset,
      String gtidSlavePos) {
    /** Where a Ferry service reading the master starts to go on exactly from here. */
    public String startPosition() {
      return gtid && !gtidSlavePos.isBlank() ? gtidSlavePos : file + ":" + offset;
    }
  }

  /** Reads the replica's status; an error when the server is no replica. */
  public static Status read(Connection c, String address) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
      if (!rs.next()) {
        throw new CliException(
            address
                + " is not a replica (SHOW SLAVE STATUS is empty): there is no native replication"
                + " to take over");
      }
      String autoPosition = column(rs, "Auto_Position");
      if ("1".equals(autoPosition)) {
        throw new CliException(
            address
                + " replicates with MySQL GTID auto-positioning: Ferry cannot take that over yet"
                + " (the transactions it applies would not be in gtid_executed); switch the"
                + " replica to file positions first (CHANGE MASTER TO MASTER_AUTO_POSITION = 0)");
      }
      String usingGtid = column(rs, "Using_Gtid");
      boolean gtid = usingGtid != null && !usingGtid.isBlank() && !usingGtid.equalsIgnoreCase("No");
      Status s =
          new Status(
              gtid,
              rs.getString("Master_Host"),
              rs.getInt("Master_Port"),
              rs.getString("Relay_Master_Log_File"),
              rs.getLong("Exec_Master_Log_Pos"),
              gtid ? value(st, "SELECT @@gtid_slave_pos") : "");
      if (rs.next()) {
        throw new CliException(
            address
                + " replicates over several channels: take over a replica of one master (or"
                + " MariaDB's default connection) only");
      }
      if (s.startPosition().startsWith(":") || s.startPosition().isBlank()) {
        throw new CliException(
            address + " has not executed anything from its master yet: nothing to go on from");
      }
      return s;
    }
  }

  private static String column(ResultSet rs, String name) {
    try {
      return rs.getString(name);
    } catch (SQLException e) {
      return null; // MySQL has no Using_Gtid
    }
  }

  private static String value(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      return rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
    }
  }

  /** Stops both replication threads (the executed position no longer moves). */
  public static void stop(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("STOP SLAVE");
    }
  }

  /**
   * Points native replication at the transaction after {@code applied} (the last one Ferry applied,
   * a position in the master's binlog) and starts it: by GTID when the replica replicates by GTID
   * (its other domains kept), else by file and offset. Returns what was set.
   */
  public static String resume(Connection c, Status before, NativePosition applied)
      throws SQLException {
    if (!(applied instanceof BinlogPosition p)) {
      throw new CliException(
          "the service's applied position is "
              + (applied == null ? "none" : applied.kind() + " " + applied.text())
              + ", not a position in the master's binlog: native replication cannot resume from"
              + " it");
    }
    String set;
    try (Statement st = c.createStatement()) {
      st.execute("STOP SLAVE");
      if (before.gtid() && p.gtid() instanceof MariaDbGtid g) {
        String pos = merged(value(st, "SELECT @@gtid_slave_pos"), p.state(), g);
        st.execute("SET GLOBAL gtid_slave_pos = '" + pos + "'");
        st.execute("CHANGE MASTER TO MASTER_USE_GTID = slave_pos");
        set = "gtid_slave_pos = " + pos;
      } else {
        st.execute(
            "CHANGE MASTER TO MASTER_LOG_FILE = '"
                + p.file().replace("'", "''")
                + "', MASTER_LOG_POS = "
                + p.offset());
        set = "master position " + p.file() + ":" + p.offset();
      }
      st.execute("START SLAVE");
    }
    return set;
  }

  /** The replica's GTID position with each domain Ferry applied in moved to where Ferry got. */
  static String merged(String current, MariaDbGtidPosition state, MariaDbGtid last) {
    MariaDbGtidPosition pos =
        current == null || current.isBlank()
            ? new MariaDbGtidPosition(List.of())
            : MariaDbGtidPosition.parse(current.replace("\n", ""));
    List<MariaDbGtid> applied = new ArrayList<>();
    if (state != null) {
      applied.addAll(state.gtids());
    } else {
      applied.add(last);
    }
    for (MariaDbGtid g : applied) {
      pos = pos.with(g);
    }
    return pos.text().toLowerCase(Locale.ROOT);
  }
}
