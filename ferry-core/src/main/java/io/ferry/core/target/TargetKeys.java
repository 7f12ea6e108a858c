package io.ferry.core.target;

import io.ferry.core.config.PluginConfig;
import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import java.nio.file.Path;
import java.util.Set;

/**
 * The target settings every target type shares: which type, where it is, who Ferry is there, and
 * TLS. A type reads those that mean something to it and says so in its own description; its other
 * settings it declares itself ({@link TargetType#settings()}).
 */
public final class TargetKeys {
  private TargetKeys() {}

  /** The roles that apply to a target. */
  public static final Set<String> APPLIES = Set.of("slave", "direct");

  public static final Setting<String> TYPE =
      new Setting<>(
          "target.type",
          SettingType.NAME,
          "mysql",
          false,
          APPLIES,
          false,
          "What the service applies to: one of the registered target types (mysql, postgresql,"
              + " warehouse, kafka, mongodb; 'ferry config targets' lists them with their"
              + " settings). Each type's own settings are target.<type>.*; setting another type's"
              + " key is an error.");

  public static final Setting<String> HOST =
      new Setting<>(
          "target.host",
          SettingType.STRING,
          null,
          false,
          APPLIES,
          false,
          "The server transactions are applied to (mysql, postgresql, the warehouse's postgresql"
              + " dialect). Required by those types.");

  public static final Setting<Integer> PORT =
      new Setting<>(
          "target.port",
          SettingType.PORT,
          null,
          false,
          APPLIES,
          false,
          "Its port. Default: the type's own (3306 mysql, 5432 postgresql).");

  public static final Setting<String> USER =
      new Setting<>(
          "target.user",
          SettingType.STRING,
          null,
          false,
          APPLIES,
          false,
          "The applier account. mysql: all privileges on the replicated schemas and on"
              + " ferry_<name>; BINLOG ADMIN or SUPER unless target.log-to-binlog is true."
              + " postgresql: owner of the replicated schemas and of ferry_<name>. Required by the"
              + " types that connect to a SQL server.");

  public static final Setting<String> PASSWORD =
      new Setting<>(
          "target.password",
          SettingType.STRING,
          "",
          false,
          APPLIES,
          true,
          "That account's password.");

  public static final Setting<String> DATABASE =
      new Setting<>(
          "target.database",
          SettingType.STRING,
          null,
          false,
          APPLIES,
          false,
          "The database to connect to, for types that have one (postgresql: default postgres;"
              + " mongodb: the database whose collections hold the rows when"
              + " target.mongodb.database-per-schema is false).");

  public static final Setting<String> TLS =
      new Setting<>(
          "target.tls",
          SettingType.oneOf("off", "preferred", "required", "verify-ca", "verify-full"),
          "preferred",
          false,
          APPLIES,
          false,
          "TLS towards the target (SQL and, for a source, the binlog stream): off; preferred (when"
              + " the server offers it, unverified); required (unverified); verify-ca (signed by"
              + " target.tls.ca); verify-full (and the certificate names target.host).");

  public static final Setting<Path> TLS_CA =
      new Setting<>(
          "target.tls.ca",
          SettingType.PATH,
          null,
          false,
          APPLIES,
          false,
          "The PEM certificate of the CA that signed the target's (default: the JVM's trusted CAs).");

  public static final Setting<Path> TLS_KEYSTORE =
      new Setting<>(
          "target.tls.keystore",
          SettingType.PATH,
          null,
          false,
          APPLIES,
          false,
          "A PKCS12 (or .jks) key store with Ferry's client certificate, for a target that requires"
              + " one.");

  public static final Setting<String> TLS_KEYSTORE_PASSWORD =
      new Setting<>(
          "target.tls.keystore-password",
          SettingType.STRING,
          "",
          false,
          APPLIES,
          true,
          "The key store's password.");

  /** What a heterogeneous target does with DDL that arrives in the log. */
  public static final Setting<String> DDL =
      new Setting<>(
          "target.ddl",
          SettingType.oneOf("translate", "stop", "ignore"),
          "translate",
          false,
          APPLIES,
          false,
          "For targets that are not MariaDB/MySQL: DDL in the log is translated where the type"
              + " can (CREATE TABLE, DROP TABLE, ALTER TABLE ADD/DROP/RENAME COLUMN, RENAME TABLE,"
              + " TRUNCATE) and otherwise stops the service with the statement and its seqno"
              + " (translate); always stops it (stop); or is passed over with a warning and"
              + " counted in status (ignore).");

  /** Every shared key, in reference order. */
  public static java.util.List<Setting<?>> all() {
    return java.util.List.of(
        TYPE,
        HOST,
        PORT,
        USER,
        PASSWORD,
        DATABASE,
        TLS,
        TLS_CA,
        TLS_KEYSTORE,
        TLS_KEYSTORE_PASSWORD,
        DDL);
  }

  /** The target's port: the file's, or the type's default. */
  public static int port(PluginConfig c, int typeDefault) {
    Integer p = c.get(PORT);
    return p != null ? p : typeDefault;
  }

  /**
   * A required shared setting's value, or a {@link TargetException} naming the key, the type that
   * needs it and the file.
   */
  public static <T> T require(PluginConfig c, Setting<T> s, String type) {
    T v = c.get(s);
    if (v == null || (v instanceof String text && text.isBlank())) {
      throw new TargetException(
          c.where(s) + " is required for target.type = " + type + " (" + s.description() + ")");
    }
    return v;
  }
}
