package io.ferry.cli.setup;

import io.ferry.cli.CliException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry setup takeover}: a Ferry service in place of a replica's native replication. */
@Command(
    name = "takeover",
    header = "Take over a replica's native replication: Ferry applies from where it stopped.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Stops native replication on --replica (STOP SLAVE), reads the position it executed"
          + " (@@gtid_slave_pos when it replicates by GTID, else the master's file and offset"
          + " from SHOW SLAVE STATUS), and writes a direct service that reads --master's binlog"
          + " from exactly there and applies to the replica, logging to its binlog when the"
          + " replica logs what it replicates (log_slave_updates). Nothing is missed or applied"
          + " twice; ferry handback -service NAME gives replication back to the server.",
      "",
      "Example:",
      "  ferry setup takeover --replica mysql://ferry:pw@db2:3306 \\",
      "      --master mysql://ferry:pw@db1:3306 --service db2 --start",
      ""
    })
public final class Takeover implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SetupCommand.Common common;

  @Option(
      names = "--replica",
      required = true,
      paramLabel = "DB",
      description = "The native replica: a sandbox server (NAME:N) or mysql://user:pw@host:port.")
  String replica;

  @Option(
      names = "--master",
      required = true,
      paramLabel = "DB",
      description = "Its master, whose binlog the service reads (NAME:N or a URL).")
  String master;

  @Override
  public Integer call() throws Exception {
    if (!"current".equalsIgnoreCase(common.startAt)) {
      throw new CliException(
          "--start-at is not for a takeover: the service starts where native replication stopped");
    }
    Endpoint rep = Endpoint.parse(replica, common.sandboxHome);
    Endpoint src = Endpoint.parse(master, common.sandboxHome);
    NativeReplica.Status before;
    boolean logs;
    boolean strict;
    java.nio.file.Path file =
        common.admin.configDir().resolve("services").resolve(common.service + ".conf");
    if (java.nio.file.Files.exists(file) && !common.force) {
      throw new CliException(file + " exists: use --force to overwrite it, or another --service");
    }
    try (java.sql.Connection c = rep.connect()) {
      // everything that can refuse, before replication stops
      NativeReplica.read(c, rep.address());
      if (catalogExists(c, "ferry_" + common.service)) {
        throw new CliException(
            rep.address()
                + " has a catalog ferry_"
                + common.service
                + " from an earlier service of that name: its position would override where"
                + " native replication stops. Drop it (DROP DATABASE ferry_"
                + common.service
                + ") or give another --service");
      }
      logs = on(c, "@@log_bin") && on(c, "@@log_slave_updates");
      strict = logs && on(c, "@@gtid_strict_mode");
      NativeReplica.stop(c);
      before = NativeReplica.read(c, rep.address());
    } catch (java.sql.SQLException e) {
      throw NativeReplica.refused(e, rep.user(), rep.address());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "native replication on "
            + rep.address()
            + " stopped (its master "
            + before.masterHost()
            + ":"
            + before.masterPort()
            + "), executed through "
            + (before.gtid() ? "GTID position " : "")
            + before.startPosition());
    if (strict) {
      out.println(
          "warning: "
              + rep.address()
              + " logs what it applies and has gtid_strict_mode=ON: Ferry's catalog tables are"
              + " created in its binlog under its own server id, which moves its GTID sequence past"
              + " the master's, and native replication would stop on an out-of-order GTID after"
              + " ferry handback. Set gtid_strict_mode=OFF on it before handing back");
    }
    List<String> lines = SetupCommand.header(common.service, "direct", common);
    lines.add(
        "# takes over native replication on " + rep.address() + "; ferry handback gives it back");
    SetupCommand.source(lines, src, before.startPosition());
    SetupCommand.target(lines, rep);
    lines.add("target.log-to-binlog = " + logs);
    try {
      return SetupCommand.write(spec, common, List.of(common.service), List.of(lines));
    } catch (RuntimeException | java.io.IOException e) {
      try (java.sql.Connection c = rep.connect();
          java.sql.Statement st = c.createStatement()) {
        st.execute("START SLAVE");
      }
      throw new CliException(
          "the service could not be written ("
              + e.getMessage()
              + "): native replication on "
              + rep.address()
              + " was started again");
    }
  }

  private static boolean catalogExists(java.sql.Connection c, String schema)
      throws java.sql.SQLException {
    try (java.sql.PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
      ps.setString(1, schema);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static boolean on(java.sql.Connection c, String variable) throws java.sql.SQLException {
    try (java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT " + variable)) {
      return rs.next() && rs.getInt(1) == 1;
    }
  }
}
