package io.ferry.server;

import io.ferry.server.config.ConfigException;
import io.ferry.server.config.ReplicatorSettings;
import io.ferry.server.config.ServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicator process: many services in one JVM, each from its own file in {@code
 * <config-dir>/services/*.conf}, with the replicator's settings in {@code
 * <config-dir>/replicator.conf}. {@link #reload()} adds new service files, takes removed ones
 * offline and away, and restarts changed ones, without touching the others. A file with problems is
 * reported (every problem) and left out; the others run. Thread-safe.
 */
public final class Replicator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

  /** What a reload did. */
  public record ReloadResult(
      List<String> added,
      List<String> removed,
      List<String> reloaded,
      Map<String, String> invalid) {}

  private final Path configDir;
  private final Clock clock;
  private final ServiceConfig settings;
  private final Instant started;
  // Changed only under this object's lock (reload, close); read without it, so that status and
  // control stay answered while a reload or stop takes services offline.
  private final Map<String, Loaded> services = new ConcurrentSkipListMap<>();
  private volatile Map<Path, String> invalid = Map.of();
  private final io.ferry.server.shard.ShardHomes homes;
  private final History history;

  /** A service and the file content it was loaded from. */
  private record Loaded(Service service, Path file, String digest) {}

  public Replicator(Path configDir, Clock clock) {
    this.configDir = configDir;
    this.clock = clock;
    Path file = configDir.resolve("replicator.conf");
    this.settings =
        Files.exists(file)
            ? ServiceConfig.loadReplicator(file)
            : ServiceConfig.loadReplicatorDefaults(file);
    this.started = clock.instant();
    this.homes = openHomes(configDir.resolve(io.ferry.server.shard.ShardHomes.FILE_NAME));
    this.history = new History(this::services, clock);
  }

  /** The last hour of every service, for the console. */
  public History history() {
    return history;
  }

  /** The shard home map in the configuration directory; its problems are configuration errors. */
  private static io.ferry.server.shard.ShardHomes openHomes(Path file) {
    try {
      return io.ferry.server.shard.ShardHomes.open(file);
    } catch (io.ferry.server.shard.HomeMapFile.HomeMapException e) {
      List<String> problems = new ArrayList<>(e.problems());
      problems.add("fix or remove " + file + " (it is written by ferry shard set/remove/load)");
      throw new ConfigException(problems);
    } catch (IllegalStateException e) {
      throw new ConfigException(List.of(e.getMessage()));
    }
  }

  /** The shard home map every service of this replicator enforces. */
  public io.ferry.server.shard.ShardHomes shardHomes() {
    return homes;
  }

  public Path configDir() {
    return configDir;
  }

  public ServiceConfig settings() {
    return settings;
  }

  public Instant started() {
    return started;
  }

  /** Loads every service file and brings the services online (if auto-online). */
  public synchronized ReloadResult start() {
    ReloadResult r = reload();
    history.start();
    return r;
  }

  /** Brings the running set of services in line with the files. */
  public synchronized ReloadResult reload() {
    Map<String, Path> files = new LinkedHashMap<>();
    Map<String, ServiceConfig> configs = new LinkedHashMap<>();
    Map<String, String> digests = new LinkedHashMap<>();
    Map<Path, String> problems = new TreeMap<>();
    for (Path f : serviceFiles()) {
      try {
        ServiceConfig c = ServiceConfig.load(f);
        c.checkFilters(); // scripts compile, files read: a broken filter leaves the file out
        if (files.containsKey(c.name())) {
          problems.put(f, "service " + c.name() + " is also defined in " + files.get(c.name()));
          continue;
        }
        files.put(c.name(), f);
        configs.put(c.name(), c);
        digests.put(c.name(), digest(c));
      } catch (ConfigException e) {
        problems.put(f, e.getMessage());
        LOG.error("service file {} is left out: {}", f, e.getMessage());
      }
    }
    List<String> removed = new ArrayList<>();
    List<String> reloaded = new ArrayList<>();
    List<String> added = new ArrayList<>();
    for (String name : new ArrayList<>(services.keySet())) {
      Loaded l = services.get(name);
      if (!files.containsKey(name) && problems.containsKey(l.file())) {
        // a mistake in the file of a running service does not take the service away
        problems.put(
            l.file(),
            problems.get(l.file())
                + " (service "
                + name
                + " keeps running with the configuration it was loaded with)");
      } else if (!files.containsKey(name)) {
        stopQuietly(l.service());
        services.remove(name);
        removed.add(name);
      } else if (!digests.get(name).equals(l.digest())) {
        Service.State was = l.service().state();
        stopQuietly(l.service());
        Service s = new Service(configs.get(name), clock, homes);
        services.put(name, new Loaded(s, files.get(name), digests.get(name)));
        reloaded.add(name);
        // it comes back as it was: online if it was; a failed one gets another chance with
        // its new file when services go online by themselves; an offline one stays offline
        if (was == Service.State.ONLINE
            || was == Service.State.GOING_ONLINE
            || (was == Service.State.OFFLINE_ERROR && autoOnline())) {
          onlineQuietly(s);
        }
      }
    }
    for (Map.Entry<String, ServiceConfig> e : configs.entrySet()) {
      if (!services.containsKey(e.getKey())) {
        Service s = new Service(e.getValue(), clock, homes);
        services.put(e.getKey(), new Loaded(s, files.get(e.getKey()), digests.get(e.getKey())));
        added.add(e.getKey());
        if (autoOnline()) {
          onlineQuietly(s);
        }
      }
    }
    this.invalid = problems;
    Map<String, String> bad = new LinkedHashMap<>();
    problems.forEach((f, m) -> bad.put(f.toString(), m));
    LOG.info(
        "services: {} added, {} reloaded, {} removed, {} invalid files",
        added,
        reloaded,
        removed,
        bad.size());
    return new ReloadResult(added, removed, reloaded, bad);
  }

  private boolean autoOnline() {
    return settings.get(ReplicatorSettings.AUTO_ONLINE);
  }

  private List<Path> serviceFiles() {
    Path dir = configDir.resolve("services");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".conf")).sorted().toList();
    } catch (IOException e) {
      throw new ConfigException(List.of(dir + ": cannot list: " + e.getMessage()));
    }
  }

  /**
   * What a service was loaded from: its file and the files its filters read (scripts, rename
   * lists), so that a changed script reloads the service like a changed file.
   */
  private static String digest(ServiceConfig c) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(Files.readAllBytes(c.file()));
      for (Path p : c.filterFiles()) {
        md.update(p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update(Files.readAllBytes(p));
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      return "unreadable:" + e.getMessage();
    }
  }

  private void onlineQuietly(Service s) {
    try {
      s.online(Service.OnlineOptions.NONE);
    } catch (ServiceStateException e) {
      LOG.error("service {} could not go online: {}", s.name(), e.getMessage());
    }
  }

  private void stopQuietly(Service s) {
    try {
      s.close();
    } catch (RuntimeException e) {
      LOG.error("service {} did not stop cleanly: {}", s.name(), e.getMessage());
    }
  }

  public List<Service> services() {
    List<Service> list = new ArrayList<>();
    services.values().forEach(l -> list.add(l.service()));
    return list;
  }

  /** The service of that name; a clear error if there is none. */
  public Service service(String name) {
    Loaded l = services.get(name);
    if (l == null) {
      throw new NoSuchServiceException(
          "no service named '"
              + name
              + "' in "
              + configDir.resolve("services")
              + (services.isEmpty() ? "" : "; there are: " + String.join(", ", services.keySet())));
    }
    return l.service();
  }

  /**
   * The service rewrote its own file (setrole): what is on disk now is what it runs, so a reload
   * must not take it for a change.
   */
  public synchronized void fileRewritten(String name) {
    Loaded l = services.get(name);
    if (l != null) {
      String d;
      try {
        d = digest(ServiceConfig.load(l.file()));
      } catch (ConfigException e) {
        d = "invalid:" + e.getMessage(); // the next reload reports it
      }
      services.put(name, new Loaded(l.service(), l.file(), d));
    }
  }

  /** Service files that could not be loaded, with every problem (as of the last reload). */
  public Map<String, String> invalidFiles() {
    Map<String, String> m = new LinkedHashMap<>();
    invalid.forEach((f, msg) -> m.put(f.toString(), msg));
    return m;
  }

  /** Takes every service offline cleanly. */
  @Override
  public synchronized void close() {
    history.close();
    LOG.info("stopping {} services", services.size());
    for (Loaded l : services.values()) {
      stopQuietly(l.service());
    }
  }

  /** No service of that name. */
  public static final class NoSuchServiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoSuchServiceException(String message) {
      super(message);
    }
  }
}
