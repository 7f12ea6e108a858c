package io.ferry.mysql;

import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.NativePosition;
import java.util.Locale;

/**
 * Where a new extractor starts when its log is empty: the oldest binlog the source still has, its
 * current end, or a position (binlog file:offset). Once the log holds a transaction, the extractor
 * always resumes right after the last one instead.
 */
public sealed interface StartPosition {
  /** The oldest binlog file the source still has. */
  record Beginning() implements StartPosition {}

  /** The source's current end: only what is committed from now on. */
  record Current() implements StartPosition {}

  /** A given binlog position. */
  record At(BinlogPosition position) implements StartPosition {}

  /** Reads {@code beginning}, {@code current} or {@code file:offset}. */
  static StartPosition parse(String text) {
    String t = text.trim();
    return switch (t.toLowerCase(Locale.ROOT)) {
      case "beginning" -> new Beginning();
      case "current" -> new Current();
      default -> {
        NativePosition p = NativePosition.parseAny(t);
        if (p instanceof BinlogPosition b) {
          yield new At(b);
        }
        throw new IllegalArgumentException(
            "start position '"
                + text
                + "' is a "
                + p.kind()
                + "; give beginning, current or a binlog file:offset");
      }
    };
  }
}
