package io.ferry.it;

import io.ferry.sandbox.SandboxServer;

/** Test helper: the server's own (native) replication from a master, by GTID. */
final class NativeReplication {
  private NativeReplication() {}

  /** Makes {@code replica} replicate {@code master} (MASTER_USE_GTID = slave_pos) and starts it. */
  static void start(SandboxServer replica, SandboxServer master) throws Exception {
    Sql.run(
        replica,
        "RESET SLAVE ALL",
        "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = "
            + master.port()
            + ", MASTER_USER = '"
            + master.replicator().user()
            + "', MASTER_PASSWORD = '"
            + master.replicator().password()
            + "', MASTER_USE_GTID = slave_pos",
        "START SLAVE");
  }
}
