package io.ferry.sandbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * One server of a sandbox with what a client needs to reach it. Immutable; {@link #pid()} and
 * {@link #isRunning()} look at the live process each time.
 */
public record SandboxServer(
    String sandbox,
    Flavor flavor,
    String version,
    Node node,
    Account root,
    Account app,
    Account replicator) {

  public int index() {
    return node.index();
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return node.port();
  }

  public long serverId() {
    return node.serverId();
  }

  public Path dir() {
    return node.path();
  }

  public Path dataDir() {
    return node.dataDir();
  }

  public Path logFile() {
    return node.logFile();
  }

  /**
   * The server's configuration file, read at every start: {@code my.cnf} (MariaDB) or {@code
   * data/ferry-sandbox.conf} (PostgreSQL). Settings appended to it last until the sandbox is
   * recreated.
   */
  public Path configFile() {
    return flavor == Flavor.MARIADB
        ? MariaDbDriver.configFile(node)
        : node.dataDir().resolve("ferry-sandbox.conf");
  }

  /** The unix socket: a file for MariaDB, the socket directory for PostgreSQL. */
  public Path socket() {
    return flavor == Flavor.MARIADB ? MariaDbDriver.socket(node) : node.path();
  }

  /** The database a client lands in by default: none for MariaDB, {@code app} for PostgreSQL. */
  public String defaultDatabase() {
    return flavor == Flavor.MARIADB ? "" : PostgresDriver.APP_DATABASE;
  }

  /** A JDBC URL for the default database, without credentials. */
  public String jdbcUrl() {
    return jdbcUrl(defaultDatabase());
  }

  /** A JDBC URL for a database (MariaDB: may be empty), without credentials. */
  public String jdbcUrl(String database) {
    return switch (flavor) {
      case MARIADB -> "jdbc:mariadb://127.0.0.1:" + port() + "/" + database + "?sslMode=disable";
      case POSTGRESQL -> "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    };
  }

  /** Opens a JDBC connection as the application account to the default database. */
  public Connection connect() throws SQLException {
    return connect(app, defaultDatabase());
  }

  /** Opens a JDBC connection as an account to a database. */
  public Connection connect(Account account, String database) throws SQLException {
    return ServerDriver.connect(jdbcUrl(database), account.user(), account.password());
  }

  public OptionalLong pid() {
    return ServerProcess.runningPid(node);
  }

  public boolean isRunning() {
    return pid().isPresent();
  }
}
