package io.ferry.cli.sandbox;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.sandbox.Account;
import io.ferry.sandbox.Binaries;
import io.ferry.sandbox.SandboxServer;
import io.ferry.sandbox.Sandboxes;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The {@code --home} option every sandbox command takes. */
final class HomeOption {
  @Option(
      names = "--home",
      paramLabel = "DIR",
      description =
          "Directory the sandboxes live in (default: $FERRY_SANDBOX_HOME, else"
              + " /var/lib/ferry/sandboxes as root, ~/.local/share/ferry/sandboxes otherwise).")
  Path home;

  /** The account a command's --account option names: app, replicator or root. */
  static Account account(SandboxServer server, String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "app" -> server.app();
      case "replicator", "ferry" -> server.replicator();
      case "root", "admin", "postgres" -> server.root();
      default ->
          throw new CliException(
              "unknown --account '" + name + "': expected app, replicator or root", Cli.EXIT_USAGE);
    };
  }

  Sandboxes sandboxes() {
    Path dir = home != null ? home : Sandboxes.defaultHome();
    return new Sandboxes(dir, new Binaries(Binaries.defaultCacheDir()));
  }
}
