package io.ferry.cli.ddl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ferry ddl}: schema tools for heterogeneous targets. */
@Command(
    name = "ddl",
    header = "Translate a MariaDB/MySQL schema into a target's DDL.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Heterogeneous targets need their tables before rows arrive: 'ddl translate' writes them"
          + " by the type mapping of docs/type-mapping.md.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {DdlTranslateCommand.class, picocli.CommandLine.HelpCommand.class})
public final class DdlCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
