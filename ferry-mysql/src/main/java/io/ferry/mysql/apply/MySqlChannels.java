package io.ferry.mysql.apply;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.parallel.ChannelPosition;
import io.ferry.core.parallel.ChannelTarget;
import io.ferry.core.parallel.KeyExtractor;
import io.ferry.core.parallel.Layout;
import io.ferry.core.pipeline.Applier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Parallel apply on a MariaDB/MySQL target: a {@link MySqlApplier} per channel (catalog row {@code
 * task_id} = channel), and the catalog's record of the last run's layout ({@code channels}) and of
 * the shards' channels ({@code shard}), read and written on a connection of its own. Used by one
 * thread at a time.
 */
public final class MySqlChannels implements ChannelTarget {
  private final TargetSettings target;
  private final ApplierSettings settings;
  private final Clock clock;
  private final int lockWaitSeconds;
  private final CheckTally checks;
  private Connection connection;

  /**
   * @param lockWaitSeconds the channels' {@code innodb_lock_wait_timeout}: how long a channel waits
   *     for a row lock before the ordered-commit deadlock check rolls back and re-runs (0: the
   *     server's)
   */
  public MySqlChannels(
      TargetSettings target,
      ApplierSettings settings,
      int lockWaitSeconds,
      CheckTally checks,
      Clock clock) {
    this.target = target;
    this.checks = checks;
    this.settings = settings;
    this.lockWaitSeconds = lockWaitSeconds;
    this.clock = clock;
  }

  @Override
  public Applier channel(int channel) {
    return new MySqlApplier(target, settings.asChannel(channel, lockWaitSeconds), clock)
        .countChecksIn(checks);
  }

  @Override
  public Map<Integer, ChannelPosition> positions() {
    return call("read the channels' positions", c -> TargetCatalog.readAll(c, schema()));
  }

  @Override
  public Layout layout() {
    return call(
        "read the last run's layout",
        c -> {
          Layout l = TargetCatalog.layout(c, schema());
          return l == null ? Layout.SINGLE : l;
        });
  }

  @Override
  public void settle(Layout layout, Checkpoint position, boolean forgetShards) {
    call(
        "record the channels' layout",
        c -> {
          TargetCatalog.settle(c, schema(), layout, position, forgetShards);
          return null;
        });
  }

  @Override
  public Map<String, Integer> shards() {
    return call(
        "read the shards' channels",
        c -> {
          Map<String, Integer> out = new HashMap<>();
          try (Statement st = c.createStatement();
              ResultSet rs =
                  st.executeQuery("SELECT shard, channel FROM `" + schema() + "`.shard")) {
            while (rs.next()) {
              out.put(rs.getString(1), rs.getInt(2));
            }
          }
          return out;
        });
  }

  @Override
  public void rememberShard(String shard, int channel) {
    call(
        "remember shard " + shard + "'s channel",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "REPLACE INTO `" + schema() + "`.shard (shard, channel) VALUES (?, ?)")) {
            ps.setString(1, shard);
            ps.setInt(2, channel);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public KeyExtractor keys() {
    return new TargetKeys(
        () -> {
          try {
            return open();
          } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
          }
        },
        settings.triggersFire(),
        schema());
  }

  @Override
  public boolean lockConflict(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      int code =
          t instanceof ApplyException a
              ? a.errorCode()
              : t instanceof SQLException s ? s.getErrorCode() : 0;
      if (code == 1205 || code == 1213) {
        return true;
      }
    }
    return false;
  }

  private String schema() {
    return settings.catalogSchema();
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs one catalog transaction; a failure drops the connection and says what failed. */
  private <T> T call(String what, Work<T> work) {
    try {
      if (connection == null) {
        Connection c = open();
        c.setAutoCommit(false);
        new TargetCatalog(schema(), 0).install(c);
        new TargetCatalog(schema(), 0).installChannels(c);
        c.commit();
        connection = c;
      }
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException e) {
      close();
      throw new ApplyException(
          "cannot "
              + what
              + " in the catalog "
              + schema()
              + " on the target at "
              + target.address()
              + ": "
              + e.getMessage(),
          -1,
          null,
          null,
          null,
          null,
          e,
          ApplyErrors.isTransient(e));
    }
  }

  /**
   * A connection for catalog work, which stays out of the target's binlog unless the service logs
   * what it applies (as its appliers' sessions do).
   */
  private Connection open() throws SQLException {
    Connection c = target.connect();
    if (!settings.logToBinlog()) {
      try (Statement st = c.createStatement()) {
        st.execute("SET SESSION sql_log_bin = 0");
      } catch (SQLException e) {
        c.close();
        throw e;
      }
    }
    return c;
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // a connection that may be broken already
      }
      connection = null;
    }
  }
}
