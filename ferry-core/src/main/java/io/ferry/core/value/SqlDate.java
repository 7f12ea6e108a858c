package io.ferry.core.value;

/**
 * A DATE as MariaDB/MySQL stores it, zero dates included ({@code 0000-00-00}, {@code 2024-00-00}),
 * which {@link java.time.LocalDate} cannot hold.
 *
 * @param year 0 to 9999
 * @param month 0 to 12
 * @param day 0 to 31
 */
public record SqlDate(int year, int month, int day) {
  public SqlDate {
    if (year < 0 || year > 9999 || month < 0 || month > 12 || day < 0 || day > 31) {
      throw new IllegalArgumentException("invalid DATE " + year + "-" + month + "-" + day);
    }
  }

  @Override
  public String toString() {
    return String.format("%04d-%02d-%02d", year, month, day);
  }
}
