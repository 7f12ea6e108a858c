package io.ferry.core.position;

import java.util.Locale;
import java.util.Optional;

/**
 * A PostgreSQL log sequence number, written {@code X/Y} (two hexadecimal 32-bit halves).
 *
 * @param value the 64-bit LSN, compared unsigned
 */
public record PgLsn(long value) implements NativePosition {
  public static final String KIND = "pg-lsn";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String text() {
    return Long.toHexString(value >>> 32).toUpperCase(Locale.ROOT)
        + "/"
        + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
  }

  public static PgLsn parse(String text) {
    int slash = text.indexOf('/');
    try {
      long high = Long.parseLong(text.substring(0, slash).trim(), 16);
      long low = Long.parseLong(text.substring(slash + 1).trim(), 16);
      if (high > 0xFFFFFFFFL || low > 0xFFFFFFFFL) {
        throw new NumberFormatException("half out of range");
      }
      return new PgLsn((high << 32) | low);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read '" + text + "' as a PostgreSQL LSN: expected X/Y in hexadecimal", e);
    }
  }

  @Override
  public Optional<Integer> compare(NativePosition other) {
    if (other instanceof PgLsn o) {
      return Optional.of(Long.compareUnsigned(value, o.value));
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return text();
  }
}
