package io.ferry.cli.sandbox;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ferry sandbox}: private database servers for labs, demos and tests. */
@Command(
    header = "Private MariaDB and PostgreSQL servers for labs, demos and tests.",
    name = "sandbox",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Private MariaDB or PostgreSQL servers on free loopback ports, each under a directory of its"
          + " own, for trying replication, demos and tests. MariaDB servers have the binlog on"
          + " (ROW format, FULL row image and metadata, a unique server_id, strict GTIDs) and"
          + " durable InnoDB; PostgreSQL servers have wal_level=logical. Each sandbox has an"
          + " administrator account, an 'app' account for applications and a 'ferry' account"
          + " with exactly the grants a replicator needs (docs/sandbox.md).",
      "",
      "Servers keep running after this command exits; stop or destroy them when done.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {
      CreateCommand.class,
      ListCommand.class,
      ShowCommand.class,
      StartCommand.class,
      StopCommand.class,
      DestroyCommand.class,
      EnvCommand.class,
      SqlCommand.class,
      picocli.CommandLine.HelpCommand.class
    },
    footerHeading = "%n",
    footer = {
      "Examples:",
      "  ferry sandbox create --name lab --servers 2",
      "  ferry sandbox create --name pg --servers 1 --flavor postgresql",
      "  ferry sandbox create --name new --servers 1 --binaries embedded  # 11.4",
      "  eval \"$(ferry sandbox env lab --server 1)\"; mariadb -e 'SELECT @@server_id'",
      "  ferry sandbox sql lab --server 2 -e 'SHOW BINARY LOGS'",
      "  ferry sandbox destroy lab"
    })
public final class SandboxCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
