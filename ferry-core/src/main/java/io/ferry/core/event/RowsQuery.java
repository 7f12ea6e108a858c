package io.ferry.core.event;

/**
 * The original statement of the row changes that follow it (MariaDB {@code ANNOTATE_ROWS}, MySQL
 * {@code Rows_query}): kept for people reading the log, never applied.
 *
 * @param text the statement text
 */
public record RowsQuery(String text) implements Change {
  public RowsQuery {
    if (text == null) {
      throw new IllegalArgumentException("a rows query needs its text");
    }
  }

  @Override
  public long estimatedBytes() {
    return 32L + text.length();
  }
}
