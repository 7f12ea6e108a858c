package io.ferry.cli.sandbox;

import io.ferry.cli.Json;
import io.ferry.cli.Table;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.Sandboxes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry sandbox list}. */
@Command(
    header = "List the sandboxes, their ports and state.",
    name = "list",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = "List the sandboxes with their servers' ports and state.")
final class ListCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Option(names = "--json", description = "Print the sandboxes as JSON.")
  boolean json;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    Sandboxes sandboxes = home.sandboxes();
    List<Sandbox> all = sandboxes.list();
    Map<Path, String> broken = sandboxes.unreadable();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("home", sandboxes.home().toString());
      doc.put("sandboxes", all.stream().map(SandboxViews::document).toList());
      doc.put(
          "unreadable",
          broken.entrySet().stream()
              .map(e -> Map.of("directory", e.getKey().toString(), "problem", e.getValue()))
              .toList());
      Json.print(out, doc);
      return;
    }
    if (all.isEmpty() && broken.isEmpty()) {
      out.println("No sandboxes in " + sandboxes.home() + ".");
      out.println("Create one with: ferry sandbox create --name lab --servers 2");
      return;
    }
    Table table =
        new Table("NAME", "FLAVOR", "VERSION", "SERVERS", "RUNNING", "PORTS", "DIRECTORY");
    for (Sandbox sandbox : all) {
      table.row(
          sandbox.name(),
          sandbox.flavor().id(),
          sandbox.descriptor().serverVersion(),
          sandbox.servers().size(),
          sandbox.runningCount(),
          sandbox.servers().stream()
              .map(s -> Integer.toString(s.port()))
              .collect(Collectors.joining(",")),
          sandbox.dir());
    }
    if (!table.isEmpty()) {
      table.print(out, 0);
    }
    for (Map.Entry<Path, String> entry : broken.entrySet()) {
      out.println("unreadable: " + entry.getKey() + ": " + entry.getValue());
    }
  }
}
