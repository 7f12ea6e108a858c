package io.ferry.server.config;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterRegistry;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The filter instances of a service file: every {@code filter.<name>.<key>} line read against the
 * settings its type declares, and the names {@code extract.filters} and {@code apply.filters} list
 * resolved to instances. A name that is a filter type and has no lines of its own is an instance of
 * that type with its defaults ({@code apply.filters = drop-temp}). Problems are collected, each
 * with the file, line and key. Immutable.
 */
final class FilterConfig {
  static final String PREFIX = "filter.";

  /** One line of the file: its text and line number. */
  record Line(String text, int line) {}

  private final Map<String, FilterSettings> instances;
  private final Map<String, Integer> lines;

  private FilterConfig(Map<String, FilterSettings> instances, Map<String, Integer> lines) {
    this.instances = instances;
    this.lines = lines;
  }

  static boolean isFilterKey(String key) {
    return key.startsWith(PREFIX);
  }

  /** An instance by name, or null. */
  FilterSettings instance(String name) {
    return instances.get(name);
  }

  /** The line an instance is declared on (its type line, or its first line), or 0. */
  int line(String name) {
    return lines.getOrDefault(name, 0);
  }

  /**
   * Reads the {@code filter.*} lines and the instances the two lists name, adding every problem to
   * {@code problems}.
   */
  static FilterConfig read(
      Path file,
      Map<String, Line> filterLines,
      Map<FilterContext.Side, List<String>> lists,
      Map<FilterContext.Side, Integer> listLines,
      List<String> problems) {
    FilterRegistry registry = FilterRegistry.installed();
    Map<String, Map<String, Line>> byInstance = new LinkedHashMap<>();
    for (Map.Entry<String, Line> e : filterLines.entrySet()) {
      String rest = e.getKey().substring(PREFIX.length());
      int dot = rest.indexOf('.');
      String name = dot < 0 ? rest : rest.substring(0, dot);
      if (dot <= 0
          || dot == rest.length() - 1
          || !ServiceSettings.FILTER_NAME.matcher(name).matches()) {
        problems.add(
            where(file, e.getValue(), e.getKey())
                + ": expected filter.<name>.<setting>, like filter.app-only.type = replicate");
        continue;
      }
      byInstance
          .computeIfAbsent(name, k -> new LinkedHashMap<>())
          .put(rest.substring(dot + 1), e.getValue());
    }
    Map<String, FilterSettings> instances = new LinkedHashMap<>();
    Map<String, Integer> lines = new HashMap<>();
    for (Map.Entry<String, Map<String, Line>> e : byInstance.entrySet()) {
      FilterSettings s = instance(file, e.getKey(), e.getValue(), registry, problems);
      if (s != null) {
        instances.put(e.getKey(), s);
        Line typeLine = e.getValue().get("type");
        lines.put(
            e.getKey(),
            typeLine != null ? typeLine.line() : e.getValue().values().iterator().next().line());
      }
    }
    List<String> extract = lists.getOrDefault(FilterContext.Side.EXTRACT, List.of());
    for (String name : lists.getOrDefault(FilterContext.Side.APPLY, List.of())) {
      if (extract.contains(name)) {
        problems.add(
            file
                + ":"
                + listLines.getOrDefault(FilterContext.Side.APPLY, 0)
                + ": apply.filters: filter "
                + name
                + " is also in extract.filters; an instance runs on one side (it has its own"
                + " state and counters): declare a second one under another name");
      }
    }
    for (Map.Entry<FilterContext.Side, List<String>> list : lists.entrySet()) {
      for (String name : list.getValue()) {
        if (instances.containsKey(name) || byInstance.containsKey(name)) {
          continue;
        }
        FilterFactory f = registry.get(name);
        String at =
            file + ":" + listLines.getOrDefault(list.getKey(), 0) + ": " + list.getKey().key();
        if (f == null) {
          problems.add(
              at
                  + ": filter "
                  + name
                  + " is not declared: add filter."
                  + name
                  + ".type = <one of "
                  + String.join(", ", registry.types())
                  + "> and its settings");
          continue;
        }
        List<String> missing = requiredSettings(f);
        if (!missing.isEmpty()) {
          problems.add(
              at
                  + ": filter type "
                  + name
                  + " needs settings: declare an instance with filter.<name>.type = "
                  + name
                  + " and "
                  + String.join(", ", missing.stream().map(k -> "filter.<name>." + k).toList()));
          continue;
        }
        instances.put(name, new FilterSettings(name, name, file, Map.of(), Map.of()));
        lines.put(name, listLines.getOrDefault(list.getKey(), 0));
      }
    }
    return new FilterConfig(instances, lines);
  }

