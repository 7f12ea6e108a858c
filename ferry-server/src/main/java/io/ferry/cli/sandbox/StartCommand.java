package io.ferry.cli.sandbox;

import io.ferry.sandbox.Sandboxes;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry sandbox start}. */
@Command(
    header = "Start the stopped servers of a sandbox.",
    name = "start",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description =
        "Start the stopped servers of a sandbox (all, or one with --server). Servers that run"
            + " already are left alone.")
final class StartCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Parameters(paramLabel = "NAME", description = "The sandbox.")
  String name;

  @Option(names = "--server", paramLabel = "N", description = "Start only server N.")
  Integer server;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    Sandboxes sandboxes = home.sandboxes();
    if (server != null) {
      sandboxes.startServer(name, server);
    } else {
      sandboxes.start(name);
    }
    SandboxViews.printSummary(out, sandboxes.get(name));
  }
}
