package io.ferry.cli.config;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ferry config}: check and show service configuration files. */
@Command(
    name = "config",
    header = "Check service configuration files and show their effective settings.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Every key is declared once with its type, default and description"
          + " (docs/configuration.md); unknown keys and bad values are errors, all reported at"
          + " once with the file, line and key.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {
      ConfigCheckCommand.class,
      ConfigShowCommand.class,
      ConfigTargetsCommand.class,
      picocli.CommandLine.HelpCommand.class
    })
public final class ConfigCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
