package io.ferry.core.thl;

import java.time.Duration;
import java.util.Locale;

/**
 * When the log forces written records to disk.
 *
 * @param mode every commit, at an interval, or never
 * @param interval the interval, for {@link Mode#INTERVAL}
 */
public record FsyncPolicy(Mode mode, Duration interval) {
  /** The modes. */
  public enum Mode {
    /** fsync before every commit returns: a committed record survives a power loss. Default. */
    COMMIT,
    /** fsync at most every interval: a crash may lose up to that much of the newest records. */
    INTERVAL,
    /** Never fsync: the operating system decides. Loud: only for tests and throw-away logs. */
    OFF
  }

  public static final FsyncPolicy COMMIT = new FsyncPolicy(Mode.COMMIT, Duration.ZERO);
  public static final FsyncPolicy OFF = new FsyncPolicy(Mode.OFF, Duration.ZERO);

  public FsyncPolicy {
    if (mode == Mode.INTERVAL && (interval == null || interval.isNegative() || interval.isZero())) {
      throw new IllegalArgumentException("an fsync interval must be positive");
    }
  }

  public static FsyncPolicy interval(Duration interval) {
    return new FsyncPolicy(Mode.INTERVAL, interval);
  }

  /** Reads {@code commit}, {@code off} or an interval in milliseconds such as {@code 100ms}. */
  public static FsyncPolicy parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("commit")) {
      return COMMIT;
    }
    if (t.equals("off")) {
      return OFF;
    }
    if (t.matches("\\d+ms")) {
      return interval(Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))));
    }
    throw new IllegalArgumentException(
        "invalid fsync policy '" + text + "': expected commit, off, or an interval like 100ms");
  }

  @Override
  public String toString() {
    return switch (mode) {
      case COMMIT -> "commit";
      case OFF -> "off";
      case INTERVAL -> interval.toMillis() + "ms";
    };
  }
}
