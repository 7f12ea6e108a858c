package io.ferry.sandbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs an action while holding an exclusive lock file, which serializes it against other threads of
 * this JVM and against other processes. Thread-safe.
 */
final class FileLocks {
  private static final Map<Path, Object> IN_PROCESS = new ConcurrentHashMap<>();

  private FileLocks() {}

  /** An action that may fail with an I/O error. */
  interface Action<T> {
    T run() throws IOException;
  }

  @SuppressWarnings("try") // the lock is held by being open, not by being used
  static <T> T withLock(Path lockFile, Action<T> action) {
    Path key = lockFile.toAbsolutePath().normalize();
    synchronized (IN_PROCESS.computeIfAbsent(key, k -> new Object())) {
      try {
        Files.createDirectories(key.getParent());
        try (FileChannel channel =
                FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.lock()) {
          return action.run();
        }
      } catch (IOException e) {
        throw new SandboxException(
            "I/O error while holding " + lockFile + ": " + e.getMessage(), e);
      }
    }
  }
}
