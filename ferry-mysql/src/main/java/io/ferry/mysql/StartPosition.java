package io.ferry.mysql;

import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.position.MariaDbGtidPosition;
import io.ferry.core.position.MySqlGtid;
import io.ferry.core.position.MySqlGtidSet;
import io.ferry.core.position.NativePosition;
import java.util.List;
import java.util.Locale;

/**
 * Where a new extractor starts when its log is empty: the oldest binlog the source still has, its
 * current end, a binlog file:offset, or right after a GTID position. Once the log holds a
 * transaction, the extractor always resumes right after the last one instead.
 */
public sealed interface StartPosition {
  /** The oldest binlog file the source still has. */
  record Beginning() implements StartPosition {}

  /** The source's current end: only what is committed from now on. */
  record Current() implements StartPosition {}

  /** A given binlog position. */
  record At(BinlogPosition position) implements StartPosition {}

  /**
   * Right after the transactions a GTID position names: a MariaDB GTID position (the last GTID of
   * each domain, as in {@code gtid_slave_pos}) or a MySQL GTID set (the transactions already
   * applied, as in {@code gtid_executed}). The first transaction not covered is read first.
   *
   * @param gtids a {@link MariaDbGtidPosition} or a {@link MySqlGtidSet}
   */
  record AfterGtids(NativePosition gtids) implements StartPosition {
    public AfterGtids {
      if (!(gtids instanceof MariaDbGtidPosition) && !(gtids instanceof MySqlGtidSet)) {
        throw new IllegalArgumentException(
            "a GTID start is a MariaDB GTID position or a MySQL GTID set, not a " + gtids.kind());
      }
    }
  }

  /**
   * Reads {@code beginning}, {@code current}, {@code file:offset}, a MariaDB GTID position ({@code
   * 0-1-42[,1-2-7]}) or a MySQL GTID set ({@code uuid:1-42[,...]}; a single {@code uuid:42} means
   * {@code uuid:1-42}).
   */
  static StartPosition parse(String text) {
    String t = text.trim();
    return switch (t.toLowerCase(Locale.ROOT)) {
      case "beginning" -> new Beginning();
      case "current" -> new Current();
      default -> {
        NativePosition p;
        try {
          p = NativePosition.parseAny(t);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "cannot read start position '"
                  + text
                  + "': give beginning, current, a binlog file:offset, a MariaDB GTID position"
                  + " (0-1-42) or a MySQL GTID set (uuid:1-42)",
              e);
        }
        if (p instanceof BinlogPosition b) {
          yield new At(b);
        }
        if (p instanceof MariaDbGtid g) {
          yield new AfterGtids(new MariaDbGtidPosition(List.of(g)));
        }
        if (p instanceof MySqlGtid g) {
          yield new AfterGtids(upTo(g));
        }
        if (p instanceof MariaDbGtidPosition || p instanceof MySqlGtidSet) {
          yield new AfterGtids(p);
        }
        throw new IllegalArgumentException(
            "start position '"
                + text
                + "' is a "
                + p.kind()
                + "; give beginning, current, a binlog file:offset, a MariaDB GTID position or a"
                + " MySQL GTID set");
      }
    };
  }

  private static MySqlGtidSet upTo(MySqlGtid g) {
    return MySqlGtidSet.parse(g.source() + ":1-" + g.transaction());
  }
}
