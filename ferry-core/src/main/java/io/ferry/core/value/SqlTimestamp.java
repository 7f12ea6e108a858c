package io.ferry.core.value;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A TIMESTAMP: a point in time, seconds and microseconds since 1970-01-01 UTC, as the binlog
 * carries it; {@code (0, 0)} is the zero timestamp {@code 0000-00-00 00:00:00}.
 *
 * @param epochSeconds seconds since the epoch, UTC
 * @param micros 0 to 999999
 */
public record SqlTimestamp(long epochSeconds, int micros) {
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  public SqlTimestamp {
    if (epochSeconds < 0 || micros < 0 || micros > 999_999) {
      throw new IllegalArgumentException("invalid TIMESTAMP " + epochSeconds + "." + micros);
    }
  }

  public boolean isZero() {
    return epochSeconds == 0 && micros == 0;
  }

  /** The UTC wall-clock form, {@code 2024-05-01 12:34:56.000789}, or the zero timestamp. */
  public String utcText() {
    if (isZero()) {
      return "0000-00-00 00:00:00";
    }
    String base = UTC.format(Instant.ofEpochSecond(epochSeconds));
    return micros == 0 ? base : base + String.format(".%06d", micros);
  }

  @Override
  public String toString() {
    return utcText() + " UTC";
  }
}
