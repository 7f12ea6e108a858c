package io.ferry.cli.thl;

import io.ferry.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --dir} option of the thl commands: which log. */
final class ThlDirOption {
  @Option(
      names = {"-d", "--dir"},
      required = true,
      paramLabel = "DIR",
      description = "The THL directory (a service's log directory).")
  Path dir;

  Path existing() {
    if (!Files.isDirectory(dir)) {
      throw new CliException("there is no THL directory " + dir);
    }
    return dir;
  }
}
