package io.ferry.cli.setup;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.control.AdminClient;
import io.ferry.cli.control.AdminOptions;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.server.config.ConfigException;
import io.ferry.server.config.ServiceConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry setup}: topologies as presets. */
@Command(
    name = "setup",
    header = "Write the service files of a topology (and start it).",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Each topology becomes service files in the replicator's configuration directory"
          + " (DIR/services/NAME.conf, readable by their owner only: they hold passwords)."
          + " Databases are sandbox servers (NAME:N) or mysql://user:password@host:port."
          + " master-slave and direct connect two databases; all-masters, star, fan-in and"
          + " fan-out are multi-site topologies (one site per server), and take --check for a"
          + " pre-flight of their servers.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {
      SetupCommand.MasterSlave.class,
      SetupCommand.Direct.class,
      Takeover.class,
      TopologyCommands.AllMasters.class,
      TopologyCommands.Star.class,
      TopologyCommands.FanIn.class,
      TopologyCommands.FanOut.class,
      CommandLine.HelpCommand.class
    })
public final class SetupCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every topology takes. */
  static final class Common {
    @Mixin AdminOptions admin;

    @Option(
        names = "--service",
        paramLabel = "NAME",
        description = "The service name (default: alpha).")
    String service = "alpha";

    @Option(
        names = "--sandbox-home",
        paramLabel = "DIR",
        description = "Where sandboxes live, for NAME:N databases.")
    Path sandboxHome;

    @Option(names = "--start", description = "Start the replicator (or reload it, if it runs).")
    boolean start;

    @Option(names = "--force", description = "Overwrite service files that exist.")
    boolean force;

    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description =
            "Where the services keep their files, one directory each (default: service.dir's"
                + " default, /var/lib/ferry/services/NAME as root).")
    Path dataDir;

    @Option(
        names = "--start-at",
        paramLabel = "POSITION",
        description =
            "Where the source is read from the first time: beginning, current (the binlog's end"
                + " when setup runs, written down), file:offset or GTIDs. Default: current.")
    String startAt = "current";
  }

  /** {@code ferry setup master-slave}. */
  @Command(
      name = "master-slave",
      header = "A master service reading one database and a slave service applying to another.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Writes services/NAME.conf (role master: the --master database's binlog into a THL served"
            + " on --port) and services/NAME_slave.conf (role slave: that THL into the --slave"
            + " database), both run by the replicator of --config-dir.",
        ""
      })
  public static final class MasterSlave implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Common common;

    @Option(
        names = "--master",
        required = true,
        paramLabel = "DB",
        description = "The source database.")
    String master;

    @Option(
        names = "--slave",
        required = true,
        paramLabel = "DB",
        description = "The replica database.")
    String slave;

    @Option(
        names = "--port",
        paramLabel = "PORT",
        description = "The master's THL port (default: a free one).")
    Integer port;

    @Option(
        names = "--slave-port",
        paramLabel = "PORT",
        description = "The slave's THL port once it becomes a master (default: a free one).")
    Integer slavePort;

    @Override
    public Integer call() throws Exception {
      Endpoint m = Endpoint.parse(master, common.sandboxHome);
      Endpoint s = Endpoint.parse(slave, common.sandboxHome);
      int thlPort = port != null ? port : freePort();
      String name = common.service;
      List<String> mlines = header(name, "master", common);
      source(mlines, m, common.startAt);
      mlines.add("thl.serve.port = " + thlPort);
      List<String> slines = header(name + "_slave", "slave", common);
      slines.add("master.uri = thl://127.0.0.1:" + thlPort);
      target(slines, s);
      slines.add("# the port it serves its THL on once it is a master (setrole, switchover)");
      slines.add("thl.serve.port = " + (slavePort != null ? slavePort : freePort()));
      return write(spec, common, List.of(name, name + "_slave"), List.of(mlines, slines));
    }
  }

  /** {@code ferry setup direct}. */
  @Command(
      name = "direct",
      header = "One direct service: a database's binlog applied straight to another database.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "For migrations, and for rescuing the transactions in a dead master's binlog.",
        ""
      })
  public static final class Direct implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Common common;

    @Option(
        names = {"--source", "--master"},
        required = true,
        paramLabel = "DB",
        description =
            "The MariaDB/MySQL database read: a sandbox server (NAME:N) or"
                + " mysql://user:password@host:port.")
    String source;

    @Option(
        names = "--target",
        required = true,
        paramLabel = "DB",
        description =
            "The database written: a sandbox server (MariaDB or PostgreSQL),"
                + " mysql://user:password@host:port, postgresql://user:password@host:port/database,"
                + " warehouse+postgresql://..., duckdb:PATH, kafka://host:port or mongodb://host:port"
                + " (ferry config targets lists the target types).")
    String target;

    @Override
    public Integer call() throws Exception {
      Endpoint src = Endpoint.parse(source, common.sandboxHome);
      TargetAddress dst = TargetAddress.parse(target, common.sandboxHome);
      List<String> lines = header(common.service, "direct", common);
      source(lines, src, common.startAt);
      lines.addAll(dst.lines());
      return write(spec, common, List.of(common.service), List.of(lines));
    }
  }

  static List<String> header(String name, String role, Common common) {
    List<String> lines = new ArrayList<>();
    lines.add("# Written by ferry setup; see docs/configuration.md for every key.");
    lines.add("service.name = " + name);
    lines.add("service.role = " + role);
    if (common.dataDir != null) {
      lines.add("service.dir = " + common.dataDir.toAbsolutePath().resolve(name));
    }
    return lines;
  }

  static void source(List<String> lines, Endpoint e, String start) {
    lines.add("source.host = " + e.host());
    lines.add("source.port = " + e.port());
    lines.add("source.user = " + e.user());
    lines.add("source.password = " + e.password());
    lines.add("source.start = " + resolve(e, start));
  }

  /**
   * "current" means now, when the topology is set up: the binlog's end at this moment is written
   * down, so what is committed after setup is replicated however late the services start.
   */
  static String resolve(Endpoint e, String start) {
    if (!start.equalsIgnoreCase("current")) {
      return start;
    }
    try {
      SourceSettings s = SourceSettings.of(e.host(), e.port(), e.user(), e.password());
      var head = SourceProbe.probe(s).head();
      return head.file() + ":" + head.offset();
    } catch (RuntimeException ex) {
      return "current"; // not reachable now: the service starts at the end when it first runs
    }
  }

  static void target(List<String> lines, Endpoint e) {
    lines.add("target.host = " + e.host());
    lines.add("target.port = " + e.port());
    lines.add("target.user = " + e.user());
    lines.add("target.password = " + e.password());
  }

  static int write(CommandSpec spec, Common common, List<String> names, List<List<String>> contents)
      throws IOException, InterruptedException {
    Path dir = common.admin.configDir().resolve("services");
    Files.createDirectories(dir);
    PrintWriter out = spec.commandLine().getOut();
    List<Path> files = new ArrayList<>();
    for (String n : names) {
      Path f = dir.resolve(n + ".conf");
      if (Files.exists(f) && !common.force) {
        throw new CliException(f + " exists: use --force to overwrite it, or another --service");
      }
      files.add(f);
    }
    for (int i = 0; i < files.size(); i++) {
      try {
        ServiceConfig.parse(files.get(i), contents.get(i));
      } catch (ConfigException e) {
        throw new CliException(e.getMessage(), Cli.EXIT_USAGE);
      }
      try {
        ServiceConfig.writePrivate(files.get(i), contents.get(i));
      } catch (java.io.UncheckedIOException e) {
        throw new CliException(e.getMessage());
      }
      out.println("wrote " + files.get(i));
    }
    if (common.start) {
      AdminClient client = common.admin.client();
      if (client.reachable()) {
        client.post("/api/v1/reload", java.util.Map.of());
        out.println("replicator reloaded: " + String.join(", ", names) + " going online");
      } else {
        out.flush();
        int code =
            Cli.run(
                new String[] {
                  "replicator", "start", "--config-dir", common.admin.configDir().toString()
                },
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
        if (code != 0) {
          return code;
        }
      }
    } else {
      out.println(
          "start them with: ferry replicator start --config-dir " + common.admin.configDir());
    }
    out.flush();
    return 0;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
