package io.ferry.bench;

import io.ferry.core.position.BinlogPosition;
import io.ferry.sandbox.SandboxServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** MariaDB's own replication on a sandboxed replica, driven by SQL, for the baselines. */
final class NativeReplica implements AutoCloseable {
  private final SandboxServer replica;

  /** The one connection progress is polled on (opened at the first poll). */
  private Connection poll;

  NativeReplica(SandboxServer replica) {
    this.replica = replica;
  }

  /** Points the replica at the source, at a binlog position (nothing started). */
  void pointAt(SandboxServer source, BinlogPosition from) throws SQLException {
    sql(
        "STOP SLAVE",
        "RESET SLAVE ALL",
        "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = "
            + source.port()
            + ", MASTER_USER = '"
            + source.replicator().user()
            + "', MASTER_PASSWORD = '"
            + source.replicator().password()
            + "', MASTER_LOG_FILE = '"
            + from.file()
            + "', MASTER_LOG_POS = "
            + from.offset()
            + ", MASTER_USE_GTID = no");
  }

  void parallel(int threads, String mode) throws SQLException {
    sql(
        "SET GLOBAL slave_parallel_threads = " + threads,
        "SET GLOBAL slave_parallel_mode = '" + mode + "'");
  }

  void start() throws SQLException {
    sql("START SLAVE");
  }

  void stop() throws SQLException {
    sql("STOP SLAVE");
  }

  void forget() throws SQLException {
    sql("STOP SLAVE", "RESET SLAVE ALL");
  }

  /** Whether the SQL thread has executed everything up to {@code target}; fails if it broke. */
  boolean reached(BinlogPosition target) throws SQLException {
    if (poll == null) {
      poll = replica.connect(replica.root(), "");
    }
    try (Statement st = poll.createStatement();
        ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
      if (!rs.next()) {
        throw new IllegalStateException("the replica has no replication configured");
      }
      String error = rs.getString("Last_SQL_Error");
      if (error != null && !error.isEmpty()) {
        throw new IllegalStateException("native replication failed: " + error);
      }
      String io = rs.getString("Last_IO_Error");
      if (io != null && !io.isEmpty()) {
        throw new IllegalStateException("native replication cannot fetch: " + io);
      }
      String file = rs.getString("Relay_Master_Log_File");
      long pos = rs.getLong("Exec_Master_Log_Pos");
      int cmp = file.compareTo(target.file());
      return cmp > 0 || (cmp == 0 && pos >= target.offset());
    }
  }

  /** Waits until the replica has executed up to {@code target}. */
  void await(BinlogPosition target) throws Exception {
    while (!reached(target)) {
      Thread.sleep(5);
    }
  }

  @Override
  public void close() throws SQLException {
    if (poll != null) {
      poll.close();
      poll = null;
    }
  }

  private void sql(String... statements) throws SQLException {
    try (Connection c = replica.connect(replica.root(), "");
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }
}
