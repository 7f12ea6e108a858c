package io.ferry.cli.thl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ferry thl}: read and maintain a transaction history log. */
@Command(
    name = "thl",
    header = "Read, check and maintain a transaction history log (THL).",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "A THL is the durable, seqno-ordered log of transactions every Ferry service keeps: a"
          + " directory of checksummed segment files with sparse indexes (docs/thl-format.md)."
          + " list, info and check only read, and are safe while a service writes the log;"
          + " index --rebuild and purge change it, and refuse while a service uses it.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {
      ThlListCommand.class,
      ThlInfoCommand.class,
      ThlCheckCommand.class,
      ThlIndexCommand.class,
      ThlPurgeCommand.class,
      picocli.CommandLine.HelpCommand.class
    },
    footerHeading = "%n",
    footer = {
      "Examples:",
      "  ferry thl info --dir /var/lib/ferry/thl/alpha",
      "  ferry thl list --dir /var/lib/ferry/thl/alpha --low 100 --high 120",
      "  ferry thl list --dir /var/lib/ferry/thl/alpha --seqno 42 --sql",
      "  ferry thl check --dir /var/lib/ferry/thl/alpha",
      "  ferry thl purge --dir /var/lib/ferry/thl/alpha --before 5000 --yes"
    })
public final class ThlCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
