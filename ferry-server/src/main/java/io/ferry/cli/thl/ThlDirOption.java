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
      throw new CliException(
          Files.exists(dir)
              ? dir
                  + " is a file, not a THL directory: give the directory that holds the thl-*.seg"
                  + " files (a service's thl.dir)"
              : "there is no THL directory "
                  + dir
                  + ": give a service's thl.dir (by default SERVICE_DIR/thl, where SERVICE_DIR is"
                  + " the service.dir of its service file)");
    }
    return dir;
  }
}
