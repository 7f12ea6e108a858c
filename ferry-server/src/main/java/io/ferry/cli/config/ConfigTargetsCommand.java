package io.ferry.cli.config;

import io.ferry.cli.Json;
import io.ferry.cli.Table;
import io.ferry.core.config.Setting;
import io.ferry.core.target.TargetType;
import io.ferry.core.target.TargetTypes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry config targets}: the registered target types and their settings. */
@Command(
    name = "targets",
    header = "List the target types this build has (target.type) and the settings each reads.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Each target type is a plug-in found on the class path. Its shared keys (target.host, ...)"
          + " and its own keys (target.<type>.*) are listed with their defaults; docs/targets.md"
          + " describes each type.",
      ""
    })
final class ConfigTargetsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print JSON: type to description and keys.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      for (TargetType t : TargetTypes.all().values()) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("description", t.description());
        x.put("parallel", t.parallel());
        x.put("keys", keys(t).stream().map(Setting::key).toList());
        x.put("ddlDialects", t.translators().stream().map(d -> d.dialect()).toList());
        doc.put(t.name(), x);
      }
      Json.print(out, doc);
      return 0;
    }
    for (TargetType t : TargetTypes.all().values()) {
      out.println(t.name() + ": " + t.description());
      Table table = new Table("KEY", "DEFAULT", "DESCRIPTION");
      for (Setting<?> s : keys(t)) {
        String d = s.description();
        table.row(s.key(), s.defaultText(), d.length() > 90 ? d.substring(0, 87) + "..." : d);
      }
      table.print(out, 2);
      out.println();
    }
    out.flush();
    return 0;
  }

  private static List<Setting<?>> keys(TargetType t) {
    List<Setting<?>> all = new ArrayList<>(t.sharedSettings());
    all.addAll(t.settings());
    return all;
  }
}
