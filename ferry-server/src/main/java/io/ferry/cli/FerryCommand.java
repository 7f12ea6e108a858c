package io.ferry.cli;

import io.ferry.cli.config.ConfigCommand;
import io.ferry.cli.control.ControlCommands;
import io.ferry.cli.control.StatusCommand;
import io.ferry.cli.replicator.ReplicatorCommand;
import io.ferry.cli.sandbox.SandboxCommand;
import io.ferry.cli.service.ServiceCommand;
import io.ferry.cli.setup.SetupCommand;
import io.ferry.cli.thl.ThlCommand;
import io.ferry.core.FerryVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code ferry} command: replication services, their logs, and sandboxes to try them on. */
@Command(
    name = "ferry",
    header = "Ferry, a database replication engine.",
    mixinStandardHelpOptions = true,
    versionProvider = FerryCommand.Version.class,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Ferry replicates committed transactions from MariaDB/MySQL into its own durable,"
          + " globally numbered transaction history log (THL) and applies them to other"
          + " databases.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {
      ReplicatorCommand.class,
      ControlCommands.Services.class,
      StatusCommand.class,
      ControlCommands.Online.class,
      ControlCommands.Offline.class,
      ControlCommands.OfflineDeferred.class,
      ControlCommands.Wait.class,
      ControlCommands.Heartbeat.class,
      ControlCommands.Setrole.class,
      ControlCommands.Reset.class,
      io.ferry.cli.control.HandbackCommand.class,
      io.ferry.cli.shard.ShardCommand.class,
      SetupCommand.class,
      io.ferry.cli.conflicts.ConflictsCommand.class,
      io.ferry.cli.check.CheckCommand.class,
      io.ferry.cli.check.RepairCommand.class,
      io.ferry.cli.check.ProvisionCommand.class,
      io.ferry.cli.backup.BackupCommand.class,
      io.ferry.cli.backup.RestoreCommand.class,
      ServiceCommand.class,
      ConfigCommand.class,
      io.ferry.cli.ddl.DdlCommand.class,
      ThlCommand.class,
      io.ferry.cli.analyze.AnalyzeCommand.class,
      io.ferry.cli.rescue.RescueCommand.class,
      io.ferry.cli.filter.FilterCommand.class,
      SandboxCommand.class,
      picocli.CommandLine.HelpCommand.class
    },
    footerHeading = "%n",
    footer = {
      "Examples:",
      "  ferry sandbox create --name lab --servers 2    two private MariaDB servers",
      "  ferry sandbox env lab                          print their connection settings",
      "  ferry replicator start                         run the services of /etc/ferry",
      "  ferry status                                   a service at a glance",
      "  ferry online -until-seqno 1200                 batch: apply up to 1200, then stop",
      "  ferry wait -state OFFLINE -limit 600           wait for it, in a script",
      "  ferry service run --config alpha.conf          run one service in the foreground",
      "  ferry config check alpha.conf                  check a service's configuration",
      "  ferry thl list --dir DIR --seqno 42 --sql      one transaction of a log, as SQL",
      "  ferry sandbox create --help                    help for one command",
      "",
      "Environment:",
      "  FERRY_CONFIG_DIR    the replicator's configuration directory (default:",
      "                      /etc/ferry as root, ~/.config/ferry otherwise)",
      "  FERRY_ADMIN, FERRY_ADMIN_TOKEN  the admin API's address and token",
      "  FERRY_SANDBOX_HOME  where sandboxes live (default: /var/lib/ferry/sandboxes",
      "                      as root, ~/.local/share/ferry/sandboxes otherwise)",
      "  FERRY_CACHE_DIR     unpacked server binaries and data-directory templates",
      "                      (default: /var/cache/ferry as root, ~/.cache/ferry)",
      "  FERRY_JAVA_OPTS     extra JVM options for the ferry launcher",
      "",
      "Exit status: 0 success, 1 the command failed (the message says why),",
      "             2 wrong usage.",
      "Documentation: docs/ in the distribution; start with docs/architecture.md."
    })
public final class FerryCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Log what Ferry does, and print stack traces of failures.")
  void setVerbose(boolean verbose) {
    Cli.setVerbose(verbose);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reports the build's version and the Java runtime. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "ferry " + FerryVersion.version(),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")"
      };
    }
  }
}
