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
    try (java.sql.Connection c = rep.connect()) {
      NativeReplica.read(c, rep.address()); // a replica, or an error, before anything stops
      NativeReplica.stop(c);
      before = NativeReplica.read(c, rep.address());
      logs = on(c, "@@log_bin") && on(c, "@@log_slave_updates");
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
    List<String> lines = SetupCommand.header(common.service, "direct", common);
    lines.add(
        "# takes over native replication on " + rep.address() + "; ferry handback gives it back");
    SetupCommand.source(lines, src, before.startPosition());
    SetupCommand.target(lines, rep);
    lines.add("target.log-to-binlog = " + logs);
    return SetupCommand.write(spec, common, List.of(common.service), List.of(lines));
  }

  private static boolean on(java.sql.Connection c, String variable) throws java.sql.SQLException {
    try (java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT " + variable)) {
      return rs.next() && rs.getInt(1) == 1;
    }
  }
}
