package io.ferry.cli.config;

import io.ferry.cli.Cli;
import io.ferry.server.config.ConfigException;
import io.ferry.server.config.ServiceConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry config check}. */
@Command(
    name = "check",
    header = "Check service configuration files.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Reads each file and reports every problem: malformed lines, unknown or repeated keys,"
          + " bad values, required keys missing for the service's role.",
      "",
      "Exit status: 0 when every file is valid, 1 otherwise.",
      ""
    })
final class ConfigCheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Configuration files.")
  List<Path> files;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int bad = 0;
    for (Path f : files) {
      try {
        if (f.getFileName() != null && f.getFileName().toString().equals("replicator.conf")) {
          ServiceConfig.loadReplicator(f);
          out.printf("%s: valid (replicator settings)%n", f);
          continue;
        }
        ServiceConfig c = ServiceConfig.load(f);
        c.checkFilters();
        out.printf("%s: valid (%s service %s)%n", f, c.role(), c.name());
      } catch (ConfigException e) {
        bad++;
        for (String p : e.problems()) {
          err.println(p);
        }
      }
    }
    out.flush();
    err.flush();
    return bad == 0 ? Cli.EXIT_OK : Cli.EXIT_FAILED;
  }
}
