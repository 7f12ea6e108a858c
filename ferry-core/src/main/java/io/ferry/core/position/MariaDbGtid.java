package io.ferry.core.position;

import java.util.Optional;

/**
 * A MariaDB GTID {@code domain-server-sequence}. Ordered within a domain by sequence number.
 *
 * @param domain the replication domain id
 * @param serverId the id of the server that wrote it
 * @param sequence the sequence number within the domain
 */
public record MariaDbGtid(long domain, long serverId, long sequence) implements NativePosition {
  public static final String KIND = "mariadb-gtid";

  public MariaDbGtid {
    if (domain < 0 || serverId < 0 || sequence < 0) {
      throw new IllegalArgumentException("negative part in MariaDB GTID");
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String text() {
    return domain + "-" + serverId + "-" + sequence;
  }

  public static MariaDbGtid parse(String text) {
    String t = text.trim();
    int first = t.indexOf('-');
    int second = first < 0 ? -1 : t.indexOf('-', first + 1);
    if (first <= 0
        || second <= first + 1
        || second == t.length() - 1
        || t.indexOf('-', second + 1) >= 0) {
      throw new IllegalArgumentException(
          "cannot read '" + text + "' as a MariaDB GTID: expected domain-server-sequence");
    }
    try {
      return new MariaDbGtid(
          Long.parseUnsignedLong(t, 0, first, 10),
          Long.parseUnsignedLong(t, first + 1, second, 10),
          Long.parseUnsignedLong(t, second + 1, t.length(), 10));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "cannot read '" + text + "' as a MariaDB GTID: expected three numbers", e);
    }
  }

  @Override
  public Optional<Integer> compare(NativePosition other) {
    if (other instanceof MariaDbGtid o && o.domain == domain) {
      return Optional.of(Long.compare(sequence, o.sequence));
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return text();
  }
}
