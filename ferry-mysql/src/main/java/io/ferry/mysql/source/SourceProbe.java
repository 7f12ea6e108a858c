package io.ferry.mysql.source;

import io.ferry.core.position.BinlogPosition;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Connects to a source with SQL and checks that it can be read as configured: reachable, the
 * account works and has the grants a replicator needs, the binlog is on in a usable format. Every
 * problem is an error that names the host, the account and the fix.
 */
public final class SourceProbe {
  private SourceProbe() {}

  public static Connection connect(SourceSettings s) {
    Properties props = new Properties();
    props.setProperty("user", s.user());
    props.setProperty("password", s.password());
    try {
      return s.tls().connect(s.jdbcUrl(), props);
    } catch (SQLException e) {
      throw connectionFailure(s, e);
    }
  }

  /**
   * The fractional-seconds precision of a table's temporal columns as the source has them now, by
   * lower-case column name; null when the table is gone.
   */
  public static java.util.Map<String, Integer> temporalPrecisions(
      SourceSettings s, String schema, String table) {
    try (Connection c = connect(s);
        java.sql.PreparedStatement ps =
            c.prepareStatement(
                "SELECT COLUMN_NAME, DATETIME_PRECISION FROM information_schema.COLUMNS"
                    + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      java.util.Map<String, Integer> result = new java.util.HashMap<>();
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getInt(2));
        }
      }
      return result.isEmpty() ? null : result;
    } catch (SQLException e) {
      throw new SourceException(
          "cannot read the column definitions of "
              + schema
              + "."
              + table
              + " on the source at "
              + s.address()
              + ": "
              + e.getMessage(),
          true,
          e);
    }
  }

  static SourceException connectionFailure(SourceSettings s, SQLException e) {
    String tls = io.ferry.mysql.DbTls.refusal(e);
    if (tls != null) {
      return new SourceException(s.tls().explain("source", s.address(), tls), false, e);
    }
    if (e.getErrorCode() == 1045) {
      return new SourceException(
          "access denied for user '"
              + s.user()
              + "' at "
              + s.address()
              + ": check the password (the server said: "
              + e.getMessage()
              + ")",
          false,
          e);
    }
    boolean network =
        e instanceof SQLTransientConnectionException
            || "08000".equals(e.getSQLState())
            || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
    return new SourceException(
        "cannot connect to the source at "
            + s.address()
            + ": "
            + rootMessage(e)
            + (network ? " (is the server running, and is the host and port right?)" : ""),
        network,
        e);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? t.getMessage() : t.getMessage() + " (" + root.getMessage() + ")";
  }

  /** Reads what the source is and checks that its binlog is on; see {@link #checkFormat}. */
  public static SourceInfo probe(SourceSettings s) {
    try (Connection c = connect(s);
        Statement st = c.createStatement()) {
      String version;
      long serverId;
      boolean logBin;
      String format;
      String image;
      try (ResultSet rs =
          st.executeQuery(
              "SELECT @@version, @@server_id, @@log_bin, @@binlog_format, @@binlog_row_image")) {
        rs.next();
        version = rs.getString(1);
        serverId = rs.getLong(2);
        logBin = rs.getInt(3) == 1;
        format = rs.getString(4);
        image = rs.getString(5);
      }
      boolean mariaDb = version.toLowerCase(Locale.ROOT).contains("mariadb");
      if (!logBin) {
        throw new SourceException(
            "binary logging is off on the source at "
                + s.address()
                + ": Ferry reads the binlog. Set log_bin (and server_id, binlog_format=ROW) in"
                + " the server's configuration and restart it.",
            false);
      }
      String metadata = variable(st, "binlog_row_metadata");
      String gtidPos = variable(st, mariaDb ? "gtid_binlog_pos" : "gtid_executed");
      BinlogPosition head;
      try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
        if (!rs.next()) {
          throw new SourceException(
              "the source at "
                  + s.address()
                  + " reports no binlog position (SHOW MASTER STATUS"
                  + " is empty) although log_bin is on",
              false);
        }
        head = new BinlogPosition(rs.getString(1), rs.getLong(2));
      } catch (SQLException e) {
        throw missingGrant(s, e, "BINLOG MONITOR", "SHOW MASTER STATUS");
      }
      List<String> binlogs = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
        while (rs.next()) {
          binlogs.add(rs.getString(1));
        }
      } catch (SQLException e) {
        throw missingGrant(s, e, "BINLOG MONITOR", "SHOW BINARY LOGS");
      }
      Map<Integer, SourceInfo.Collation> collations = new HashMap<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT ID, COLLATION_NAME, CHARACTER_SET_NAME FROM information_schema.COLLATIONS")) {
        while (rs.next()) {
          collations.put(rs.getInt(1), new SourceInfo.Collation(rs.getString(2), rs.getString(3)));
        }
      }
      return new SourceInfo(
          version, mariaDb, serverId, format, image, metadata, head, gtidPos, binlogs, collations);
    } catch (SQLException e) {
      throw new SourceException(
          "cannot read the configuration of the source at " + s.address() + ": " + e.getMessage(),
          false,
          e);
    }
  }

  private static String variable(Statement st, String name) throws SQLException {
    try (ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name + "'")) {
      return rs.next() ? rs.getString(2) : "";
    }
  }

  /** An error for a statement refused for lack of a privilege, with the grant that fixes it. */
  static SourceException missingGrant(
      SourceSettings s, SQLException e, String privilege, String what) {
    if (e.getErrorCode() == 1227 || e.getErrorCode() == 1142 || e.getErrorCode() == 1044) {
      return new SourceException(
          "user '"
              + s.user()
              + "' may not run "
              + what
              + " on the source at "
              + s.address()
              + ": it lacks the "
              + privilege
              + " privilege. Grant it with: GRANT "
              + privilege
              + " ON *.* TO '"
              + s.user()
              + "'@'<host>'; (the server said: "
              + e.getMessage()
              + ")",
          false,
          e);
    }
    return new SourceException(
        what + " failed on the source at " + s.address() + ": " + e.getMessage(), false, e);
  }

  /**
   * Checks that the binlog holds what the extractor needs: row events when {@code requireRow}
   * (statement and mixed logs are read too, but a service may insist on rows).
   */
  public static void checkFormat(SourceSettings s, SourceInfo info, boolean requireRow) {
    if (requireRow && !"ROW".equalsIgnoreCase(info.binlogFormat())) {
      throw new SourceException(
          "the source at "
              + s.address()
              + " logs binlog_format="
              + info.binlogFormat()
              + ", but this service requires ROW (extractor setting require-row-format). Set"
              + " binlog_format=ROW on the source (SET GLOBAL binlog_format='ROW' and in its"
              + " configuration), or allow statements.",
          false);
    }
  }
}
