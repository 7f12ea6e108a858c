package io.ferry.core.value;

/**
 * A DATETIME: a calendar date and wall-clock time without a time zone, with microseconds; zero
 * values allowed as the server allows them.
 */
public record SqlDateTime(
    int year, int month, int day, int hour, int minute, int second, int micros) {
  public SqlDateTime {
    new SqlDate(year, month, day); // validates the date part
    if (hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59
        || micros < 0
        || micros > 999_999) {
      throw new IllegalArgumentException(
          "invalid DATETIME time " + hour + ":" + minute + ":" + second + "." + micros);
    }
  }

  public SqlDate date() {
    return new SqlDate(year, month, day);
  }

  /** {@code 2024-05-01 12:34:56.000789} (the fraction only when not zero). */
  @Override
  public String toString() {
    String base =
        String.format("%04d-%02d-%02d %02d:%02d:%02d", year, month, day, hour, minute, second);
    return micros == 0 ? base : base + String.format(".%06d", micros);
  }
}
