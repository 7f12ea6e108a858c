package io.ferry.server.config;

import io.ferry.core.config.Setting;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.filter.FilterSettings;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service's configuration file, read and checked. The file has one {@code key = value} per line;
 * blank lines and lines starting with {@code #} are ignored. Every problem (a malformed line, an
 * unknown or repeated key, a bad value, a required key missing for the role) is collected and
 * reported at once, each with the file, line and key. Immutable once loaded.
 */
public final class ServiceConfig implements io.ferry.core.config.PluginConfig {
  /** A key's value as written, and where. */
  private record Entry(String text, int line) {}

  private final Path file;
  private final List<Setting<?>> registry;
  private final Map<String, Object> values;
  private final Map<String, Entry> entries;
  private final FilterConfig filters;

  private ServiceConfig(
      Path file,
      List<Setting<?>> registry,
      Map<String, Object> values,
      Map<String, Entry> entries,
      FilterConfig filters) {
    this.file = file;
    this.registry = registry;
    this.values = values;
    this.entries = entries;
    this.filters = filters;
  }

  public Path file() {
    return file;
  }

  /** Reads and checks a service's file. */
  public static ServiceConfig load(Path file) {
    return load(file, ServiceSettings.all());
  }

  /** Reads and checks the replicator's file ({@link ReplicatorSettings}). */
  public static ServiceConfig loadReplicator(Path file) {
    return load(file, ReplicatorSettings.all());
  }

  /** The replicator's settings when it has no file: every default. */
  public static ServiceConfig loadReplicatorDefaults(Path file) {
    return parse(file, List.of(), ReplicatorSettings.all());
  }

