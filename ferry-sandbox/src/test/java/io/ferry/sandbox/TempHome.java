package io.ferry.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A throw-away sandbox home for one test class; closing it destroys what is left in it. */
final class TempHome implements AutoCloseable {
  final Path dir;
  final Sandboxes sandboxes;

  TempHome() throws IOException {
    dir = Files.createTempDirectory(Path.of("/tmp"), "ferry-sbx-");
    // reachable by the postgres user when the tests run as root
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    sandboxes = new Sandboxes(dir, new Binaries(Binaries.defaultCacheDir()));
  }

  @Override
  public void close() {
    for (Sandbox sandbox : sandboxes.list()) {
      sandboxes.destroy(sandbox.name());
    }
    Os.deleteTree(dir);
  }
}
