package io.ferry.core.position;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * A MySQL GTID {@code source_uuid:transaction_id}. Ordered for the same source uuid.
 *
 * @param source the uuid of the server that wrote it
 * @param transaction the transaction number, from 1
 */
public record MySqlGtid(UUID source, long transaction) implements NativePosition {
  public static final String KIND = "mysql-gtid";

  public MySqlGtid {
    if (source == null || transaction < 1) {
      throw new IllegalArgumentException("a MySQL GTID needs a source uuid and a number >= 1");
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String text() {
    return source.toString().toLowerCase(Locale.ROOT) + ":" + transaction;
  }

  public static MySqlGtid parse(String text) {
    int colon = text.lastIndexOf(':');
    try {
      return new MySqlGtid(
          UUID.fromString(text.substring(0, colon).trim()),
          Long.parseLong(text.substring(colon + 1).trim()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read '" + text + "' as a MySQL GTID: expected source_uuid:number", e);
    }
  }

  @Override
  public Optional<Integer> compare(NativePosition other) {
    if (other instanceof MySqlGtid o && o.source.equals(source)) {
      return Optional.of(Long.compare(transaction, o.transaction));
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return text();
  }
}
