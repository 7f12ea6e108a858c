package io.ferry.postgresql;

import io.ferry.core.config.PluginConfig;
import io.ferry.core.config.Setting;
import io.ferry.core.target.SchemaTranslator;
import io.ferry.core.target.Target;
import io.ferry.core.target.TargetException;
import io.ferry.core.target.TargetKeys;
import io.ferry.core.target.TargetType;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * target.type = postgresql: transactional apply with block commit, the position in {@code
 * ferry_<service>.position} in the same PostgreSQL transaction as the data (docs/targets/
 * postgresql.md), the type mapping of docs/type-mapping/postgresql.md. Stateless.
 */
public final class PostgresTargetType implements TargetType {
  public static final String NAME = "postgresql";
  static final int DEFAULT_PORT = 5432;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "PostgreSQL: transactional apply with block commit, rows by primary key in batched"
        + " prepared statements, DDL translated; the catalog is the schema ferry_<service>.";
  }

  @Override
  public List<Setting<?>> settings() {
    return PostgresSettings.all();
  }

  @Override
  public List<Setting<?>> sharedSettings() {
    return List.of(
        TargetKeys.HOST,
        TargetKeys.PORT,
        TargetKeys.USER,
        TargetKeys.PASSWORD,
        TargetKeys.DATABASE,
        TargetKeys.TLS,
        TargetKeys.TLS_CA,
        TargetKeys.TLS_KEYSTORE,
        TargetKeys.TLS_KEYSTORE_PASSWORD,
        TargetKeys.DDL);
  }

  @Override
  public List<String> check(PluginConfig c) {
    List<String> problems = new ArrayList<>();
    for (Setting<String> s : List.of(TargetKeys.HOST, TargetKeys.USER)) {
      try {
        TargetKeys.require(c, s, NAME);
      } catch (TargetException e) {
        problems.add(e.getMessage());
      }
    }
    if (!c.get(PostgresSettings.SCHEMA).isEmpty() && c.isSet(PostgresSettings.SCHEMA_PREFIX)) {
      problems.add(
          c.where(PostgresSettings.SCHEMA_PREFIX)
              + " has no effect with "
              + c.where(PostgresSettings.SCHEMA)
              + ": every table goes into that one schema; set only one of them");
    }
    return problems;
  }

  /**
   * {@code postgresql://user:password@host:port/database} (or {@code postgres://}; user and
   * password URL-encoded; port 5432 and database postgres by default) as service-file lines.
   */
  @Override
  public List<String> endpoint(String address) {
    if (!address.startsWith("postgresql://") && !address.startsWith("postgres://")) {
      return List.of();
    }
    Address a = Address.parse(address);
    List<String> lines = new ArrayList<>();
    lines.add("target.type = " + NAME);
    lines.add("target.host = " + a.host());
    if (a.port() > 0) {
      lines.add("target.port = " + a.port());
    }
    lines.add("target.user = " + a.user());
    lines.add("target.password = " + a.password());
    if (!a.database().isEmpty()) {
      lines.add("target.database = " + a.database());
    }
    return lines;
  }

  /**
   * A {@code postgresql://user:password@host:port/database} address, read.
   *
   * @param port the port, or -1 when the address has none
   * @param database the database, or empty when the address has none
   */
  record Address(String host, int port, String user, String password, String database) {
    static Address parse(String address) {
      String form = "postgresql://user:password@host:port/database";
      java.net.URI uri;
      try {
        uri = new java.net.URI(address);
      } catch (java.net.URISyntaxException e) {
        throw new TargetException(
            "cannot read the PostgreSQL address (" + e.getReason() + "): write " + form);
      }
      if (uri.getHost() == null || uri.getRawUserInfo() == null) {
        throw new TargetException("a PostgreSQL address needs a user and a host: write " + form);
      }
      String info = uri.getRawUserInfo();
      int colon = info.indexOf(':');
      return new Address(
          uri.getHost(),
          uri.getPort(),
          decode(colon < 0 ? info : info.substring(0, colon)),
          colon < 0 ? "" : decode(info.substring(colon + 1)),
          uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", ""));
    }

    String jdbcUrl() {
      return "jdbc:postgresql://"
          + host
          + ":"
          + (port > 0 ? port : 5432)
          + "/"
          + (database.isEmpty() ? "postgres" : database);
    }
  }

  /** Percent-decoding of a URL's user info, where '+' is a plus (not a space as in forms). */
  static String decode(String s) {
    return java.net.URLDecoder.decode(
        s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public List<SchemaTranslator> translators() {
    return List.of(new PgSchemaTranslator());
  }

  @Override
  public Target open(PluginConfig c, Clock clock) {
    List<String> problems = check(c);
    if (!problems.isEmpty()) {
      throw new TargetException(String.join("; ", problems));
    }
    return new PostgresTarget(settings(c), clock);
  }

  /** How to reach PostgreSQL, and how to apply there, from a service's file. */
  public static PgTargetSettings settings(PluginConfig c) {
    String database = c.get(TargetKeys.DATABASE);
    return new PgTargetSettings(
        c.service(),
        TargetKeys.require(c, TargetKeys.HOST, NAME),
        TargetKeys.port(c, DEFAULT_PORT),
        database == null || database.isBlank() ? "postgres" : database,
        TargetKeys.require(c, TargetKeys.USER, NAME),
        c.get(TargetKeys.PASSWORD),
        PgTargetSettings.DdlPolicy.of(c.get(TargetKeys.DDL)),
        new PgNames(c.get(PostgresSettings.SCHEMA), c.get(PostgresSettings.SCHEMA_PREFIX)),
        PgTypes.InvalidText.valueOf(
            c.get(PostgresSettings.INVALID_TEXT).toUpperCase(java.util.Locale.ROOT)),
        tls(c));
  }

  /** target.tls* as pgjdbc's properties. */
  static Properties tls(PluginConfig c) {
    Properties p = new Properties();
    String mode = c.get(TargetKeys.TLS);
    p.setProperty(
        "sslmode",
        switch (mode) {
          case "off" -> "disable";
          case "required" -> "require";
          case "verify-ca" -> "verify-ca";
          case "verify-full" -> "verify-full";
          default -> "prefer";
        });
    Path ca = c.path(TargetKeys.TLS_CA);
    if (ca != null) {
      p.setProperty("sslrootcert", ca.toString());
    }
    Path keystore = c.path(TargetKeys.TLS_KEYSTORE);
    if (keystore != null) {
      p.setProperty("sslkey", keystore.toString()); // pgjdbc reads a PKCS12 file as key and cert
      p.setProperty("sslpassword", c.get(TargetKeys.TLS_KEYSTORE_PASSWORD));
    }
    return p;
  }
}
