package io.ferry.mysql.source;

import io.ferry.core.position.BinlogPosition;
import java.util.List;
import java.util.Map;

/**
 * What a source told about itself when Ferry connected. Immutable.
 *
 * @param version the server version string
 * @param mariaDb whether it is MariaDB (else MySQL)
 * @param serverId its server id
 * @param binlogFormat ROW, STATEMENT or MIXED
 * @param rowImage FULL, MINIMAL or NOBLOB
 * @param rowMetadata FULL, MINIMAL or NO_LOG (empty on servers without the setting)
 * @param head the position right after its last binlog event
 * @param gtidBinlogPos MariaDB: {@code @@gtid_binlog_pos}; MySQL: {@code @@gtid_executed}
 * @param binlogs the binlog files it still has, oldest first
 * @param collations collation id to (collation, character set) names
 */
public record SourceInfo(
    String version,
    boolean mariaDb,
    long serverId,
    String binlogFormat,
    String rowImage,
    String rowMetadata,
    BinlogPosition head,
    String gtidBinlogPos,
    List<String> binlogs,
    Map<Integer, Collation> collations) {

  /** A collation and its character set. */
  public record Collation(String name, String charset) {}

  /** The character set of a collation id (for example 45 → utf8mb4), or null if unknown. */
  public String charsetOf(int collationId) {
    Collation c = collations.get(collationId);
    return c == null ? null : c.charset();
  }

  public String collationName(int collationId) {
    Collation c = collations.get(collationId);
    return c == null ? null : c.name();
  }
}
