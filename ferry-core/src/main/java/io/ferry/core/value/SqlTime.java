package io.ferry.core.value;

/**
 * A TIME: a signed duration from {@code -838:59:59.999999} to {@code 838:59:59.999999}, with
 * microseconds.
 *
 * @param negative whether it is below zero
 * @param hours 0 to 838
 * @param minutes 0 to 59
 * @param seconds 0 to 59
 * @param micros 0 to 999999
 */
public record SqlTime(boolean negative, int hours, int minutes, int seconds, int micros) {
  public SqlTime {
    if (hours < 0
        || hours > 838
        || minutes < 0
        || minutes > 59
        || seconds < 0
        || seconds > 59
        || micros < 0
        || micros > 999_999) {
      throw new IllegalArgumentException(
          "invalid TIME " + hours + ":" + minutes + ":" + seconds + "." + micros);
    }
    if (negative && hours == 0 && minutes == 0 && seconds == 0 && micros == 0) {
      negative = false;
    }
  }

  /** The duration in microseconds, negative below zero. */
  public long totalMicros() {
    long abs = ((hours * 60L + minutes) * 60L + seconds) * 1_000_000L + micros;
    return negative ? -abs : abs;
  }

  /** A TIME from a signed number of microseconds. */
  public static SqlTime ofMicros(long total) {
    long abs = Math.abs(total);
    int micros = (int) (abs % 1_000_000);
    long secs = abs / 1_000_000;
    return new SqlTime(
        total < 0, (int) (secs / 3600), (int) (secs / 60 % 60), (int) (secs % 60), micros);
  }

  /** {@code -12:34:56.000789} (the fraction only when not zero). */
  @Override
  public String toString() {
    String base = String.format("%s%02d:%02d:%02d", negative ? "-" : "", hours, minutes, seconds);
    return micros == 0 ? base : base + String.format(".%06d", micros);
  }
}
