package io.ferry.cli.sandbox;

import io.ferry.cli.CliException;
import io.ferry.sandbox.Account;
import io.ferry.sandbox.Flavor;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry sandbox sql}: the server's own client, logged in. */
@Command(
    header = "Open the server's SQL client (mariadb or psql), logged in.",
    name = "sql",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Run the server's own SQL client (mariadb or psql) against a sandbox server, logged in:"
          + " interactive, or one statement with -e. The exit status is the client's.",
      ""
    })
final class SqlCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Parameters(paramLabel = "NAME", description = "The sandbox.")
  String name;

  @Option(
      names = "--server",
      paramLabel = "N",
      defaultValue = "1",
      description = "The server (default: ${DEFAULT-VALUE}).")
  int server;

  @Option(
      names = "--account",
      paramLabel = "ACCOUNT",
      defaultValue = "root",
      description = "app, replicator or root (default: ${DEFAULT-VALUE}).")
  String account;

  @Option(
      names = {"-e", "--execute"},
      paramLabel = "SQL",
      description = "Run this SQL and exit.")
  String execute;

  @Option(
      names = "--batch",
      description =
          "With -e: rows as tab-separated values without headers, the same on MariaDB"
              + " and PostgreSQL (for scripts that compare them).")
  boolean batch;

  @Option(
      names = {"-d", "--database"},
      paramLabel = "DB",
      description = "Default database (PostgreSQL default: app).")
  String database;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Sandbox sandbox = home.sandboxes().get(name);
    SandboxServer s = sandbox.server(server);
    if (!s.isRunning()) {
      throw new CliException(
          "server "
              + server
              + " of sandbox '"
              + name
              + "' is not running; start it with: ferry sandbox start "
              + name);
    }
    Account login = HomeOption.account(s, account);
    List<String> command = new ArrayList<>();
    ProcessBuilder pb = new ProcessBuilder(command);
    if (s.flavor() == Flavor.MARIADB) {
      command.add(client(sandbox, "mariadb", "apt-get install -y mariadb-client"));
      command.add("--no-defaults");
      command.add("--host=" + s.host());
      command.add("--port=" + s.port());
      command.add("--protocol=TCP");
      command.add("--user=" + login.user());
      if (execute != null) {
        command.addAll(batch ? List.of("--batch", "--skip-column-names") : List.of("--table"));
        command.add("--execute=" + execute);
      }
      if (database != null) {
        command.add(database);
      }
      pb.environment().put("MYSQL_PWD", login.password());
    } else {
      command.add(client(sandbox, "psql", "apt-get install -y postgresql-client"));
      command.add("--host=" + s.host());
      command.add("--port=" + s.port());
      command.add("--username=" + login.user());
      command.add("--dbname=" + (database != null ? database : s.defaultDatabase()));
      if (execute != null) {
        if (batch) {
          command.addAll(List.of("--no-align", "--tuples-only", "--field-separator=\t"));
        }
        command.add("--command=" + execute);
      }
      pb.environment().put("PGPASSWORD", login.password());
    }
    return runClient(pb);
  }

  private int runClient(ProcessBuilder pb) throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (execute == null) {
      return pb.inheritIO().start().waitFor();
    }
    // One statement: pass the client's output through our own streams (scripts, tests).
    pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
    Process process = pb.start();
    Thread errPump = pump(process.getErrorStream(), err);
    pump(process.getInputStream(), out).join();
    errPump.join();
    return process.waitFor();
  }

  private static Thread pump(InputStream in, PrintWriter to) {
    Thread t =
        new Thread(
            () -> {
              try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                char[] buffer = new char[8192];
                int n;
                while ((n = reader.read(buffer)) > 0) {
                  to.write(buffer, 0, n);
                  to.flush();
                }
              } catch (IOException ignored) {
                // the client exited; its exit status tells the story
              }
            },
            "sql-client-output");
    t.start();
    return t;
  }

  private static String client(Sandbox sandbox, String program, String install) {
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of(sandbox.descriptor().binDir(), program));
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":", -1)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, program));
        }
      }
    }
    Optional<Path> found = candidates.stream().filter(Files::isExecutable).findFirst();
    return found
        .map(Path::toString)
        .orElseThrow(
            () ->
                new CliException(
                    "the "
                        + program
                        + " client is not installed (looked in "
                        + sandbox.descriptor().binDir()
                        + " and on the PATH); install it with: "
                        + install));
  }
}
