package io.ferry.mysql.apply;

import io.ferry.mysql.DbTls;
import java.time.Duration;

/**
 * How to reach a MariaDB/MySQL target. {@code toString} masks the password.
 *
 * @param host the target's host name or address
 * @param port its TCP port
 * @param user the applier account (all privileges on the replicated schemas and on the catalog
 *     schema; BINLOG ADMIN or SUPER to keep applied changes out of the target's binlog)
 * @param password that account's password
 * @param connectTimeout how long to wait for a connection
 * @param tls TLS towards the target ({@link DbTls#OFF} for plain TCP)
 */
public record TargetSettings(
    String host, int port, String user, String password, Duration connectTimeout, DbTls tls) {

  public TargetSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("a target needs a host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("invalid target port " + port);
    }
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("a target needs a user");
    }
    password = password == null ? "" : password;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    tls = tls == null ? DbTls.OFF : tls;
  }

  public static TargetSettings of(String host, int port, String user, String password) {
    return new TargetSettings(host, port, user, password, null, null);
  }

  public TargetSettings withTls(DbTls t) {
    return new TargetSettings(host, port, user, password, connectTimeout, t);
  }

  public String address() {
    return host + ":" + port;
  }

  /**
   * The JDBC URL: server-side prepared statements (values travel in the binary protocol, exact),
   * batches pipelined statement by statement (so a failing row is known exactly, where bulk inserts
   * only say the batch failed), LOAD DATA LOCAL for replicated LOAD DATA. TLS is set by {@link
   * DbTls#connect}.
   */
  public String jdbcUrl() {
    return "jdbc:mariadb://"
        + host
        + ":"
        + port
        + "/?useServerPrepStmts=true&allowMultiQueries=true"
        + "&allowLocalInfile=true"
        + "&prepStmtCacheSize=500&connectTimeout="
        + connectTimeout.toMillis();
  }

  @Override
  public String toString() {
    return "TargetSettings[" + user + "@" + address() + ", password=*****]";
  }

  /**
   * A new connection to the target, or an error that says why not (TLS refused, a wrong password),
   * for every connection Ferry opens there.
   */
  public java.sql.Connection connect() throws java.sql.SQLException {
    java.util.Properties props = new java.util.Properties();
    props.setProperty("user", user());
    props.setProperty("password", password());
    java.sql.Connection c;
    try {
      c = tls().connect(jdbcUrl(), props);
    } catch (java.sql.SQLException e) {
      String tls = io.ferry.mysql.DbTls.refusal(e);
      if (tls != null) {
        // 2026 (SSL connection error): a server error code, so it is not retried as a network one
        throw new java.sql.SQLException(tls().explain("target", address(), tls), "HY000", 2026, e);
      }
      String why =
          e.getErrorCode() == 1045
              ? "access denied for user '" + user() + "': check the target's password"
              : e.getMessage();
      throw new java.sql.SQLException(
          "cannot connect to the target at " + address() + ": " + why,
          e.getSQLState(),
          e.getErrorCode(),
          e);
    }
    return c;
  }
}
