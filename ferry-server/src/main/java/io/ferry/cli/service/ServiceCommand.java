package io.ferry.cli.service;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ferry service}: run a replication service. */
@Command(
    name = "service",
    header = "Run a replication service in the foreground.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "A service is one replication flow (master, slave, direct or dummy) described by a"
          + " configuration file (docs/configuration.md).",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {ServiceRunCommand.class, picocli.CommandLine.HelpCommand.class})
public final class ServiceCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
