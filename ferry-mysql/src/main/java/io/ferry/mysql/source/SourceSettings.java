package io.ferry.mysql.source;

import io.ferry.mysql.DbTls;
import java.time.Duration;

/**
 * How to reach a MariaDB/MySQL source as a replica. {@code toString} masks the password.
 *
 * @param host the source's host name or address
 * @param port its TCP port
 * @param user the replicator account (REPLICATION SLAVE, BINLOG MONITOR, SELECT)
 * @param password that account's password
 * @param replicaServerId the server id Ferry presents when it reads the binlog; unique among the
 *     source's replicas
 * @param connectTimeout how long to wait for a connection
 * @param heartbeat how often the source sends a heartbeat when it has nothing to send
 * @param tls TLS towards the source, for SQL and the binlog stream ({@link DbTls#OFF}: plain)
 */
public record SourceSettings(
    String host,
    int port,
    String user,
    String password,
    long replicaServerId,
    Duration connectTimeout,
    Duration heartbeat,
    DbTls tls) {

  public SourceSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("a source needs a host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("invalid source port " + port);
    }
    if (replicaServerId < 1 || replicaServerId > 4294967295L) {
      throw new IllegalArgumentException(
          "the replica server id must be between 1 and 4294967295, not " + replicaServerId);
    }
    password = password == null ? "" : password;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    heartbeat = heartbeat == null ? Duration.ofSeconds(5) : heartbeat;
    tls = tls == null ? DbTls.OFF : tls;
    if (heartbeat.toMillis() < 100) {
      throw new IllegalArgumentException(
          "the source heartbeat interval must be at least 100 ms, not " + heartbeat.toMillis());
    }
  }

  public static SourceSettings of(String host, int port, String user, String password) {
    return new SourceSettings(
        host, port, user, password, 0xFE77_0000L + (port & 0xFFFF), null, null, null);
  }

  public SourceSettings withReplicaServerId(long id) {
    return new SourceSettings(host, port, user, password, id, connectTimeout, heartbeat, tls);
  }

  public SourceSettings withHeartbeat(Duration interval) {
    return new SourceSettings(
        host, port, user, password, replicaServerId, connectTimeout, interval, tls);
  }

  public SourceSettings withTls(DbTls t) {
    return new SourceSettings(
        host, port, user, password, replicaServerId, connectTimeout, heartbeat, t);
  }

  /**
   * How long a stream may stay silent (no event, no heartbeat) before Ferry takes the connection
   * for dead and reconnects: three heartbeat intervals.
   */
  public Duration silenceLimit() {
    return heartbeat.multipliedBy(3);
  }

  public String address() {
    return host + ":" + port;
  }

  /**
   * The JDBC URL for the queries Ferry makes on the source (probes, heartbeats, catalog snapshots):
   * a server that stops answering mid-query fails the query after five minutes instead of holding
   * the caller for ever.
   */
  public String jdbcUrl() {
    return "jdbc:mariadb://"
        + host
        + ":"
        + port
        + "/?connectTimeout="
        + connectTimeout.toMillis()
        + "&socketTimeout=300000";
  }

  @Override
  public String toString() {
    return user + "@" + address() + " (password masked)";
  }

  /**
   * A server id for reading a binlog, different for every reader (two readers of one source with
   * the same id would push each other off): 0xFE000000 plus 24 bits of a hash of the reader's name
   * (a service's name) and the source port.
   */
  public static long defaultReplicaServerId(String reader, int port) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update((reader + ":" + port).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return 0xFE00_0000L + (crc.getValue() & 0xFF_FFFFL);
  }
}
