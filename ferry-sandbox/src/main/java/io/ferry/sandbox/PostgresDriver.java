package io.ferry.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * PostgreSQL servers: {@code initdb} once into a template, then {@code postgres}. PostgreSQL
 * refuses to run as root; when Ferry runs as root, the server runs as the {@code postgres} user
 * (through {@code setpriv}), and the sandbox directory must be reachable by that user.
 */
final class PostgresDriver extends ServerDriver {
  static final String SERVER_USER = "postgres";

  /** The superuser password of the template; each sandbox replaces it at its first start. */
  private static final String TEMPLATE_PASSWORD = "ferry-template-bootstrap";

  static final String APP_DATABASE = "app";

  PostgresDriver(ServerBinaries binaries, Path cacheDir) {
    super(binaries, cacheDir);
  }

  @Override
  void checkLocation(Path sandboxDir) {
    if (!Os.isRoot()) {
      return;
    }
    serverUser();
    for (Path dir = sandboxDir.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
      try {
        if (Files.exists(dir)
            && !Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          throw new SandboxException(
              "PostgreSQL refuses to run as root, so Ferry runs it as the '"
                  + SERVER_USER
                  + "' user, which cannot enter "
                  + dir
                  + " (mode "
                  + java.nio.file.attribute.PosixFilePermissions.toString(
                      Files.getPosixFilePermissions(dir))
                  + "). Put the sandbox under a directory it can reach, for example"
                  + " --home /var/lib/ferry/sandboxes");
        }
      } catch (IOException e) {
        throw new SandboxException("cannot inspect " + dir + ": " + e.getMessage(), e);
      }
    }
  }

  private static UserPrincipal serverUser() {
    try {
      UserPrincipalLookupService lookup =
          Path.of("/").getFileSystem().getUserPrincipalLookupService();
      return lookup.lookupPrincipalByName(SERVER_USER);
    } catch (UserPrincipalNotFoundException e) {
      throw new SandboxException(
          "PostgreSQL refuses to run as root and there is no '"
              + SERVER_USER
              + "' user to run it as. Install the postgresql package (it creates the user),"
              + " or run Ferry as a normal user.");
    } catch (IOException e) {
      throw new SandboxException("cannot look up the '" + SERVER_USER + "' user: " + e, e);
    }
  }

