package io.ferry.mysql.origin;

import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.position.NativePosition;

/** Reading a transaction header's origin facts as MariaDB/MySQL ids. Stateless. */
public final class OriginIds {
  private OriginIds() {}

  /** A source id as a server id (an unsigned 32-bit number), or -1 when it is not one. */
  public static long serverId(String sourceId) {
    if (sourceId == null || sourceId.isEmpty() || sourceId.length() > 10) {
      return -1;
    }
    for (int i = 0; i < sourceId.length(); i++) {
      if (sourceId.charAt(i) < '0' || sourceId.charAt(i) > '9') {
        return -1;
      }
    }
    long id = Long.parseLong(sourceId);
    return id > 0xFFFFFFFFL ? -1 : id;
  }

  /** The MariaDB GTID domain of a native position, or -1 when it has none. */
  public static long domainOf(NativePosition p) {
    if (p instanceof MariaDbGtid g) {
      return g.domain();
    }
    if (p instanceof BinlogPosition b && b.gtid() instanceof MariaDbGtid g) {
      return g.domain();
    }
    return -1;
  }
}
