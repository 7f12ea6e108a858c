package io.ferry.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Properties;

/**
 * What differs between server flavors: how a data directory is made, how the server is configured,
 * started and stopped, and which accounts it gets. Process handling itself is shared ({@link
 * ServerProcess}). Instances are stateless apart from the located binaries.
 */
abstract class ServerDriver {
  /** Bump when the shape of a template data directory changes, so old templates are rebuilt. */
  static final int TEMPLATE_FORMAT = 1;

  static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);

  final ServerBinaries binaries;
  final Path cacheDir;

  ServerDriver(ServerBinaries binaries, Path cacheDir) {
    this.binaries = binaries;
    this.cacheDir = cacheDir;
  }

  static ServerDriver of(ServerBinaries binaries, Path cacheDir) {
    return switch (binaries.flavor()) {
      case MARIADB -> new MariaDbDriver(binaries, cacheDir);
      case POSTGRESQL -> new PostgresDriver(binaries, cacheDir);
    };
  }

  /**
   * Checks that a sandbox can live in this directory (for example, that the server's user can reach
   * it).
   */
  void checkLocation(Path sandboxDir) {}

  /**
   * Creates the node's directory, its data directory (a copy of the template) and configuration.
   */
  void initialize(SandboxDescriptor sandbox, Node node) {
    Path template = template(this::buildTemplate);
    try {
      Files.createDirectories(node.path());
    } catch (IOException e) {
      throw new SandboxException("cannot create " + node.path() + ": " + e.getMessage(), e);
    }
    Os.copyTree(template, node.dataDir());
    configure(sandbox, node);
  }

  /** Initializes a server's data directory as {@code work/data}, for the template cache. */
  abstract void buildTemplate(Path work) throws IOException;

  /** Writes the node's configuration (again), for example after its port changed. */
  abstract void configure(SandboxDescriptor sandbox, Node node);

  /** How to run the node's server. */
  abstract ServerProcess.Launch launch(SandboxDescriptor sandbox, Node node);

  /** Creates the sandbox's accounts on a freshly initialized, running node. */
  abstract void createAccounts(SandboxDescriptor sandbox, Node node);

  /** The signal that asks the server for a clean, quick shutdown. */
  abstract String stopSignal();

  void start(SandboxDescriptor sandbox, Node node) {
    ServerProcess.start(node, launch(sandbox, node));
  }

  boolean stop(Node node) {
    return ServerProcess.stop(node, stopSignal(), STOP_TIMEOUT);
  }

  String describe(SandboxDescriptor sandbox, Node node) {
    return binaries.flavor().displayName()
        + " server "
        + node.index()
        + " of sandbox '"
        + sandbox.name()
        + "'";
  }

  /** Template builders write a data directory under the directory they are given. */
  interface TemplateBuilder {
    void build(Path workDir) throws IOException;
  }

  /**
   * The data directory of a freshly initialized server, built once per server version and cached,
   * so that a sandbox server is a copy and a start away. Builders run under a file lock, so
   * concurrent processes build it once.
   */
  Path template(TemplateBuilder builder) {
    String key =
        binaries.flavor().id()
            + "-"
            + binaries.version().replaceAll("[^A-Za-z0-9._-]", "_")
            + "-"
            + shortHash(binaries.server().toString())
            + "-t"
            + TEMPLATE_FORMAT;
    Path templates = cacheDir.resolve("templates");
    Path ready = templates.resolve(key);
    if (Files.exists(ready.resolve(".complete"))) {
      return ready.resolve("data");
    }
    return FileLocks.withLock(
        templates.resolve(key + ".lock"),
        () -> {
          if (Files.exists(ready.resolve(".complete"))) {
            return ready.resolve("data");
          }
          Path work = templates.resolve(key + ".building");
          Os.deleteTree(work);
          Os.deleteTree(ready);
          Files.createDirectories(work);
          builder.build(work);
          Files.writeString(work.resolve(".complete"), binaries.version() + "\n");
          Files.move(work, ready, StandardCopyOption.ATOMIC_MOVE);
          return ready.resolve("data");
        });
  }

  static Connection connect(String url, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    return DriverManager.getConnection(url, props);
  }

  static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SandboxException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Quotes a string literal for SQL (both flavors accept doubled single quotes). */
  static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private static String shortHash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
