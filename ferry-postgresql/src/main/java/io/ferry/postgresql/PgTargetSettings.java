package io.ferry.postgresql;

import java.util.Properties;

/**
 * Where and how a service applies to PostgreSQL. Immutable.
 *
 * @param service the service's name (its catalog is the schema {@code ferry_<service>})
 * @param host the server's host
 * @param port its port
 * @param database the database tables go to
 * @param user the account
 * @param password its password
 * @param ddl what DDL from the THL does
 * @param names which PostgreSQL schema a source schema's tables go to
 * @param invalidText what character data PostgreSQL cannot hold does
 * @param extra further pgjdbc connection properties (TLS and the like), or empty
 */
public record PgTargetSettings(
    String service,
    String host,
    int port,
    String database,
    String user,
    String password,
    DdlPolicy ddl,
    PgNames names,
    PgTypes.InvalidText invalidText,
    Properties extra) {

  /** What DDL that arrives in the THL does (target.ddl). */
  public enum DdlPolicy {
    /** Translate what can be translated; stop at what cannot. */
    TRANSLATE,
    /** Stop at every DDL statement, naming it and its seqno. */
    STOP,
    /** Pass over DDL with a warning, counted in the stats. */
    IGNORE;

    public static DdlPolicy of(String text) {
      return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
    }
  }

  public PgTargetSettings {
    extra = extra == null ? new Properties() : extra;
    names = names == null ? PgNames.SAME : names;
  }

  /** Settings with the defaults: translate DDL, same schema names, invalid text an error. */
  public static PgTargetSettings of(
      String service, String host, int port, String database, String user, String password) {
    return new PgTargetSettings(
        service,
        host,
        port,
        database,
        user,
        password,
        DdlPolicy.TRANSLATE,
        PgNames.SAME,
        PgTypes.InvalidText.FAIL,
        new Properties());
  }

  public PgTargetSettings withDdl(DdlPolicy policy) {
    return new PgTargetSettings(
        service, host, port, database, user, password, policy, names, invalidText, extra);
  }

  public PgTargetSettings withNames(String intoSchema, String prefix) {
    return new PgTargetSettings(
        service,
        host,
        port,
        database,
        user,
        password,
        ddl,
        new PgNames(intoSchema, prefix),
        invalidText,
        extra);
  }

  public PgTargetSettings withInvalidText(PgTypes.InvalidText policy) {
    return new PgTargetSettings(
        service, host, port, database, user, password, ddl, names, policy, extra);
  }

  /** The catalog schema, {@code ferry_<service>}. */
  public String catalogSchema() {
    return "ferry_" + service;
  }

  /** {@code host:port/database}, for messages. */
  public String address() {
    return host + ":" + port + "/" + database;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** The connection properties: the account, batched inserts rewritten, a name in pg_stat. */
  Properties properties() {
    Properties p = new Properties();
    p.putAll(extra);
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("reWriteBatchedInserts", "true");
    p.setProperty("ApplicationName", "ferry-" + service);
    p.setProperty("connectTimeout", "10");
    p.setProperty("tcpKeepAlive", "true");
    return p;
  }
}
