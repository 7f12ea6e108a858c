package io.ferry.sandbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandboxes under one home directory: create, list, start, stop, destroy, and sweep the stale
 * ones whose owning process died. Thread-safe: operations on one sandbox are serialized by a lock
 * file under {@code <home>/.locks}, which also serializes them across processes.
 */
public final class Sandboxes {
  private static final Logger LOG = LoggerFactory.getLogger(Sandboxes.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");
  private static final String DESCRIPTOR = "sandbox.json";

  /** Longest unix socket path Linux accepts (sun_path is 108 bytes with the terminating NUL). */
  private static final int MAX_SOCKET_PATH = 107;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path home;
  private final Binaries binaries;

  public Sandboxes(Path home, Binaries binaries) {
    this.home = home.toAbsolutePath().normalize();
    this.binaries = binaries;
  }

  /** Sandboxes under {@link #defaultHome()} with binaries cached in the default cache. */
  public static Sandboxes atDefaultHome() {
    return new Sandboxes(defaultHome(), new Binaries(Binaries.defaultCacheDir()));
  }

  /**
   * {@code $FERRY_SANDBOX_HOME}, else /var/lib/ferry/sandboxes for root (a place the postgres user
   * can reach), else ~/.local/share/ferry/sandboxes.
   */
  public static Path defaultHome() {
    String env = System.getenv("FERRY_SANDBOX_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    if (Os.isRoot()) {
      return Path.of("/var/lib/ferry/sandboxes");
    }
    String xdg = System.getenv("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank() ? Path.of(xdg) : Binaries.userHome().resolve(".local/share");
    return base.resolve("ferry/sandboxes");
  }

  public Path home() {
    return home;
  }

  public Binaries binaries() {
    return binaries;
  }

  // ---------------------------------------------------------------- create

  /**
   * Creates and starts a sandbox. On any failure, whatever was started is stopped and the sandbox
   * directory removed, so a failed create leaves nothing behind.
   */
  public Sandbox create(SandboxSpec spec) {
    validate(spec);
    ServerBinaries located = binaries.locate(spec.flavor(), spec.binaries());
    ServerDriver driver = ServerDriver.of(located, binaries.cacheDir());
    Path dir = home.resolve(spec.name());
    driver.checkLocation(dir);
    checkSocketPath(dir);
    return locked(
        spec.name(),
        () -> {
          if (Files.exists(dir)) {
            throw alreadyExists(spec.name(), dir);
          }
          SandboxDescriptor first = newDescriptor(spec, located, dir);
          try {
            Files.createDirectories(home);
            Files.createDirectory(dir);
          } catch (FileAlreadyExistsException e) {
            throw alreadyExists(spec.name(), dir);
          } catch (IOException e) {
            throw new SandboxException("cannot create " + dir + ": " + e.getMessage(), e);
          }
          SandboxDescriptor descriptor = first;
          try {
            writeDescriptor(dir, descriptor);
            for (Node node : descriptor.nodes()) {
              driver.initialize(descriptor, node);
              descriptor = startFirstTime(driver, descriptor, node, spec.basePort() == 0);
              driver.createAccounts(descriptor, node);
              LOG.info("{} is up on 127.0.0.1:{}", driver.describe(descriptor, node), node.port());
            }
            return new Sandbox(descriptor, dir);
          } catch (RuntimeException e) {
            rollback(descriptor, dir, e);
            throw e;
          }
        });
  }

  private static SandboxException alreadyExists(String name, Path dir) {
    return new SandboxException(
        "sandbox '"
            + name
            + "' already exists in "
            + dir
            + "; remove it with 'ferry sandbox destroy "
            + name
            + "' or choose another --name");
  }

  private static void validate(SandboxSpec spec) {
    if (spec.name() == null || !NAME.matcher(spec.name()).matches()) {
      throw new SandboxRequestException(
          "invalid sandbox name '"
              + spec.name()
              + "': use 1 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (spec.servers() < 1 || spec.servers() > SandboxSpec.MAX_SERVERS) {
      throw new SandboxRequestException(
          "--servers must be between 1 and " + SandboxSpec.MAX_SERVERS + ", not " + spec.servers());
    }
    if (spec.basePort() != 0
        && (spec.basePort() < 1024 || spec.basePort() + spec.servers() - 1 > 65535)) {
      throw new SandboxRequestException(
          "--base-port "
              + spec.basePort()
              + " is out of range: the ports must lie between 1024 and 65535");
    }
    for (String option : spec.options()) {
      if (!option.matches("[A-Za-z_][A-Za-z0-9_.-]*(\\s*=.*)?")) {
        throw new SandboxRequestException(
            "invalid --option '"
                + option
                + "': expected key=value or a flag, for example max_connections=50 or"
                + " skip-log-bin");
      }
    }
  }

  private static void checkSocketPath(Path dir) {
    String longest = dir.resolve("node9").resolve(".s.PGSQL.65535").toString();
    if (longest.length() > MAX_SOCKET_PATH) {
      throw new SandboxException(
          "the sandbox directory "
              + dir
              + " is too deep for a unix socket path ("
              + longest.length()
              + " > "
              + MAX_SOCKET_PATH
              + " characters); use a shorter --home or name");
    }
  }

  private SandboxDescriptor newDescriptor(SandboxSpec spec, ServerBinaries located, Path dir) {
    Set<Integer> taken = recordedPorts();
    List<Node> nodes = new ArrayList<>();
    for (int i = 1; i <= spec.servers(); i++) {
      int port;
      if (spec.basePort() != 0) {
        port = spec.basePort() + i - 1;
        if (!Ports.isFree(port)) {
          throw new SandboxException(
              "port "
                  + port
                  + " on 127.0.0.1 (for server "
                  + i
                  + ") is already in use by another process; choose another --base-port, or"
                  + " leave it out to let Ferry pick free ports");
        }
      } else {
        port = Ports.pickFree(taken);
      }
      taken.add(port);
      nodes.add(
          new Node(i, port, serverId(spec.flavor(), port), dir.resolve("node" + i).toString()));
    }
    String rootUser = spec.flavor() == Flavor.MARIADB ? "root" : PostgresDriver.SERVER_USER;
    return new SandboxDescriptor(
        SandboxDescriptor.FORMAT_VERSION,
        spec.name(),
        spec.flavor(),
        spec.binaries(),
        located.version(),
        located.binDir().toString(),
        located.baseDir().toString(),
        Instant.now().toString(),
        spec.owner(),
        new Account(rootUser, password()),
        new Account("app", password()),
        new Account("ferry", password()),
        nodes,
        spec.options());
  }

  /** Server ids are the ports: unique among the servers of a host, stable across restarts. */
  private static long serverId(Flavor flavor, int port) {
    return flavor == Flavor.MARIADB ? port : 0;
  }

  private SandboxDescriptor startFirstTime(
      ServerDriver driver, SandboxDescriptor descriptor, Node node, boolean mayMove) {
    Node current = node;
    for (int attempt = 1; ; attempt++) {
      try {
        driver.start(descriptor, current);
        return descriptor;
      } catch (ServerStartException e) {
        if (!mayMove || !e.portInUse() || attempt >= 5) {
          throw e;
        }
        // Another process took the port between our check and the server's bind: move on.
        int port = Ports.pickFree(recordedPorts());
        LOG.info("port {} was taken meanwhile; trying {}", current.port(), port);
        current = current.withPort(port, serverId(descriptor.flavor(), port));
        descriptor = descriptor.withNode(current);
        writeDescriptor(home.resolve(descriptor.name()), descriptor);
        driver.configure(descriptor, current);
      }
    }
  }

  private void rollback(SandboxDescriptor descriptor, Path dir, RuntimeException cause) {
    try {
      for (Node node : descriptor.nodes()) {
        ServerProcess.kill(node);
      }
      Os.deleteTree(dir);
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private static String password() {
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private Set<Integer> recordedPorts() {
    Set<Integer> ports = new HashSet<>();
    for (Sandbox sandbox : list()) {
      sandbox.descriptor().nodes().forEach(n -> ports.add(n.port()));
    }
    return ports;
  }

  // ---------------------------------------------------------------- find

  /** The sandboxes with a readable descriptor, by name. See {@link #unreadable()} for the rest. */
  public List<Sandbox> list() {
    List<Sandbox> result = new ArrayList<>();
    for (Path dir : sandboxDirs()) {
      try {
        result.add(new Sandbox(readDescriptor(dir), dir));
      } catch (SandboxException e) {
        // reported by unreadable()
      }
    }
    result.sort(Comparator.comparing(Sandbox::name));
    return result;
  }

  /** Directories in the home that look like sandboxes but whose descriptor cannot be read. */
  public Map<Path, String> unreadable() {
    Map<Path, String> result = new java.util.TreeMap<>();
    for (Path dir : sandboxDirs()) {
      try {
        readDescriptor(dir);
      } catch (SandboxException e) {
        result.put(dir, e.getMessage());
      }
    }
    return result;
  }

  private List<Path> sandboxDirs() {
    List<Path> dirs = new ArrayList<>();
    if (!Files.isDirectory(home)) {
      return dirs;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(home)) {
      for (Path dir : stream) {
        if (Files.isDirectory(dir) && !dir.getFileName().toString().startsWith(".")) {
          dirs.add(dir);
        }
      }
    } catch (IOException e) {
      throw new SandboxException("cannot list " + home + ": " + e.getMessage(), e);
    }
    return dirs;
  }

  public Optional<Sandbox> find(String name) {
    Path dir = home.resolve(name);
    if (!NAME.matcher(name).matches() || !Files.isDirectory(dir)) {
      return Optional.empty();
    }
    return Optional.of(new Sandbox(readDescriptor(dir), dir));
  }

  /** The named sandbox, or an error that lists the sandboxes that do exist. */
  public Sandbox get(String name) {
    return find(name)
        .orElseThrow(
            () -> {
              List<String> names = list().stream().map(Sandbox::name).toList();
              return new SandboxException(
                  "no sandbox named '"
                      + name
                      + "' in "
                      + home
                      + (names.isEmpty()
                          ? " (there are none)"
                          : "; there are: " + String.join(", ", names)));
            });
  }

  // ---------------------------------------------------------------- start / stop / destroy

  /** Starts every stopped server of a sandbox; returns it. */
  public Sandbox start(String name) {
    return locked(
        name,
        () -> {
          Sandbox sandbox = get(name);
          for (SandboxServer server : sandbox.servers()) {
            startLocked(sandbox, server.index());
          }
          return get(name);
        });
  }

  /** Starts one server of a sandbox if it is not running. */
  public void startServer(String name, int index) {
    locked(
        name,
        () -> {
          startLocked(get(name), index);
          return null;
        });
  }

  private void startLocked(Sandbox sandbox, int index) {
    SandboxServer server = sandbox.server(index);
    if (server.isRunning()) {
      return;
    }
    driverFor(sandbox).start(sandbox.descriptor(), server.node());
  }

  /** Stops every running server of a sandbox cleanly; returns how many were running. */
  public int stop(String name) {
    return locked(
        name,
        () -> {
          Sandbox sandbox = get(name);
          ServerDriver driver = driverFor(sandbox);
          int stopped = 0;
          for (SandboxServer server : sandbox.servers()) {
            if (driver.stop(server.node())) {
              stopped++;
            }
          }
          return stopped;
        });
  }

  /** Stops one server cleanly; returns false if it was not running. */
  public boolean stopServer(String name, int index) {
    return locked(
        name,
        () -> {
          Sandbox sandbox = get(name);
          return driverFor(sandbox).stop(sandbox.server(index).node());
        });
  }

  /** Kills one server with SIGKILL, as a crash would; returns false if it was not running. */
  public boolean killServer(String name, int index) {
    return locked(name, () -> ServerProcess.kill(get(name).server(index).node()));
  }

  /** Kills every server of a sandbox and removes its directory. */
  public void destroy(String name) {
    locked(
        name,
        () -> {
          Path dir = home.resolve(name);
          if (!NAME.matcher(name).matches() || !Files.isDirectory(dir)) {
            get(name); // throws the "no sandbox named" error
          }
          try {
            for (Node node : readDescriptor(dir).nodes()) {
              ServerProcess.kill(node);
            }
          } catch (SandboxException unreadable) {
            // A sandbox whose descriptor is gone cannot have servers Ferry knows of; remove it.
            LOG.warn("destroying {} without its descriptor: {}", dir, unreadable.getMessage());
          }
          Os.deleteTree(dir);
          return null;
        });
  }

  /**
   * Destroys the sandboxes whose owning process has died (a test JVM killed mid-run), with their
   * servers. Returns their names.
   */
  public List<String> sweepStale() {
    List<String> swept = new ArrayList<>();
    for (Sandbox sandbox : list()) {
      Owner owner = sandbox.descriptor().owner();
      if (owner != null && !owner.isAlive()) {
        LOG.info("sweeping stale {}: its owner process {} is gone", sandbox, owner.pid());
        destroy(sandbox.name());
        swept.add(sandbox.name());
      }
    }
    return swept;
  }

  private ServerDriver driverFor(Sandbox sandbox) {
    SandboxDescriptor d = sandbox.descriptor();
    Path server = Path.of(d.binDir(), d.flavor() == Flavor.MARIADB ? "mariadbd" : "postgres");
    ServerBinaries located;
    if (Files.isExecutable(server)) {
      Path initializer =
          d.flavor() == Flavor.MARIADB
              ? Path.of(d.baseDir(), d.binaries() == BinarySource.EMBEDDED ? "scripts" : "bin")
                  .resolve("mariadb-install-db")
              : Path.of(d.binDir(), "initdb");
      located =
          new ServerBinaries(
              d.flavor(),
              d.binaries(),
              d.serverVersion(),
              Path.of(d.binDir()),
              Path.of(d.baseDir()),
              server,
              initializer);
    } else {
      // The programs moved (an upgrade, a cleared cache): find them again and remember where.
      located = binaries.locate(d.flavor(), d.binaries());
      writeDescriptor(sandbox.dir(), d.withBinaries(located));
    }
    return ServerDriver.of(located, binaries.cacheDir());
  }

  // ---------------------------------------------------------------- descriptor and locks

  private static SandboxDescriptor readDescriptor(Path dir) {
    Path file = dir.resolve(DESCRIPTOR);
    SandboxDescriptor descriptor;
    try {
      descriptor = JSON.readValue(file.toFile(), SandboxDescriptor.class);
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new SandboxException(dir + " has no " + DESCRIPTOR + "; it is not a complete sandbox");
    } catch (IOException e) {
      throw new SandboxException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (descriptor.formatVersion() > SandboxDescriptor.FORMAT_VERSION) {
      throw new SandboxException(
          file
              + " has format version "
              + descriptor.formatVersion()
              + ", written by a newer Ferry; this one reads up to "
              + SandboxDescriptor.FORMAT_VERSION);
    }
    return descriptor;
  }

  private static void writeDescriptor(Path dir, SandboxDescriptor descriptor) {
    Path file = dir.resolve(DESCRIPTOR);
    Path tmp = dir.resolve(DESCRIPTOR + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, JSON.writeValueAsBytes(descriptor), StandardOpenOption.TRUNCATE_EXISTING);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new SandboxException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private <T> T locked(String name, Supplier<T> action) {
    return FileLocks.withLock(home.resolve(".locks").resolve(name + ".lock"), action::get);
  }
}
