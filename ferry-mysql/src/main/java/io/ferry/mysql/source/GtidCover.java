package io.ferry.mysql.source;

import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.position.MariaDbGtidPosition;
import io.ferry.core.position.MySqlGtid;
import io.ferry.core.position.MySqlGtidSet;
import io.ferry.core.position.NativePosition;
import java.util.HashSet;
import java.util.Set;

/**
 * After a start by GTID, which transactions that position covers (already applied, passed over).
 * MariaDB: a transaction is covered while its domain's sequence is at or below the position's, and
 * once a domain's first uncovered transaction was read nothing more of that domain is (as in
 * MariaDB's own replication; with several domains covered transactions of one can follow uncovered
 * ones of another). MySQL: the GTID set holds it. Not thread-safe.
 */
public final class GtidCover {
  private final NativePosition covered;
  private final Set<Long> passedDomains = new HashSet<>();

  /**
   * @param covered a {@link MariaDbGtidPosition} or a {@link MySqlGtidSet}, or null for none
   */
  public GtidCover(NativePosition covered) {
    this.covered = covered;
  }

  /** The position, or null. */
  public NativePosition position() {
    return covered;
  }

  /** Whether the transaction is one the start position covers. */
  public boolean covers(ReplEvent e) {
    if (covered == null
        || !(e instanceof Transaction t)
        || !(t.header().nativePosition() instanceof BinlogPosition p)) {
      return false;
    }
    if (covered instanceof MariaDbGtidPosition pos && p.gtid() instanceof MariaDbGtid g) {
      if (passedDomains.contains(g.domain())) {
        return false;
      }
      boolean before = pos.domain(g.domain()).map(x -> x.sequence() >= g.sequence()).orElse(false);
      if (!before) {
        passedDomains.add(g.domain());
      }
      return before;
    }
    if (covered instanceof MySqlGtidSet set && p.gtid() instanceof MySqlGtid g) {
      return set.contains(g);
    }
    return false;
  }
}
