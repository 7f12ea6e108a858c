package io.ferry.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.setup.Endpoint;
import io.ferry.cli.setup.NativeReplica;
import io.ferry.core.position.NativePosition;
import io.ferry.core.target.TargetKeys;
import io.ferry.server.config.ServiceConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ferry handback}: native replication resumes where a Ferry service stopped. */
@Command(
    name = "handback",
    header = "Give replication back to the target's native replication, from where Ferry stopped.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Takes the service offline cleanly (every channel at one seqno), sets the target's native"
          + " replication to go on after the last transaction the service applied (by GTID:"
          + " gtid_slave_pos with each domain the service applied in moved on; else the master's"
          + " file and offset) and starts it (START SLAVE). Before that the service file is"
          + " renamed NAME.conf.handed-back and the replicator reloaded, so the service cannot"
          + " apply beside native replication; its catalog ferry_NAME is dropped after. ferry"
          + " setup takeover takes over again.",
      "",
      "For a service written by ferry setup takeover (or any direct service that reads the"
          + " target's native master and applies to a MariaDB/MySQL replica).",
      ""
    })
public final class HandbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AdminOptions admin;
  @Mixin ServiceOption service;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    AdminClient client = admin.client();
    String name = service.resolve(client);
    Path file = admin.configDir().resolve("services").resolve(name + ".conf");
    if (!Files.isRegularFile(file)) {
      throw new CliException("no service file " + file + ": handback needs the service's target");
    }
    ServiceConfig config = ServiceConfig.load(file);
    if (!"mysql".equals(config.get(TargetKeys.TYPE))) {
      throw new CliException(
          "service "
              + name
              + " applies to a "
              + config.get(TargetKeys.TYPE)
              + " target: only a"
              + " MariaDB/MySQL replica has native replication to hand back to");
    }
    JsonNode s = offline(client, name);
    String applied = s.path("appliedLastEventId").asText(null);
    NativePosition at = NativeReach.parseApplied(applied);
    if (!(at instanceof io.ferry.core.position.BinlogPosition)) {
      throw new CliException(
          "service "
              + name
              + " has applied "
              + (at == null ? "nothing yet" : at.kind() + " " + at.text())
              + ": there is no position in the master's binlog to hand back from. Native"
              + " replication on its target is left stopped where the takeover stopped it; START"
              + " SLAVE there resumes it from that point",
          Cli.EXIT_FAILED);
    }
    Endpoint target =
        new Endpoint(
            config.get(TargetKeys.HOST),
            config.get(TargetKeys.PORT),
            config.get(TargetKeys.USER),
            config.get(TargetKeys.PASSWORD),
            null);
    // the service leaves the replicator before native replication starts: never both applying
    Path parked = file.resolveSibling(name + ".conf.handed-back");
    Files.move(file, parked, StandardCopyOption.REPLACE_EXISTING);
    client.post("/api/v1/reload", Map.of());
    String set;
    try (java.sql.Connection c = target.connect()) {
      NativeReplica.Status before = NativeReplica.read(c, target.address());
      set = NativeReplica.resume(c, before, at);
      // its position must not outlive it: a later takeover starts where native replication is
      // out of the binlog: a GTID of the replica's own would break native replication in
      // gtid_strict_mode (its sequence would pass the master's)
      try (java.sql.Statement st = c.createStatement()) {
        st.execute("SET SESSION sql_log_bin = 0");
        st.execute("DROP DATABASE IF EXISTS `ferry_" + name + "`");
      }
    } catch (java.sql.SQLException e) {
      throw NativeReplica.refused(e, target.user(), target.address());
    }
    out.println(
        "service "
            + name
            + " stopped after seqno "
            + s.path("appliedLastSeqno").asText()
            + " ("
            + applied
            + "); native replication on "
            + target.address()
            + " started with "
            + set);
    out.println(
        "the service file is now "
            + parked
            + " and its catalog ferry_"
            + name
            + " is dropped (ferry setup takeover takes over again)");
    out.flush();
    return 0;
  }

  /** Takes the service offline (clean) and returns its status once OFFLINE:NORMAL. */
  private static JsonNode offline(AdminClient client, String name) throws InterruptedException {
    JsonNode s = client.get("/api/v1/services/" + name);
    if (!s.path("state").asText().startsWith("OFFLINE")) {
      client.post("/api/v1/services/" + name + "/offline", Map.of("immediate", false));
    }
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (true) {
      s = client.get("/api/v1/services/" + name);
      String state = s.path("state").asText();
      if (state.equals("OFFLINE:NORMAL")) {
        return s;
      }
      if (state.equals("OFFLINE:ERROR")) {
        throw new CliException(
            "service "
                + name
                + " is in OFFLINE:ERROR ("
                + s.path("pendingError").path("message").asText("no detail")
                + "): fix it and bring it online first, so that it stops at a clean point",
            Cli.EXIT_FAILED);
      }
      if (System.nanoTime() > deadline) {
        throw new CliException(
            "service " + name + " did not go offline within 300 s (it is " + state + ")",
            Cli.EXIT_FAILED);
      }
      Thread.sleep(100);
    }
  }
}