  private static ServiceConfig load(Path file, List<Setting<?>> registry) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      throw new ConfigException(List.of(file + ": not UTF-8 text"));
    } catch (IOException e) {
      throw new ConfigException(List.of(unreadable(file, e)));
    }
    return parse(file, lines, registry);
  }

  /** Why a configuration file cannot be read, and what to do. */
  static String unreadable(Path file, IOException e) {
    if (Files.isDirectory(file)) {
      return file
          + ": is a directory, not a service file; name a file in it (like "
          + file.resolve("NAME.conf")
          + "), or give the directory with --config-dir where a command takes one";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      Path parent = file.toAbsolutePath().getParent();
      return file
          + ": no such file"
          + (parent != null && !Files.isDirectory(parent)
              ? " (nor its directory " + parent + ")"
              : "")
          + "; check the path, or write the file ('ferry setup' writes service files)";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return file + ": permission denied; run as the user that owns it, or fix its permissions";
    }
    return file + ": cannot read: " + e.getMessage();
  }

  /** Checks a service's lines as if read from {@code file} (for tests and generated files). */
  public static ServiceConfig parse(Path file, List<String> lines) {
    return parse(file, lines, ServiceSettings.all());
  }

  private static Setting<?> byKey(List<Setting<?>> registry, String key) {
    for (Setting<?> s : registry) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    return null;
  }

  private static ServiceConfig parse(Path file, List<String> lines, List<Setting<?>> registry) {
    List<String> problems = new ArrayList<>();
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      int n = i + 1;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        problems.add(file + ":" + n + ": expected key = value, found '" + shorten(line) + "'");
        continue;
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      Entry earlier = entries.get(key);
      if (earlier != null) {
        problems.add(
            file + ":" + n + ": " + key + " is set again (first set on line " + earlier.line + ")");
        continue;
      }
      entries.put(key, new Entry(value, n));
    }
    Map<String, Object> values = new HashMap<>();
    Map<String, FilterConfig.Line> filterLines = new LinkedHashMap<>();
    boolean service =
        registry.contains(ServiceSettings.ROLE); // a service file, not the replicator's
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      if (service && FilterConfig.isFilterKey(e.getKey())) {
        filterLines.put(e.getKey(), new FilterConfig.Line(e.getValue().text, e.getValue().line));
        continue;
      }
      Setting<?> s = byKey(registry, e.getKey());
      String where = file + ":" + e.getValue().line + ": " + e.getKey();
      if (s == null) {
        problems.add(where + ": unknown key" + suggestion(registry, e.getKey()));
        continue;
      }
      try {
        values.put(s.key(), s.type().parse(e.getValue().text));
      } catch (IllegalArgumentException ex) {
        problems.add(where + ": " + ex.getMessage() + " (expected " + s.type().describe() + ")");
      }
    }
    Object role = values.get(ServiceSettings.ROLE.key());
    for (Setting<?> s : registry) {
      boolean relevant = role == null ? s.roles().isEmpty() : s.appliesTo((String) role);
      if (relevant && s.required() && s.defaultValue() == null && !entries.containsKey(s.key())) {
        problems.add(
            file
                + ": "
                + s.key()
                + " is required"
                + (s.roles().isEmpty() ? "" : " for a " + role + " service")
                + " ("
                + s.description()
                + ")");
      }
    }
    FilterConfig filters =
        service ? readFilters(file, entries, values, filterLines, problems) : null;
    ServiceConfig config = new ServiceConfig(file, registry, values, entries, filters);
    if (service && role != null) {
      problems.addAll(config.targetProblems());
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    if (service) {
      config.shardMap(); // its problems, all at once, with file and line
    }
    return config;
  }

  /** The filter lists and instances; settings that do not apply to the role are refused. */
  private static FilterConfig readFilters(
      Path file,
      Map<String, Entry> entries,
      Map<String, Object> values,
      Map<String, FilterConfig.Line> filterLines,
      List<String> problems) {
    Object role = values.get(ServiceSettings.ROLE.key());
    for (Setting<?> s :
        List.of(
            ServiceSettings.EXTRACT_FILTERS,
            ServiceSettings.APPLY_FILTERS,
            ServiceSettings.APPLY_DELAY)) {
      Entry e = entries.get(s.key());
      if (e != null && role != null && !s.appliesTo((String) role)) {
        // a filter the role never runs would be ignored in silence: refuse it instead
        problems.add(
            file
                + ":"
                + e.line
                + ": "
                + s.key()
                + " does not apply to a "
                + role
                + " service (it applies to "
                + String.join(", ", new java.util.TreeSet<>(s.roles()))
                + ")");
        values.remove(s.key());
      }
    }
    Map<FilterContext.Side, List<String>> lists = new java.util.EnumMap<>(FilterContext.Side.class);
    Map<FilterContext.Side, Integer> lines = new java.util.EnumMap<>(FilterContext.Side.class);
    for (FilterContext.Side side : FilterContext.Side.values()) {
      Setting<List<String>> list = ServiceSettings.filterList(side);
      if (values.containsKey(list.key())) {
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) values.get(list.key());
        lists.put(side, names);
        lines.put(side, entries.get(list.key()).line);
      }
    }
    return FilterConfig.read(file, filterLines, lists, lines, problems);
  }

  /**
   * The filter instances of one side, in the order the list names them (empty when the role has no
   * such side).
   */
  public List<FilterSettings> filters(FilterContext.Side side) {
    Setting<List<String>> list = ServiceSettings.filterList(side);
    if (filters == null || !list.appliesTo(role())) {
      return List.of();
    }
    List<FilterSettings> out = new ArrayList<>();
    for (String name : get(list)) {
      out.add(filters.instance(name));
    }
    return out;
  }

  /**
   * The target type of a service that applies, or null for the roles that do not; an unknown type
   * is a {@link ConfigException} that lists the registered ones.
   */
  public io.ferry.core.target.TargetType targetType() {
    if (!ServiceSettings.TARGET_TYPE.appliesTo(role())) {
      return null;
    }
    try {
      return io.ferry.core.target.TargetTypes.named(
          get(ServiceSettings.TARGET_TYPE), where(ServiceSettings.TARGET_TYPE));
    } catch (io.ferry.core.target.TargetException e) {
      throw new ConfigException(List.of(e.getMessage()));
    }
  }

  /**
   * The target type's keys: another type's keys are refused, parallel apply needs a type that has
   * it, and the type checks its own settings; every problem, with file and line.
   */
  private List<String> targetProblems() {
    io.ferry.core.target.TargetType type;
    try {
      type = targetType();
    } catch (ConfigException e) {
      return e.problems();
    }
    if (type == null) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      Setting<?> s = byKey(registry, e.getKey());
      if (s != null && !TargetSettingsRegistry.readBy(s, type.name())) {
        java.util.Set<String> owners = TargetSettingsRegistry.owners(s);
        problems.add(
            where(s)
                + ": does not apply to target.type = "
                + type.name()
                + (owners.isEmpty()
                    ? ""
                    : " (it is read by target.type " + String.join(", ", owners) + ")")
                + "; remove it, or set target.type to the type it belongs to");
      }
    }
    int channels = get(ParallelApplySettings.APPLY_CHANNELS);
    if (channels > 1 && !type.parallel()) {
      problems.add(
          where(ParallelApplySettings.APPLY_CHANNELS)
              + ": target.type = "
              + type.name()
              + " applies on one channel; remove apply.channels (parallel apply is for"
              + " target types that support it: "
              + io.ferry.core.target.TargetTypes.all().values().stream()
                  .filter(io.ferry.core.target.TargetType::parallel)
                  .map(io.ferry.core.target.TargetType::name)
                  .collect(java.util.stream.Collectors.joining(", "))
              + ")");
    }
    problems.addAll(type.check(this));
    return problems;
  }

  /**
   * The shard map of parallel apply (apply.shard-map or apply.shards); every problem, with file and
   * line, as a {@link ConfigException}.
   */
  public io.ferry.core.parallel.ShardMap shardMap() {
    return ParallelConfig.shardMap(
        this, key -> entries.containsKey(key) ? entries.get(key).line : 0);
  }

  /**
   * Configures every listed filter once (scripts compiled, files read) and releases it; what fails
   * is a {@link ConfigException} with the file and line of each instance.
   */
  public void checkFilters() {
    if (filters == null) {
      return;
    }
    List<String> problems = new ArrayList<>();
    for (FilterContext.Side side : FilterContext.Side.values()) {
      List<String> names = filters(side).stream().map(FilterSettings::name).toList();
      filters.check(file, names, problems);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /** The files the filters read (scripts, rename lists): a change to one is a change. */
  public List<Path> filterFiles() {
    return filters == null ? List.of() : filters.files();
  }

  /**
   * A file with some keys changed (replaced where set, appended otherwise), checked but not yet
   * written: {@link Rewrite#write()} puts it in place, so that whatever else must succeed first can
   * run before the file changes.
   */
  public static Rewrite rewrite(Path file, Map<String, String> changes) {
    List<String> lines;
    try {
      lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException(List.of(unreadable(file, e)));
    }
    Map<String, String> left = new LinkedHashMap<>(changes);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      int eq = line.indexOf('=');
      if (line.startsWith("#") || eq <= 0) {
        continue;
      }
      String key = line.substring(0, eq).strip();
      if (left.containsKey(key)) {
        lines.set(i, key + " = " + left.remove(key));
      }
    }
    left.forEach((k, v) -> lines.add(k + " = " + v));
    return new Rewrite(parse(file, lines, ServiceSettings.all()), lines);
  }

  /** A checked new version of a service's file. */
  public record Rewrite(ServiceConfig config, List<String> lines) {
    /** Replaces the file atomically; it stays readable by its owner only (it holds passwords). */
    public void write() {
      writePrivate(config.file(), lines);
    }
  }

  /**
   * Writes a file that may hold passwords: created readable and writable by its owner only (no
   * moment with wider permissions), then moved over the target in one step.
   */
  public static void writePrivate(Path file, List<String> lines) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      try {
        Files.createFile(
            tmp,
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(tmp); // a file system without POSIX permissions
      }
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // not a mistake in the file: the machine refused to write it
      throw new java.io.UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
    }
  }

  /** The text of a key as written in the file, or null. */
  public String text(Setting<?> s) {
    Entry e = entries.get(s.key());
    return e == null ? null : e.text;
  }

  /** The value: as set in the file, else the default (null when neither). */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> s) {
    Object v = values.get(s.key());
    return v != null ? (T) v : s.defaultValue();
  }

  @Override
  public boolean isSet(Setting<?> s) {
    return values.containsKey(s.key());
  }

  /** A path setting resolved against the file's directory; null when unset without default. */
  @Override
  public Path path(Setting<Path> s) {
    return Setting.resolve(file, get(s));
  }

  @Override
  public String role() {
    return get(ServiceSettings.ROLE);
  }

  public String name() {
    return get(ServiceSettings.NAME);
  }

  @Override
  public String service() {
    return name();
  }

  @Override
  public String where(Setting<?> s) {
    Entry e = entries.get(s.key());
    return file + (e == null ? "" : ":" + e.line) + ": " + s.key();
  }

  /** Where the service keeps its files: service.dir, or the default for its name. */
  @Override
  public Path serviceDir() {
    return isSet(ServiceSettings.DIR) ? path(ServiceSettings.DIR) : defaultDir(name());
  }

  /** The default service directory of a service of that name. */
  public static Path defaultDir(String name) {
    boolean root = "root".equals(System.getProperty("user.name"));
    return root
        ? Path.of("/var/lib/ferry/services", name)
        : Path.of(System.getProperty("user.home"), ".local/share/ferry/services", name);
  }

  /** Whether a setting means something for this service: its role, and its target type. */
  private boolean applies(Setting<?> s) {
    if (!s.appliesTo(role())) {
      return false;
    }
    Object type =
        ServiceSettings.TARGET_TYPE.appliesTo(role()) ? get(ServiceSettings.TARGET_TYPE) : null;
    return type == null || TargetSettingsRegistry.readBy(s, (String) type);
  }

  /** One line per setting that applies to the role: key, value (secrets masked), origin. */
  public List<String[]> effective() {
    List<String[]> rows = new ArrayList<>();
    for (Setting<?> s : registry) {
      if (!applies(s)) {
        continue;
      }
      rows.add(
          new String[] {
            s.key(), display(s), isSet(s) ? "line " + entries.get(s.key()).line : "default"
          });
    }
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      if (filters != null && FilterConfig.isFilterKey(e.getKey())) {
        boolean secret = e.getKey().matches("(?i).*(password|secret|token).*");
        rows.add(
            new String[] {
              e.getKey(), secret ? "*****" : e.getValue().text, "line " + e.getValue().line
            });
      }
    }
    return rows;
  }

  private <T> String display(Setting<T> s) {
    T v = get(s);
    if (v == null) {
      return "";
    }
    String text = s.type().format(v);
    return s.secret() && !text.isEmpty() ? "*****" : text;
  }

  private static String suggestion(List<Setting<?>> registry, String key) {
    Setting<?> best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Setting<?> s : registry) {
      int d = distance(key, s.key());
      if (d < bestDistance) {
        bestDistance = d;
        best = s;
      }
    }
    return best != null && bestDistance <= Math.max(2, key.length() / 4)
        ? " (did you mean " + best.key() + "?)"
        : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
