package io.ferry.mysql.source;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.network.ServerException;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtidPosition;
import io.ferry.core.position.MySqlGtidSet;
import io.ferry.core.position.NativePosition;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds the binlog file and offset where the first transaction after a GTID position starts, so a
 * service told to start "after these GTIDs" reads from a binlog position like any other and resumes
 * by binlog position from then on. If the source's binlog ends exactly at the position, it is the
 * binlog head; otherwise the source itself is asked to stream from the GTIDs, and the first
 * transaction it sends gives the offset.
 */
public final class GtidLocator {
  private GtidLocator() {}

  public static BinlogPosition locate(SourceSettings s, SourceInfo info, NativePosition gtids) {
    if (gtids instanceof MariaDbGtidPosition && !info.mariaDb()) {
      throw new SourceException(
          "start position "
              + gtids.text()
              + " is a MariaDB GTID position, but the source at "
              + s.address()
              + " is MySQL ("
              + info.version()
              + "): give a MySQL GTID set or a binlog file:offset",
          false);
    }
    if (gtids instanceof MySqlGtidSet && info.mariaDb()) {
      throw new SourceException(
          "start position "
              + gtids.text()
              + " is a MySQL GTID set, but the source at "
              + s.address()
              + " is MariaDB ("
              + info.version()
              + "): give a MariaDB GTID position (domain-server-sequence) or a binlog"
              + " file:offset",
          false);
    }
    BinlogPosition head = headIfCovered(s, gtids);
    return head != null ? head : firstAfter(s, gtids);
  }

  /** The binlog head, if every transaction up to it is covered by the GTIDs; else null. */
  private static BinlogPosition headIfCovered(SourceSettings s, NativePosition gtids) {
    try (Connection c = SourceProbe.connect(s);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
      if (!rs.next()) {
        return null;
      }
      BinlogPosition head = new BinlogPosition(rs.getString(1), rs.getLong(2));
      if (gtids instanceof MySqlGtidSet set) {
        String executed = rs.getString("Executed_Gtid_Set");
        return executed != null && MySqlGtidSet.parse(executed.replace("\n", "")).isSubsetOf(set)
            ? head
            : null;
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
        ps.setString(1, head.file());
        ps.setLong(2, head.offset());
        try (ResultSet pos = ps.executeQuery()) {
          String atHead = pos.next() ? pos.getString(1) : null;
          return atHead != null && covers((MariaDbGtidPosition) gtids, atHead) ? head : null;
        }
      }
    } catch (SQLException e) {
      throw SourceProbe.missingGrant(s, e, "BINLOG MONITOR", "SHOW MASTER STATUS");
    }
  }

  /**
   * Whether a GTID position is exactly the state at the binlog head in every domain the source has
   * (an idle source at the position; a position that also names domains the source never logged is
   * too). A position ahead of the head in a domain is not: the source is asked for it, and refuses
   * it if its binlog does not have it, rather than Ferry passing over the source's next
   * transactions.
   */
  private static boolean covers(MariaDbGtidPosition gtids, String atHead) {
    for (io.ferry.core.position.MariaDbGtid g : MariaDbGtidPosition.parse(atHead.trim()).gtids()) {
      if (!gtids.domain(g.domain()).map(g::equals).orElse(false)) {
        return false;
      }
    }
    return true;
  }

  /** Streams from the GTIDs and takes the position of the first transaction the source sends. */
  private static BinlogPosition firstAfter(SourceSettings s, NativePosition gtids) {
    BinaryLogClient client = new BinaryLogClient(s.host(), s.port(), s.user(), s.password());
    client.setServerId(s.replicaServerId());
    client.setKeepAlive(false);
    client.setConnectTimeout(s.connectTimeout().toMillis());
    s.tls().configure(client, s.host());
    client.setGtidSet(gtids.text());
    CompletableFuture<BinlogPosition> found = new CompletableFuture<>();
    String[] file = new String[1];
    client.registerEventListener(
        (Event e) -> {
          EventType type = e.getHeader().getEventType();
          if (type == EventType.ROTATE) {
            file[0] = ((RotateEventData) e.getData()).getBinlogFilename();
          } else if ((type == EventType.MARIADB_GTID || type == EventType.GTID)
              && file[0] != null) {
            EventHeaderV4 h = e.getHeader();
            found.complete(new BinlogPosition(file[0], h.getNextPosition() - h.getEventLength()));
          }
        });
    client.registerLifecycleListener(
        new BinaryLogClient.AbstractLifecycleListener() {
          @Override
          public void onCommunicationFailure(BinaryLogClient c, Exception ex) {
            found.completeExceptionally(ex);
          }
        });
    Thread thread =
        new Thread(
            () -> {
              try {
                client.connect();
              } catch (IOException | RuntimeException e) {
                found.completeExceptionally(e);
              }
            },
            "gtid-locator-" + s.address());
    thread.setDaemon(true);
    thread.start();
    long waitMillis = s.connectTimeout().toMillis() + s.silenceLimit().toMillis();
    try {
      return found.get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new SourceException(
          "the source at "
              + s.address()
              + " sent no transaction after GTID position "
              + gtids.text()
              + " within "
              + waitMillis / 1000
              + " s, and its binlog does not end there: is the position from another server?",
          false);
    } catch (ExecutionException e) {
      throw failure(s, gtids, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException("interrupted while locating " + gtids.text(), true, e);
    } finally {
      try {
        client.disconnect();
      } catch (IOException e) {
        // the probe is over either way
      }
    }
  }

  private static SourceException failure(SourceSettings s, NativePosition gtids, Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof ServerException)) {
      cause = cause.getCause();
    }
    if (cause instanceof ServerException se) {
      return new SourceException(
          "the source at "
              + s.address()
              + " cannot send its binlog from GTID position "
              + gtids.text()
              + ": "
              + se.getMessage()
              + (se.getErrorCode() == 1236
                  ? ". If the transactions were purged, they are lost to this service:"
                      + " re-provision the target and start from a current position."
                  : ""),
          false,
          se);
    }
    return new SourceException(
        "cannot locate GTID position " + gtids.text() + " on " + s.address() + ": " + e, true, e);
  }
}
