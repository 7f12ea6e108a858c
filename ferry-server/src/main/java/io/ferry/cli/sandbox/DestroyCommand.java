package io.ferry.cli.sandbox;

import io.ferry.cli.CliException;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.Sandboxes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry sandbox destroy}. */
@Command(
    header = "Kill a sandbox's servers and delete it, data included.",
    name = "destroy",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description =
        "Kill the servers of sandboxes and delete their directories, data included. There is no"
            + " undo.")
final class DestroyCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "The sandboxes to destroy.")
  List<String> names = new ArrayList<>();

  @Option(names = "--all", description = "Destroy every sandbox in the home directory.")
  boolean all;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    Sandboxes sandboxes = home.sandboxes();
    List<String> targets = new ArrayList<>(names);
    if (all) {
      sandboxes.list().stream().map(Sandbox::name).forEach(targets::add);
      sandboxes.unreadable().keySet().forEach(p -> targets.add(p.getFileName().toString()));
    }
    if (targets.isEmpty()) {
      throw new CliException(
          all
              ? "there are no sandboxes in " + sandboxes.home()
              : "name the sandboxes to destroy, or give --all");
    }
    for (String name : targets.stream().distinct().toList()) {
      sandboxes.destroy(name);
      out.printf("Destroyed sandbox '%s' (%s).%n", name, sandboxes.home().resolve(name));
    }
  }
}
