package io.ferry.server.shard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.UnaryOperator;

/**
 * The replicator's live shard home map, shared by all its services, and the file that keeps it:
 * {@code <config-dir>/shard-homes.conf}, in the text form {@link HomeMapFile} reads. A change is
 * written to a temporary file, forced to disk, renamed over the old file and the directory forced,
 * before the services see it, so a crash leaves the old map or the new one, never a mix; the
 * services read the map afresh for every transaction, so a change applies without taking them
 * offline. Thread-safe: changes are serialized, readers see one whole map.
 */
public final class ShardHomes {
  /** The file's name in the replicator's configuration directory. */
  public static final String FILE_NAME = "shard-homes.conf";

  private static final String HEADER =
      "Shard homes of this replicator: shard home [critical].\n"
          + "Written by ferry shard set/remove/load; edit with those commands, not by hand,\n"
          + "while the replicator runs (it keeps its own copy). See docs/multi-master.md.";

  private final Path file;
  private volatile HomeMap map;

  private ShardHomes(Path file, HomeMap map) {
    this.file = file;
    this.map = map;
  }

  /**
   * The map kept in {@code file}; empty when the file does not exist yet.
   *
   * @throws HomeMapFile.HomeMapException when the file has problems (each with its line)
   * @throws IllegalStateException when it cannot be read
   */
  public static ShardHomes open(Path file) {
    if (!Files.exists(file)) {
      return new ShardHomes(file, HomeMap.EMPTY);
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return new ShardHomes(file, HomeMapFile.parse(file.toString(), text));
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the shard home map " + file + ": " + e.getMessage(), e);
    }
  }

  /** A map kept in memory only (a service run alone, tests). */
  public static ShardHomes inMemory(HomeMap map) {
    return new ShardHomes(null, map);
  }

  /** The current map. */
  public HomeMap map() {
    return map;
  }

  /** Where the map is kept, or null when it is kept in memory only. */
  public Path file() {
    return file;
  }

  /** Sets a shard's home (adds or replaces its entry); returns the new map. */
  public HomeMap set(HomeMap.Entry entry) {
    return change(m -> m.with(entry));
  }

  /**
   * Removes a shard's entry; returns the new map.
   *
   * @throws IllegalArgumentException when the shard has no entry
   */
  public HomeMap remove(String shard) {
    return change(
        m -> {
          if (m.get(shard) == null) {
            throw new IllegalArgumentException(
                "shard '"
                    + shard
                    + "' has no home to remove"
                    + (m.entries().isEmpty()
                        ? " (the map is empty)"
                        : "; ferry shard list shows the " + m.entries().size() + " that have one"));
          }
          return m.without(shard);
        });
  }

  /** Replaces the whole map; returns it. */
  public HomeMap replace(HomeMap next) {
    return change(m -> next);
  }

  private synchronized HomeMap change(UnaryOperator<HomeMap> how) {
    HomeMap next = how.apply(map);
    if (file != null) {
      write(file, next.text(HEADER));
    }
    map = next;
    return next;
  }

  /** Writes the text durably: temporary file, force, rename over, force the directory. */
  static void write(Path file, String text) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(dir);
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // some file systems cannot open a directory for reading; the rename is still atomic
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write the shard home map "
              + file
              + ": "
              + e.getMessage()
              + "; nothing was changed (check the directory's permissions and free space)",
          e);
    }
  }
}
