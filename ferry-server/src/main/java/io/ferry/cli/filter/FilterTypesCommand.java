package io.ferry.cli.filter;

import io.ferry.core.config.Setting;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterRegistry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry filter types}. */
@Command(
    name = "types",
    header = "List the filter types this Ferry has, with their settings.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Every filter type (built in, scripted, or added as a plug-in) and what it does; with a"
          + " TYPE, its settings: key, type, default and description.",
      ""
    })
final class FilterTypesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "TYPE", arity = "0..1", description = "Show this type's settings.")
  String type;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    FilterRegistry registry = FilterRegistry.installed();
    if (type == null) {
      int width = registry.types().stream().mapToInt(String::length).max().orElse(8);
      for (FilterFactory f : registry.all()) {
        out.println(f.type() + " ".repeat(width - f.type().length()) + "  " + f.summary());
      }
      out.flush();
      return 0;
    }
    FilterFactory f = registry.get(type);
    if (f == null) {
      throw new io.ferry.cli.CliException(
          "no filter type " + type + "; the types are: " + String.join(", ", registry.types()),
          io.ferry.cli.Cli.EXIT_USAGE);
    }
    out.println(f.type() + ": " + f.summary());
    for (Setting<?> s : f.settings()) {
      out.println();
      out.println(
          "  filter.<name>."
              + s.key()
              + "  ("
              + s.type().describe()
              + (s.defaultValue() != null ? "; default " + s.defaultText() : "")
              + (s.required() && s.defaultValue() == null ? "; required" : "")
              + ")");
      out.println("      " + s.description());
    }
    if (f.takesParams()) {
      out.println();
      out.println("  filter.<name>.param.<key>  (text)");
      out.println("      Free-form settings handed to the filter (a script reads them).");
    }
    out.flush();
    return 0;
  }
}