  private static FilterSettings instance(
      Path file,
      String name,
      Map<String, Line> keys,
      FilterRegistry registry,
      List<String> problems) {
    Line typeLine = keys.get("type");
    String type = typeLine != null ? typeLine.text() : name;
    FilterFactory factory = registry.get(type);
    if (factory == null) {
      Line at = typeLine != null ? typeLine : keys.values().iterator().next();
      problems.add(
          where(file, at, PREFIX + name + ".type")
              + (typeLine == null
                  ? ": filter " + name + " has no type: add filter." + name + ".type = <type>"
                  : ": unknown filter type '" + type + "'")
              + " (types: "
              + String.join(", ", registry.types())
              + ")");
      return null;
    }
    Map<String, Object> values = new HashMap<>();
    Map<String, String> params = new LinkedHashMap<>();
    int before = problems.size();
    for (Map.Entry<String, Line> e : keys.entrySet()) {
      String key = e.getKey();
      String full = PREFIX + name + "." + key;
      if (key.equals("type")) {
        continue;
      }
      if (key.startsWith("param.") && key.length() > 6) {
        if (factory.takesParams()) {
          params.put(key.substring(6), e.getValue().text());
        } else {
          problems.add(
              where(file, e.getValue(), full)
                  + ": filter type "
                  + type
                  + " takes no param.* settings");
        }
        continue;
      }
      Setting<?> s = setting(factory, key);
      if (s == null) {
        problems.add(
            where(file, e.getValue(), full)
                + ": filter type "
                + type
                + " has no setting "
                + key
                + " (its settings: "
                + String.join(", ", factory.settings().stream().map(Setting::key).toList())
                + (factory.takesParams() ? ", param.*" : "")
                + ")");
        continue;
      }
      Object v;
      try {
        v = s.type().parse(e.getValue().text());
      } catch (IllegalArgumentException ex) {
        problems.add(
            where(file, e.getValue(), full)
                + ": "
                + ex.getMessage()
                + " (expected "
                + s.type().describe()
                + ")");
        continue;
      }
      try {
        if (s.type() == SettingType.PATH) {
          checkFile(file, (Path) v);
        }
        values.put(key, v);
      } catch (IllegalArgumentException ex) {
        problems.add(where(file, e.getValue(), full) + ": " + ex.getMessage());
      }
    }
    for (Setting<?> s : factory.settings()) {
      if (s.required() && s.defaultValue() == null && !keys.containsKey(s.key())) {
        problems.add(
            file
                + ":"
                + keys.values().iterator().next().line()
                + ": "
                + PREFIX
                + name
                + "."
                + s.key()
                + " is required for a "
                + type
                + " filter ("
                + s.description()
                + ")");
      }
    }
    return problems.size() == before ? new FilterSettings(name, type, file, values, params) : null;
  }

  /** A file a filter setting names must be there and readable. */
  private static void checkFile(Path configFile, Path p) {
    Path resolved = Setting.resolve(configFile, p);
    if (!Files.isRegularFile(resolved)) {
      throw new IllegalArgumentException(
          resolved
              + (Files.exists(resolved) ? " is not a regular file" : " does not exist")
              + " (relative paths are read from the directory of the service file)");
    }
    if (!Files.isReadable(resolved)) {
      throw new IllegalArgumentException(resolved + " is not readable by this user");
    }
  }

  private static Setting<?> setting(FilterFactory f, String key) {
    for (Setting<?> s : f.settings()) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    return null;
  }

  private static List<String> requiredSettings(FilterFactory f) {
    List<String> out = new ArrayList<>();
    for (Setting<?> s : f.settings()) {
      if (s.required() && s.defaultValue() == null) {
        out.add(s.key());
      }
    }
    return out;
  }

  private static String where(Path file, Line line, String key) {
    return file + ":" + line.line() + ": " + key;
  }

  /**
   * Configures every listed instance once (scripts are compiled, files read) and releases it,
   * adding what fails to {@code problems} with the instance's line.
   */
  void check(Path file, List<String> names, List<String> problems) {
    FilterRegistry registry = FilterRegistry.installed();
    for (String name : names) {
      FilterSettings s = instances.get(name);
      if (s == null) {
        continue;
      }
      try (Filter f = registry.get(s.type()).create(s)) {
        if (f == null) {
          problems.add(file + ":" + line(name) + ": filter " + name + ": its type made no filter");
        }
      } catch (RuntimeException e) {
        problems.add(
            file
                + ":"
                + line(name)
                + ": filter "
                + name
                + " ("
                + s.type()
                + "): "
                + e.getMessage());
      }
    }
  }

  /** Every file the instances' path settings name (scripts, rename lists), resolved. */
  List<Path> files() {
    List<Path> out = new ArrayList<>();
    FilterRegistry registry = FilterRegistry.installed();
    for (FilterSettings s : instances.values()) {
      FilterFactory f = registry.get(s.type());
      for (Setting<?> setting : f.settings()) {
        if (setting.type() == SettingType.PATH && s.isSet(setting)) {
          @SuppressWarnings("unchecked")
          Setting<Path> p = (Setting<Path>) setting;
          out.add(s.path(p));
        }
      }
    }
    return out;
  }
}
