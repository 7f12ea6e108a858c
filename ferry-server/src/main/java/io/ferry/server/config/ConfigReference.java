package io.ferry.server.config;

import io.ferry.core.config.Setting;
import java.util.List;

/** Generates docs/configuration.md from the declarations in {@link ServiceSettings}. */
public final class ConfigReference {
  private ConfigReference() {}

  public static String markdown() {
    return markdown(io.ferry.core.filter.FilterRegistry.installed());
  }

  /** The reference, with the settings of the given filter types. */
  public static String markdown(io.ferry.core.filter.FilterRegistry filters) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Service configuration reference\n\n")
        .append(
            "<!-- Generated from ServiceSettings by ConfigReference; do not edit by hand."
                + " ConfigReferenceTest fails when this file is out of date; run it with"
                + " -Dferry.docs.write=true to rewrite it. -->\n\n")
        .append("A service is described by one file of `key = value` lines; blank lines and lines")
        .append(" starting with `#` are ignored. Unknown keys, repeated keys, bad values and")
        .append(" required keys missing for the service's role are errors, all reported at once")
        .append(" with the file and line (`ferry config check FILE`). Relative paths are relative")
        .append(" to the file's directory. Secrets are masked wherever settings are shown")
        .append(" (`ferry config show --effective FILE`).\n\n")
        .append("Roles: **master** (binlog → THL, served to replicas), **slave** (a master's THL")
        .append(" → local THL → target), **direct** (binlog → target), **dummy** (binlog →")
        .append(" nothing, counted).\n\n")
        .append("Types: durations are a number and a unit (`500ms`, `5s`, `10m`, `1h`, `7d`);")
        .append(" sizes are bytes or a number with `k`, `m`, `g` (binary); booleans are")
        .append(" `true`/`false` (`yes`/`no`, `on`/`off`).\n");
    sb.append(
            "\nA replicator's configuration directory holds `replicator.conf` (optional; its keys")
        .append(" are at the end of this page) and one file per service in `services/*.conf`.\n");
    table(sb, ServiceSettings.all());
    sb.append("\n# replicator.conf\n\n")
        .append(
            "The replicator's own settings; every key has a default, so the file is optional.\n");
    table(sb, ReplicatorSettings.all());
    filterTypes(sb, filters);
    return sb.toString();
  }

  private static void filterTypes(StringBuilder sb, io.ferry.core.filter.FilterRegistry filters) {
    sb.append("\n# Filter types\n\n")
        .append("A filter instance is declared in a service file as `filter.<name>.type = TYPE`")
        .append(" plus the type's settings below, written `filter.<name>.KEY`, and listed by")
        .append(" name in `extract.filters` or `apply.filters`. docs/filters.md explains each")
        .append(" type with examples.\n");
    for (io.ferry.core.filter.FilterFactory f : filters.all()) {
      sb.append("\n## ").append(f.type()).append("\n\n").append(f.summary()).append("\n\n");
      if (f.settings().isEmpty() && !f.takesParams()) {
        sb.append("No settings.\n");
        continue;
      }
      sb.append("| key | type | default | description |\n|---|---|---|---|\n");
      for (Setting<?> s : f.settings()) {
        sb.append("| `filter.<name>.")
            .append(s.key())
            .append("` | ")
            .append(escape(s.type().describe()))
            .append(" | ")
            .append(defaultCell(s))
            .append(" | ")
            .append(escape(s.description()))
            .append(" |\n");
      }
      if (f.takesParams()) {
        sb.append("| `filter.<name>.param.KEY` | text | | Free-form settings the script reads")
            .append(" as its settings. |\n");
      }
    }
  }

  private static void table(StringBuilder sb, List<Setting<?>> settings) {
    String section = null;
    for (Setting<?> s : settings) {
      String sec = s.key().substring(0, s.key().indexOf('.'));
      if (!sec.equals(section)) {
        section = sec;
        sb.append("\n## ").append(section).append("\n\n");
        sb.append("| key | type | default | roles | description |\n");
        sb.append("|---|---|---|---|---|\n");
      }
      sb.append("| `")
          .append(s.key())
          .append("` | ")
          .append(escape(s.type().describe()))
          .append(" | ")
          .append(defaultCell(s))
          .append(" | ")
          .append(s.roles().isEmpty() ? "all" : String.join(", ", sorted(s.roles())))
          .append(" | ")
          .append(escape(s.description()))
          .append(s.secret() ? " *Secret: masked in output.*" : "")
          .append(targetTypes(s))
          .append(" |\n");
    }
  }

  /** Which target types read a target key, when not all of them do. */
  private static String targetTypes(io.ferry.core.config.Setting<?> s) {
    java.util.Set<String> owners = TargetSettingsRegistry.owners(s);
    if (owners.isEmpty()) {
      return "";
    }
    return " *target.type: " + String.join(", ", owners) + ".*";
  }

  private static List<String> sorted(java.util.Set<String> roles) {
    return roles.stream().sorted().toList();
  }

  private static String defaultCell(Setting<?> s) {
    if (s.defaultValue() == null) {
      return s.required() ? "**required**" : "";
    }
    return s.defaultText().isEmpty() ? "(empty)" : "`" + s.defaultText() + "`";
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }
}
