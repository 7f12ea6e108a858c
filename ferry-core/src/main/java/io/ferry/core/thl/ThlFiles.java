package io.ferry.core.thl;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How the log's writer opens its segment files: {@link #DEFAULT} is the file system; a test passes
 * one whose channels fail (an fsync that reports EIO) to see the writer refuse to go on.
 */
@FunctionalInterface
public interface ThlFiles {
  ThlFiles DEFAULT = FileChannel::open;

  FileChannel open(Path file, OpenOption... options) throws IOException;
}