  /** Gives a file tree to the server's user when Ferry runs as root. */
  private static void handOver(Path root) {
    if (!Os.isRoot()) {
      return;
    }
    UserPrincipal user = serverUser();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(user);
        GroupPrincipal group =
            root.getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByGroupName(SERVER_USER);
        view.setGroup(group);
      }
    } catch (IOException e) {
      throw new SandboxException(
          "cannot give " + root + " to the '" + SERVER_USER + "' user: " + e.getMessage(), e);
    }
  }

  /** The command prefix that runs a program as the server's user when Ferry is root. */
  private static List<String> asServerUser(List<String> command) {
    if (!Os.isRoot()) {
      return command;
    }
    List<String> full = new ArrayList<>();
    full.add("setpriv");
    full.add("--reuid=" + SERVER_USER);
    full.add("--regid=" + SERVER_USER);
    full.add("--init-groups");
    full.addAll(command);
    return full;
  }

  @Override
  void configure(SandboxDescriptor sandbox, Node node) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "# Written by Ferry for sandbox '" + sandbox.name() + "', server " + node.index() + ".");
    lines.add("port = " + node.port());
    lines.add("listen_addresses = '127.0.0.1'");
    lines.add("unix_socket_directories = '" + node.path() + "'");
    lines.add("# Logical decoding, for replicating out of PostgreSQL.");
    lines.add("wal_level = logical");
    lines.add("max_wal_senders = 10");
    lines.add("max_replication_slots = 10");
    lines.add("# Durable: a commit is on disk before it is acknowledged.");
    lines.add("fsync = on");
    lines.add("synchronous_commit = on");
    lines.add("full_page_writes = on");
    lines.add("shared_buffers = 64MB");
    lines.add("max_connections = 200");
    lines.add("logging_collector = off");
    lines.add("log_line_prefix = '%m [%p] '");
    if (!sandbox.options().isEmpty()) {
      lines.add("# Given at creation with --option.");
      lines.addAll(sandbox.options());
    }
    write(node.dataDir().resolve("ferry-sandbox.conf"), String.join("\n", lines) + "\n");
    handOver(node.path());
  }

  @Override
  void buildTemplate(Path work) throws IOException {
    Path pwfile = work.resolve("pwfile");
    Files.writeString(pwfile, TEMPLATE_PASSWORD + "\n");
    handOver(work);
    Path data = work.resolve("data");
    Os.Result result =
        Os.run(
            asServerUser(
                List.of(
                    binaries.initializer().toString(),
                    "-D",
                    data.toString(),
                    "-U",
                    SERVER_USER,
                    "--pwfile=" + pwfile,
                    "--auth=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8")),
            Duration.ofMinutes(3));
    Files.delete(pwfile);
    if (result.exitCode() != 0) {
      throw new SandboxException(
          "initdb failed (exit "
              + result.exitCode()
              + ") while preparing the template in "
              + work
              + ":\n"
              + Os.indent(result.output()));
    }
    Files.writeString(
        data.resolve("pg_hba.conf"),
        "# Written by Ferry: password logins only, on the socket and on 127.0.0.1.\n"
            + "local all all scram-sha-256\n"
            + "host all all 127.0.0.1/32 scram-sha-256\n"
            + "local replication all scram-sha-256\n"
            + "host replication all 127.0.0.1/32 scram-sha-256\n");
    Files.writeString(
        data.resolve("postgresql.conf"),
        "\n# Sandbox settings, written by Ferry for each server.\n"
            + "include_if_exists = 'ferry-sandbox.conf'\n",
        java.nio.file.StandardOpenOption.APPEND);
    handOver(work);
  }

  @Override
  ServerProcess.Launch launch(SandboxDescriptor sandbox, Node node) {
    return new ServerProcess.Launch(
        describe(sandbox, node),
        asServerUser(List.of(binaries.server().toString(), "-D", node.dataDir().toString())),
        node.logFile(),
        node.logFile(),
        "database system is ready to accept connections",
        line ->
            line.contains("FATAL:")
                || line.contains("ERROR:")
                || line.contains("PANIC:")
                || line.contains("could not"),
        START_TIMEOUT);
  }

  @Override
  void createAccounts(SandboxDescriptor sandbox, Node node) {
    try (Connection c = connect(jdbcUrl(node, "postgres"), SERVER_USER, TEMPLATE_PASSWORD);
        Statement st = c.createStatement()) {
      st.execute("ALTER ROLE " + SERVER_USER + " PASSWORD " + quote(sandbox.root().password()));
      st.execute(
          "CREATE ROLE "
              + sandbox.app().user()
              + " LOGIN CREATEDB PASSWORD "
              + quote(sandbox.app().password()));
      st.execute(
          "CREATE ROLE "
              + sandbox.replicator().user()
              + " LOGIN REPLICATION CREATEDB PASSWORD "
              + quote(sandbox.replicator().password()));
      st.execute("CREATE DATABASE " + APP_DATABASE + " OWNER " + sandbox.app().user());
      st.execute(
          "GRANT CONNECT, CREATE, TEMPORARY ON DATABASE "
              + APP_DATABASE
              + " TO "
              + sandbox.replicator().user());
    } catch (SQLException e) {
      throw new SandboxException(
          "cannot create the accounts of "
              + describe(sandbox, node)
              + " (127.0.0.1:"
              + node.port()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  static String jdbcUrl(Node node, String database) {
    return "jdbc:postgresql://127.0.0.1:" + node.port() + "/" + database + "?connectTimeout=10";
  }

  @Override
  String stopSignal() {
    return "INT";
  }
}
