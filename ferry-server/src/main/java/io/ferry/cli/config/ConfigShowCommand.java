package io.ferry.cli.config;

import io.ferry.cli.CliException;
import io.ferry.cli.Json;
import io.ferry.cli.Table;
import io.ferry.server.config.ConfigException;
import io.ferry.server.config.ServiceConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry config show}. */
@Command(
    name = "show",
    header = "Show a service's effective configuration, secrets masked.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Prints every setting that applies to the service's role: the value from the file or the"
          + " default, and where it came from. Passwords and secrets show as *****.",
      ""
    })
final class ConfigShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "A configuration file.")
  Path file;

  @Option(
      names = "--effective",
      description = "Include defaults (the only mode; accepted for scripts that say it).")
  boolean effective;

  @Option(names = "--json", description = "Print JSON: key to value.")
  boolean json;

  @Override
  public Integer call() {
    ServiceConfig c;
    try {
      c =
          file.getFileName() != null && file.getFileName().toString().equals("replicator.conf")
              ? ServiceConfig.loadReplicator(file)
              : ServiceConfig.load(file);
    } catch (ConfigException e) {
      throw new CliException(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    List<String[]> rows = c.effective();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      for (String[] r : rows) {
        doc.put(r[0], r[1]);
      }
      Json.print(out, doc);
      return 0;
    }
    Table t = new Table("KEY", "VALUE", "FROM");
    rows.forEach(r -> t.row(r[0], r[1], r[2]));
    t.print(out, 0);
    out.flush();
    return 0;
  }
}
