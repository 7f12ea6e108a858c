package io.ferry.core.thl;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Run in a child JVM: prints "held" if another process holds a THL's lock file, else "free". */
public final class LockProbe {
  private LockProbe() {}

  public static void main(String[] args) throws Exception {
    Path lockFile = Path.of(args[0]).resolve(SegmentFormat.LOCK_FILE);
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock()) {
      System.out.println(lock == null ? "held" : "free");
    }
  }

  /** Asks a child JVM whether the lock of the THL in {@code dir} is held. */
  static String probe(Path dir) throws Exception {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                javaBin,
                "-cp",
                System.getProperty("java.class.path"),
                LockProbe.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor();
    return out.trim();
  }
}
