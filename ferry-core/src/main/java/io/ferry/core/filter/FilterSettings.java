package io.ferry.core.filter;

import io.ferry.core.config.Setting;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * One filter instance's settings, read and checked: its name, its type, the values of its declared
 * settings, its free-form {@code param.*} settings, and the file it was configured in (relative
 * paths are resolved against that file's directory). Immutable.
 */
public final class FilterSettings {
  private final String name;
  private final String type;
  private final Path configFile;
  private final Map<String, Object> values;
  private final Map<String, String> params;

  public FilterSettings(
      String name,
      String type,
      Path configFile,
      Map<String, Object> values,
      Map<String, String> params) {
    this.name = name;
    this.type = type;
    this.configFile = configFile;
    this.values = Map.copyOf(values);
    this.params = java.util.Collections.unmodifiableMap(new TreeMap<>(params));
  }

  /** An instance with every setting at its default (tests, one-line filters). */
  public static FilterSettings defaults(String name, String type) {
    return new FilterSettings(name, type, null, Map.of(), Map.of());
  }

  /** The same settings with one more value (tests and tools). */
  public <T> FilterSettings with(Setting<T> s, T value) {
    Map<String, Object> copy = new java.util.HashMap<>(values);
    copy.put(s.key(), value);
    return new FilterSettings(name, type, configFile, copy, params);
  }

  /** The same settings with one more free-form parameter. */
  public FilterSettings withParam(String key, String value) {
    Map<String, String> copy = new TreeMap<>(params);
    copy.put(key, value);
    return new FilterSettings(name, type, configFile, values, copy);
  }

  /** The instance name (what the filter lists name, and what dropped seqnos are recorded with). */
  public String name() {
    return name;
  }

  public String type() {
    return type;
  }

  /** The file the instance was configured in, or null. */
  public Path configFile() {
    return configFile;
  }

  /** The value as configured, else the setting's default (null when neither). */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> s) {
    Object v = values.get(s.key());
    return v != null ? (T) v : s.defaultValue();
  }

  public boolean isSet(Setting<?> s) {
    return values.containsKey(s.key());
  }

  /** A path setting resolved against the configuration file's directory; null when unset. */
  public Path path(Setting<Path> s) {
    return Setting.resolve(configFile, get(s));
  }

  /** The free-form {@code param.*} settings, by key without the prefix, sorted. */
  public Map<String, String> params() {
    return params;
  }

  /** The full key of one of this instance's settings, for messages: {@code filter.NAME.KEY}. */
  public String key(String setting) {
    return "filter." + name + "." + setting;
  }

  @Override
  public String toString() {
    return "filter " + name + " (" + type + ")";
  }
}
