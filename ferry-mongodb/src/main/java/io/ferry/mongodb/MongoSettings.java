package io.ferry.mongodb;

import io.ferry.core.config.PluginConfig;
import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.target.TargetKeys;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The MongoDB target's settings ({@code target.mongodb.*}), declared once, and their values for one
 * service. Immutable.
 *
 * @param service the service's name
 * @param uri the connection string
 * @param databasePerSchema whether each source schema is a database (else one database)
 * @param database the one database when not per schema
 * @param catalogDatabase where the position lives
 * @param writeConcern majority, journaled or acknowledged
 * @param transactions auto, on or off
 * @param batchSize the most writes in one bulk request
 * @param ddl translate, stop or ignore
 * @param jsonColumns {@code schema.table.column} patterns of text columns that hold JSON
 */
public record MongoSettings(
    String service,
    String uri,
    boolean databasePerSchema,
    String database,
    String catalogDatabase,
    String writeConcern,
    String transactions,
    int batchSize,
    String ddl,
    List<String> jsonColumns) {

  public static final int DEFAULT_PORT = 27017;

  public static final Setting<String> URI =
      new Setting<>(
          "target.mongodb.uri",
          SettingType.STRING,
          null,
          false,
          TargetKeys.APPLIES,
          true,
          "The MongoDB connection string (mongodb://user:password@host:port/?replicaSet=rs0,"
              + " mongodb+srv://..., tls=true and other options as the driver reads them). When"
              + " unset it is made from target.host, target.port (default 27017), target.user and"
              + " target.password. Secret: it may hold a password.");

  public static final Setting<Boolean> DATABASE_PER_SCHEMA =
      new Setting<>(
          "target.mongodb.database-per-schema",
          SettingType.BOOLEAN,
          true,
          false,
          TargetKeys.APPLIES,
          false,
          "true: each source schema becomes a database and each table a collection of it; false:"
              + " every table is a collection named <schema>.<table> in the database"
              + " target.database (required then).");

  public static final Setting<String> CATALOG_DATABASE =
      new Setting<>(
          "target.mongodb.catalog-database",
          SettingType.STRING,
          null,
          false,
          TargetKeys.APPLIES,
          false,
          "The database of Ferry's catalog (the collection 'position'). Default: ferry_<service>.");

  public static final Setting<String> WRITE_CONCERN =
      new Setting<>(
          "target.mongodb.write-concern",
          SettingType.oneOf("majority", "journaled", "acknowledged"),
          "majority",
          false,
          TargetKeys.APPLIES,
          false,
          "How durable a write must be before Ferry goes on: majority (w: majority, journaled: a"
              + " replica set's majority has it on disk), journaled (w: 1, j: true: the primary's"
              + " journal has it) or acknowledged (w: 1: in the primary's memory; a crash of the"
              + " server may lose the last writes and the position with them, which replay"
              + " repairs only if the source's log still holds them).");

  public static final Setting<String> TRANSACTIONS =
      new Setting<>(
          "target.mongodb.transactions",
          SettingType.oneOf("auto", "on", "off"),
          "auto",
          false,
          TargetKeys.APPLIES,
          false,
          "Whether a block's writes and its position commit in one MongoDB transaction: auto (when"
              + " the server is a replica set with wire version 7 or later, or a sharded cluster"
              + " with wire version 8 or later), on (refuse to start otherwise) or off (writes"
              + " first, then the position; after a crash the block is replayed, idempotently).");

  public static final Setting<Integer> BATCH_SIZE =
      new Setting<>(
          "target.mongodb.batch-size",
          SettingType.integer(1, 100_000),
          1000,
          false,
          TargetKeys.APPLIES,
          false,
          "The most document writes sent in one ordered bulk write.");

  public static final Setting<String> JSON_COLUMNS =
      new Setting<>(
          "target.mongodb.json-columns",
          SettingType.STRING,
          "",
          false,
          TargetKeys.APPLIES,
          false,
          "Comma-separated schema.table.column names (* matches any name part) of text columns"
              + " that hold JSON and are written as embedded documents/arrays. MariaDB's JSON type"
              + " is LONGTEXT in its binlog, so its columns arrive as text and are written as"
              + " strings unless listed here; a MySQL source's JSON is always embedded.");

  /** Its own settings, in reference order. */
  public static List<Setting<?>> own() {
    return List.of(
        URI,
        DATABASE_PER_SCHEMA,
        CATALOG_DATABASE,
        WRITE_CONCERN,
        TRANSACTIONS,
        BATCH_SIZE,
        JSON_COLUMNS);
  }

  /** The shared keys it reads. */
  public static List<Setting<?>> shared() {
    return List.of(
        TargetKeys.HOST,
        TargetKeys.PORT,
        TargetKeys.USER,
        TargetKeys.PASSWORD,
        TargetKeys.DATABASE,
        TargetKeys.DDL);
  }

  /** Problems of a service's file beyond each value's type, each naming where. */
  public static List<String> check(PluginConfig c) {
    List<String> problems = new ArrayList<>();
    boolean uri = c.get(URI) != null && !c.get(URI).isBlank();
    String host = c.get(TargetKeys.HOST);
    if (!uri && (host == null || host.isBlank())) {
      problems.add(
          c.where(URI)
              + ": set the MongoDB connection string, or target.host (and target.port) for"
              + " target.type = mongodb");
    }
    if (uri && c.isSet(TargetKeys.HOST)) {
      problems.add(
          c.where(TargetKeys.HOST)
              + ": target.mongodb.uri is set too; put the host in the connection string and"
              + " remove target.host");
    }
    if (uri && !c.get(URI).startsWith("mongodb://") && !c.get(URI).startsWith("mongodb+srv://")) {
      problems.add(c.where(URI) + ": a connection string starts with mongodb:// or mongodb+srv://");
    }
    String db = c.get(TargetKeys.DATABASE);
    if (!c.get(DATABASE_PER_SCHEMA) && (db == null || db.isBlank())) {
      problems.add(
          c.where(DATABASE_PER_SCHEMA)
              + " is false: set target.database, the database whose collections <schema>.<table>"
              + " hold the rows");
    }
    return problems;
  }

  /** The values of one service's file; {@link #check} first. */
  public static MongoSettings of(PluginConfig c) {
    List<String> problems = check(c);
    if (!problems.isEmpty()) {
      throw new io.ferry.core.target.TargetException(String.join("; ", problems));
    }
    String uri = c.get(URI);
    if (uri == null || uri.isBlank()) {
      String user = c.get(TargetKeys.USER);
      String auth =
          user == null || user.isBlank()
              ? ""
              : enc(user) + ":" + enc(nullToEmpty(c.get(TargetKeys.PASSWORD))) + "@";
      uri =
          "mongodb://"
              + auth
              + c.get(TargetKeys.HOST)
              + ":"
              + TargetKeys.port(c, DEFAULT_PORT)
              + "/";
    }
    String catalog = c.get(CATALOG_DATABASE);
    return new MongoSettings(
        c.service(),
        uri,
        c.get(DATABASE_PER_SCHEMA),
        c.get(TargetKeys.DATABASE),
        catalog == null || catalog.isBlank() ? "ferry_" + c.service() : catalog,
        c.get(WRITE_CONCERN),
        c.get(TRANSACTIONS),
        c.get(BATCH_SIZE),
        c.get(TargetKeys.DDL),
        Arrays.stream(c.get(JSON_COLUMNS).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList());
  }

  /** Settings for tests and tools: database per schema, majority, auto, translate. */
  public static MongoSettings of(String service, String uri) {
    return new MongoSettings(
        service,
        uri,
        true,
        null,
        "ferry_" + service,
        "majority",
        "auto",
        1000,
        "translate",
        List.of());
  }

  public MongoSettings with(String newTransactions, String newWriteConcern) {
    return new MongoSettings(
        service,
        uri,
        databasePerSchema,
        database,
        catalogDatabase,
        newWriteConcern,
        newTransactions,
        batchSize,
        ddl,
        jsonColumns);
  }

  public MongoSettings withLayout(boolean perSchema, String oneDatabase) {
    return new MongoSettings(
        service,
        uri,
        perSchema,
        oneDatabase,
        catalogDatabase,
        writeConcern,
        transactions,
        batchSize,
        ddl,
        jsonColumns);
  }

  public MongoSettings withDdl(String newDdl) {
    return new MongoSettings(
        service,
        uri,
        databasePerSchema,
        database,
        catalogDatabase,
        writeConcern,
        transactions,
        batchSize,
        newDdl,
        jsonColumns);
  }

  public MongoSettings withJsonColumns(List<String> patterns) {
    return new MongoSettings(
        service,
        uri,
        databasePerSchema,
        database,
        catalogDatabase,
        writeConcern,
        transactions,
        batchSize,
        ddl,
        List.copyOf(patterns));
  }

  /** Whether a text column holds JSON by {@link #jsonColumns}. */
  public boolean isJson(String schema, String table, String column) {
    for (String p : jsonColumns) {
      String[] parts = p.split("\\.", 3);
      if (parts.length == 3
          && matches(parts[0], schema)
          && matches(parts[1], table)
          && matches(parts[2], column)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String pattern, String name) {
    return pattern.equals("*") || pattern.equalsIgnoreCase(name);
  }

  /** The connection string with its password masked, for messages. */
  public String address() {
    return uri.replaceAll("//[^@/]*@", "//***@");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
