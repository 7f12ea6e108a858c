package io.ferry.cli.sandbox;

import io.ferry.sandbox.Binaries;
import io.ferry.sandbox.Sandboxes;
import java.nio.file.Path;
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

  Sandboxes sandboxes() {
    Path dir = home != null ? home : Sandboxes.defaultHome();
    return new Sandboxes(dir, new Binaries(Binaries.defaultCacheDir()));
  }
}
