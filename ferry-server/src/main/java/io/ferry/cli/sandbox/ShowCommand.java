package io.ferry.cli.sandbox;

import io.ferry.cli.Json;
import io.ferry.sandbox.Sandbox;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry sandbox show}. */
@Command(
    header = "Show one sandbox's servers, ports, processes and directories.",
    name = "show",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = "Show one sandbox: its servers, ports, process ids and directories.")
final class ShowCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Parameters(paramLabel = "NAME", description = "The sandbox.")
  String name;

  @Option(names = "--json", description = "Print the sandbox as JSON.")
  boolean json;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    Sandbox sandbox = home.sandboxes().get(name);
    if (json) {
      Json.print(out, SandboxViews.document(sandbox));
    } else {
      SandboxViews.printSummary(out, sandbox);
    }
  }
}
