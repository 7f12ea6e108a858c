package io.ferry.filters;

import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.position.NativePosition;

/**
 * Drops whole transactions by origin service, source server id or GTID domain (see {@link
 * OriginFilterFactory}). Reads only the header, which every fragment of a transaction carries
 * alike, so all fragments of a transaction go the same way. Stateless and thread-safe.
 */
final class OriginFilter implements Filter {
  private final String name;
  private final OriginFilterFactory.Rule<String> origins;
  private final OriginFilterFactory.Rule<String> servers;
  private final OriginFilterFactory.Rule<Long> domains;

  OriginFilter(
      String name,
      OriginFilterFactory.Rule<String> origins,
      OriginFilterFactory.Rule<String> servers,
      OriginFilterFactory.Rule<Long> domains) {
    this.name = name;
    this.origins = origins;
    this.servers = servers;
    this.domains = domains;
  }

  @Override
  public Transaction filter(Transaction tx) {
    if (tx.heartbeat() != null) {
      return tx; // (a check marker is judged by its origin: its origin's rows are not here)
    }
    TransactionHeader h = tx.header();
    if (origins != null && origins.drops(blankIsNull(h.originService()))) {
      return null;
    }
    if (servers != null && servers.drops(blankIsNull(h.sourceId()))) {
      return null;
    }
    if (domains != null && domains.drops(domainOf(h.nativePosition()))) {
      return null;
    }
    return tx;
  }

  private static String blankIsNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The MariaDB GTID domain of a transaction's native position, or null when it has none. */
  static Long domainOf(NativePosition p) {
    NativePosition gtid = p instanceof BinlogPosition b ? b.gtid() : p;
    return gtid instanceof MariaDbGtid g ? g.domain() : null;
  }

  @Override
  public String name() {
    return name;
  }
}
