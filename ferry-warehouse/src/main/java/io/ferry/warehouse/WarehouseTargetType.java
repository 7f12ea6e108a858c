package io.ferry.warehouse;

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
 * {@code target.type = warehouse}: transactions staged per table and merged set-based in batches
 * into an analytical store (DuckDB embedded, or PostgreSQL). Stateless and thread-safe.
 */
public final class WarehouseTargetType implements TargetType {
  @Override
  public String name() {
    return "warehouse";
  }

  @Override
  public String description() {
    return "an analytical store loaded in batches: rows staged as CSV per table, merged set-based"
        + " with the position in one store transaction (DuckDB file, or PostgreSQL)";
  }

  @Override
  public List<Setting<?>> settings() {
    return WarehouseSettings.all();
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
    String dialect = c.get(WarehouseSettings.DIALECT);
    if (dialect.equals("duckdb")) {
      if (c.get(WarehouseSettings.PATH) == null) {
        problems.add(
            c.where(WarehouseSettings.PATH)
                + " is required with target.warehouse.dialect = duckdb: the DuckDB database file");
      }
      for (Setting<?> s : List.of(TargetKeys.HOST, TargetKeys.USER, TargetKeys.DATABASE)) {
        if (c.isSet(s)) {
          problems.add(
              c.where(s)
                  + " means nothing with target.warehouse.dialect = duckdb (an embedded file):"
                  + " remove it, or set the dialect to postgresql");
        }
      }
    } else {
      for (Setting<?> s : List.of(TargetKeys.HOST, TargetKeys.USER)) {
        Object v = c.get(s);
        if (v == null || v.toString().isBlank()) {
          problems.add(c.where(s) + " is required with target.warehouse.dialect = postgresql");
        }
      }
      if (c.isSet(WarehouseSettings.PATH)) {
        problems.add(
            c.where(WarehouseSettings.PATH)
                + " is for the duckdb dialect: remove it, or set target.warehouse.dialect ="
                + " duckdb");
      }
    }
    return problems;
  }

  @Override
  public List<SchemaTranslator> translators() {
    return List.of(new DuckDbTranslator());
  }

  /**
   * {@code duckdb:PATH} (the duckdb dialect), or {@code warehouse+postgresql://user:password@host:
   * port/database} (the postgresql dialect; a plain {@code postgresql://} address is the postgresql
   * target's).
   */
  @Override
  public List<String> endpoint(String address) {
    if (address.startsWith("duckdb:")) {
      String path = address.substring("duckdb:".length());
      if (path.isBlank()) {
        throw new TargetException(
            "'"
                + address
                + "' names no file: write duckdb:PATH, like duckdb:/var/lib/ferry/a.duckdb");
      }
      return List.of(
          "target.type = warehouse",
          "target.warehouse.dialect = duckdb",
          "target.warehouse.path = " + path);
    }
    String prefix = "warehouse+postgresql://";
    if (!address.startsWith(prefix)) {
      return List.of();
    }
    java.net.URI u;
    try {
      u = new java.net.URI("postgresql://" + address.substring(prefix.length()));
    } catch (java.net.URISyntaxException e) {
      u = null;
    }
    if (u == null || u.getHost() == null || u.getRawUserInfo() == null) {
      throw new TargetException(
          "cannot read '"
              + address.replaceAll(":[^:@/]*@", ":***@")
              + "': write warehouse+postgresql://user:password@host:port/database");
    }
    String[] userInfo = u.getRawUserInfo().split(":", 2);
    List<String> lines = new ArrayList<>();
    lines.add("target.type = warehouse");
    lines.add("target.warehouse.dialect = postgresql");
    lines.add("target.host = " + u.getHost());
    lines.add("target.port = " + (u.getPort() < 0 ? 5432 : u.getPort()));
    lines.add("target.user = " + decode(userInfo[0]));
    if (userInfo.length > 1) {
      lines.add("target.password = " + decode(userInfo[1]));
    }
    String db = u.getPath() == null ? "" : u.getPath().replaceFirst("^/", "");
    if (!db.isEmpty()) {
      lines.add("target.database = " + db);
    }
    return lines;
  }

  /** Percent-decoding of a URL's user part: a '+' there is a plus, not a space. */
  private static String decode(String s) {
    return java.net.URLDecoder.decode(
        s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public Target open(PluginConfig c, Clock clock) {
    WarehouseSettings s = WarehouseSettings.of(c);
    return new WarehouseTarget(s, dialect(c, s), clock);
  }

  static WarehouseDialect dialect(PluginConfig c, WarehouseSettings s) {
    if (s.dialect().equals("duckdb")) {
      Path file = c.path(WarehouseSettings.PATH);
      if (file == null) {
        throw new TargetException(
            c.where(WarehouseSettings.PATH)
                + " is required with target.warehouse.dialect = duckdb: the DuckDB database file");
      }
      return new DuckDbDialect(file);
    }
    String host = TargetKeys.require(c, TargetKeys.HOST, "warehouse (postgresql dialect)");
    String user = TargetKeys.require(c, TargetKeys.USER, "warehouse (postgresql dialect)");
    String db = c.get(TargetKeys.DATABASE);
    return new PostgresDialect(
        host,
        TargetKeys.port(c, 5432),
        db == null || db.isBlank() ? "postgres" : db,
        user,
        c.get(TargetKeys.PASSWORD),
        tls(c));
  }

  /** pgjdbc's TLS properties from the shared target.tls keys. */
  static Properties tls(PluginConfig c) {
    Properties p = new Properties();
    String mode =
        switch (c.get(TargetKeys.TLS)) {
          case "off" -> "disable";
          case "required" -> "require";
          case "verify-ca" -> "verify-ca";
          case "verify-full" -> "verify-full";
          default -> "prefer";
        };
    p.setProperty("sslmode", mode);
    Path ca = c.path(TargetKeys.TLS_CA);
    if (ca != null) {
      p.setProperty("sslrootcert", ca.toString());
    }
    Path keystore = c.path(TargetKeys.TLS_KEYSTORE);
    if (keystore != null) {
      p.setProperty("sslkey", keystore.toString());
      p.setProperty("sslpassword", c.get(TargetKeys.TLS_KEYSTORE_PASSWORD));
    }
    return p;
  }
}
