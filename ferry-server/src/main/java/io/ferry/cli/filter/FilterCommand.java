package io.ferry.cli.filter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ferry filter}: the filter types, and trying a service's filters on real transactions. */
@Command(
    name = "filter",
    header = "List filter types, and try a service's filters before they go live.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Filters pass, change or drop transactions: extract.filters before the THL, apply.filters"
          + " before the target (docs/filters.md).",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {
      FilterTestCommand.class,
      FilterTypesCommand.class,
      picocli.CommandLine.HelpCommand.class
    },
    footerHeading = "%n",
    footer = {
      "Examples:",
      "  ferry filter types",
      "  ferry filter test --config /etc/ferry/services/beta.conf --thl /var/lib/ferry/alpha/thl"
          + " --low 100 --high 120",
      "  ferry filter test --config beta.conf --thl thl --seqno 42 --json"
    })
public final class FilterCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
