package io.ferry.cli.replicator;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.Json;
import io.ferry.cli.ServiceLogging;
import io.ferry.cli.Table;
import io.ferry.cli.control.AdminClient;
import io.ferry.cli.control.AdminOptions;
import io.ferry.server.Replicator;
import io.ferry.server.admin.AdminServer;
import io.ferry.server.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry replicator}: the process that hosts the services. */
@Command(
    name = "replicator",
    header = "Start, stop and look at the replicator process that runs the services.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "One replicator process hosts every service of a configuration directory: DIR/replicator.conf"
          + " (optional) and one file per service in DIR/services/*.conf (docs/configuration.md)."
          + " The control commands (status, online, offline, ...) talk to it over its admin API"
          + " (docs/admin-api.md).",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {
      ReplicatorCommand.Start.class,
      ReplicatorCommand.Stop.class,
      ReplicatorCommand.Status.class,
      ReplicatorCommand.Reload.class,
      ReplicatorCommand.Run.class,
      picocli.CommandLine.HelpCommand.class
    })
public final class ReplicatorCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code ferry replicator run}: in the foreground. */
  @Command(
      name = "run",
      header = "Run the replicator in the foreground (what start runs in the background).",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Loads the services, brings them online (services.auto-online), serves the admin API and"
            + " logs to standard output until SIGTERM, Ctrl-C or ferry replicator stop, which take"
            + " every service offline cleanly first.",
        ""
      })
  public static final class Run implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Override
    public Integer call() throws InterruptedException {
      ServiceLogging.enable(false);
      Replicator replicator;
      AdminServer server;
      try {
        replicator = new Replicator(admin.configDir(), Clock.systemUTC());
      } catch (ConfigException e) {
        throw new CliException(e.getMessage(), Cli.EXIT_USAGE);
      }
      CountDownLatch stop = new CountDownLatch(1);
      server = new AdminServer(replicator, stop::countDown);
      try {
        server.start();
      } catch (ConfigException e) {
        throw new CliException(e.getMessage(), Cli.EXIT_USAGE);
      }
      Thread hook =
          new Thread(
              () -> {
                replicator.close();
                server.close();
              },
              "replicator-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      replicator.start();
      stop.await();
      Runtime.getRuntime().removeShutdownHook(hook);
      replicator.close();
      server.close();
      return 0;
    }
  }

  /** {@code ferry replicator start}: in the background. */
  @Command(
      name = "start",
      header = "Start the replicator in the background and wait until its admin API answers.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Runs 'ferry replicator run' as a background process that logs to"
            + " DIR/logs/replicator.log (or --log), writes its pid to DIR/replicator.pid, and"
            + " returns once the admin API answers (or fails with the log's last lines).",
        ""
      })
  public static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Option(names = "--log", paramLabel = "FILE", description = "Where the replicator logs.")
    Path log;

    @Override
    public Integer call() throws IOException, InterruptedException {
      Path dir = admin.configDir();
      if (!Files.isDirectory(dir)) {
        throw new CliException("configuration directory " + dir + " does not exist");
      }
      AdminClient client = admin.client();
      if (client.reachable()) {
        throw new CliException(
            "a replicator already answers at "
                + client.base()
                + ": one is running for this configuration directory ("
                + dir
                + "). See it with 'ferry services'; stop it with 'ferry replicator stop', or give"
                + " this one another admin.port in "
                + dir.resolve("replicator.conf"));
      }
      Path logFile = log != null ? log : dir.resolve("logs").resolve("replicator.log");
      // The log holds replicated values in its error messages: its owner's only.
      Files.createDirectories(
          logFile.toAbsolutePath().getParent(),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      if (!Files.exists(logFile)) {
        Files.createFile(
            logFile,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      String opts = System.getenv("FERRY_REPLICATOR_JAVA_OPTS");
      if (opts != null && !opts.isBlank()) {
        cmd.addAll(List.of(opts.trim().split("\\s+", -1)));
      }
      cmd.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              "io.ferry.cli.Main",
              "replicator",
              "run",
              "--config-dir",
              dir.toAbsolutePath().toString()));
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      Files.writeString(dir.resolve("replicator.pid"), p.pid() + "\n");
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!client.reachable()) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          p.destroy();
          throw new CliException(
              "the replicator did not start (see " + logFile + "):\n" + tail(logFile));
        }
        Thread.sleep(100);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("replicator started (pid " + p.pid() + "), admin API at " + client.base());
      out.println("log: " + logFile);
      out.flush();
      return 0;
    }
  }

  static String tail(Path f) {
    try {
      List<String> lines = Files.readAllLines(f);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + f + ": " + e.getMessage() + ")";
    }
  }

  /** {@code ferry replicator stop}. */
  @Command(
      name = "stop",
      header = "Stop the replicator: every service offline cleanly, then the process ends.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true)
  public static final class Stop implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Override
    public Integer call() throws InterruptedException {
      AdminClient client = admin.client();
      JsonNode info = client.get("/api/v1/replicator");
      long pid = info.get("pid").asLong();
      client.post("/api/v1/stop", java.util.Map.of());
      long deadline = System.nanoTime() + 180_000_000_000L;
      PrintWriter out = spec.commandLine().getOut();
      if (!isLoopback(client.base())) {
        // another machine's process: all there is to watch is its admin API going away
        while (client.reachable() && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        if (client.reachable()) {
          throw new CliException(
              "the replicator at " + client.base() + " still answers after 3 minutes");
        }
        out.println(
            "replicator at " + client.base() + " (pid " + pid + ") stopped answering: stopped");
        out.flush();
        return 0;
      }
      var handle = ProcessHandle.of(pid);
      while (handle.isPresent() && handle.get().isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      if (handle.isPresent() && handle.get().isAlive()) {
        throw new CliException("the replicator (pid " + pid + ") did not stop within 3 minutes");
      }
      out.println("replicator stopped (pid " + pid + ")");
      out.flush();
      return 0;
    }
  }

  private static boolean isLoopback(String base) {
    try {
      String host = java.net.URI.create(base).getHost();
      return host != null && java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (IllegalArgumentException | java.net.UnknownHostException e) {
      return false;
    }
  }

  /** {@code ferry replicator status}. */
  @Command(
      name = "status",
      header = "Show the replicator: version, pid, services, invalid service files.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {"Exit status: 0 when the replicator answers, 1 when it does not.", ""})
  public static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      JsonNode info = admin.client().get("/api/v1/replicator");
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, info);
        return 0;
      }
      out.println(
          "replicator "
              + info.get("version").asText()
              + ", pid "
              + info.get("pid").asText()
              + ", started "
              + info.get("started").asText());
      out.println("configuration: " + info.get("configDir").asText());
      Table t = new Table("SERVICE", "ROLE", "STATE", "APPLIED SEQNO");
      for (JsonNode s : info.get("services")) {
        t.row(
            s.get("name").asText(),
            s.get("role").asText(),
            s.get("state").asText(),
            s.get("appliedLastSeqno").asText());
      }
      t.print(out, 2);
      info.get("invalidServiceFiles")
          .fields()
          .forEachRemaining(
              e ->
                  out.println("invalid service file " + e.getKey() + ": " + e.getValue().asText()));
      out.flush();
      return 0;
    }
  }

  /** {@code ferry replicator reload}. */
  @Command(
      name = "reload",
      header = "Add new service files, remove deleted ones, restart changed ones.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {"Services whose files did not change keep running undisturbed.", ""})
  public static final class Reload implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Override
    public Integer call() {
      JsonNode r = admin.client().post("/api/v1/reload", java.util.Map.of());
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "added: "
              + r.get("added")
              + ", reloaded: "
              + r.get("reloaded")
              + ", removed: "
              + r.get("removed"));
      r.get("invalid")
          .fields()
          .forEachRemaining(
              e ->
                  out.println("invalid service file " + e.getKey() + ": " + e.getValue().asText()));
      out.flush();
      return r.get("invalid").size() == 0 ? 0 : Cli.EXIT_FAILED;
    }
  }
}
