package io.ferry.cli.thl;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Microsecond timestamps as UTC text. */
final class Times {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private Times() {}

  static String micros(long micros) {
    if (micros <= 0) {
      return "-";
    }
    return FORMAT.format(Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000));
  }
}
