package io.ferry.core.position;

import java.util.Optional;

/**
 * A source's own coordinate for a transaction: a binlog file and offset, a MariaDB or MySQL GTID
 * (or set of them), a PostgreSQL LSN. Immutable values. Each has a kind and a canonical text form;
 * {@link #parse(String, String)} reads them back, so they travel as text in the THL.
 */
public sealed interface NativePosition
    permits BinlogPosition,
        MariaDbGtid,
        MariaDbGtidPosition,
        MySqlGtid,
        MySqlGtidSet,
        PgLsn,
        OpaquePosition {

  /** The kind of position, as stored in the THL: for example {@code binlog} or {@code pg-lsn}. */
  String kind();

  /** The canonical text form, which {@link #parse(String, String)} reads back. */
  String text();

  /**
   * Compares with another position where an order is defined (same kind, and for GTIDs the same
   * domain or source): negative, zero or positive like {@link Comparable}; empty where positions
   * cannot be ordered.
   */
  Optional<Integer> compare(NativePosition other);

  /** Reads a position from its kind and canonical text. */
  static NativePosition parse(String kind, String text) {
    return switch (kind) {
      case BinlogPosition.KIND -> BinlogPosition.parse(text);
      case MariaDbGtid.KIND -> MariaDbGtid.parse(text);
      case MariaDbGtidPosition.KIND -> MariaDbGtidPosition.parse(text);
      case MySqlGtid.KIND -> MySqlGtid.parse(text);
      case MySqlGtidSet.KIND -> MySqlGtidSet.parse(text);
      case PgLsn.KIND -> PgLsn.parse(text);
      case OpaquePosition.KIND -> new OpaquePosition(text);
      default ->
          throw new IllegalArgumentException(
              "unknown native position kind '"
                  + kind
                  + "': expected binlog, mariadb-gtid, mariadb-gtid-pos, mysql-gtid,"
                  + " mysql-gtid-set, pg-lsn or opaque");
    };
  }

  /**
   * Reads a position from user input: {@code file:offset}, {@code domain-server-seq[,...]}, {@code
   * uuid:n}, {@code uuid:1-5[:7-9][,...]}, {@code 16/B374D848}, or {@code kind:text}.
   */
  static NativePosition parseAny(String text) {
    String t = text.trim();
    int colon = t.indexOf(':');
    if (colon > 0) {
      String prefix = t.substring(0, colon);
      if (prefix.equals(BinlogPosition.KIND)
          || prefix.equals(MariaDbGtid.KIND)
          || prefix.equals(MariaDbGtidPosition.KIND)
          || prefix.equals(MySqlGtid.KIND)
          || prefix.equals(MySqlGtidSet.KIND)
          || prefix.equals(PgLsn.KIND)
          || prefix.equals(OpaquePosition.KIND)) {
        return parse(prefix, t.substring(colon + 1));
      }
    }
    if (t.matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
      return PgLsn.parse(t);
    }
    if (t.matches("\\d+-\\d+-\\d+(,\\d+-\\d+-\\d+)*")) {
      return t.contains(",") ? MariaDbGtidPosition.parse(t) : MariaDbGtid.parse(t);
    }
    if (t.matches("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:\\d+")) {
      return MySqlGtid.parse(t);
    }
    if (t.matches("(?i)[0-9a-f]{8}-[0-9a-f-]{27}:.*")) {
      return MySqlGtidSet.parse(t);
    }
    if (t.matches(".+:\\d+")) {
      return BinlogPosition.parse(t);
    }
    throw new IllegalArgumentException(
        "cannot read '"
            + text
            + "' as a native position: expected file:offset, a MariaDB GTID (0-1-42), a MySQL"
            + " GTID (uuid:42) or GTID set, a PostgreSQL LSN (16/B374D848), or kind:text");
  }
}
