package io.ferry.cli.sandbox;

import io.ferry.sandbox.Sandboxes;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry sandbox stop}. */
@Command(
    header = "Stop the servers of a sandbox (cleanly, or --kill).",
    name = "stop",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Stop the servers of a sandbox (all, or one with --server). A clean shutdown: MariaDB gets"
          + " SIGTERM, PostgreSQL a fast shutdown (SIGINT); a server that has not exited after two"
          + " minutes is killed. With --kill the servers get SIGKILL at once, as in a crash"
          + " (InnoDB and PostgreSQL recover at the next start).",
      ""
    })
final class StopCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Parameters(paramLabel = "NAME", description = "The sandbox.")
  String name;

  @Option(names = "--server", paramLabel = "N", description = "Stop only server N.")
  Integer server;

  @Option(names = "--kill", description = "Kill with SIGKILL instead of a clean shutdown.")
  boolean kill;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    Sandboxes sandboxes = home.sandboxes();
    int count = sandboxes.get(name).servers().size();
    int stopped = 0;
    for (int i = 1; i <= count; i++) {
      if (server != null && server != i) {
        continue;
      }
      if (kill ? sandboxes.killServer(name, i) : sandboxes.stopServer(name, i)) {
        stopped++;
      }
    }
    out.printf(
        "%s %d server%s of sandbox '%s'.%n",
        kill ? "Killed" : "Stopped", stopped, stopped == 1 ? "" : "s", name);
  }
}
