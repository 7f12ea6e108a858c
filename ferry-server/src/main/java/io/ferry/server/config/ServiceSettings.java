package io.ferry.server.config;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.net.MasterAddress;
import io.ferry.core.target.TargetKeys;
import io.ferry.core.thl.FsyncPolicy;
import io.ferry.mysql.StartPosition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Every key of a service configuration file, declared once. The order here is the order of the
 * generated reference (docs/configuration.md) and of {@code ferry config show}.
 */
public final class ServiceSettings {
  private ServiceSettings() {}

  public static final String MASTER = "master";
  public static final String SLAVE = "slave";
  public static final String DIRECT = "direct";
  public static final String DUMMY = "dummy";

  private static final Set<String> ALL_ROLES = Set.of();
  public static final Set<String> READS_BINLOG = Set.of(MASTER, DIRECT, DUMMY);
  public static final Set<String> APPLIES = Set.of(SLAVE, DIRECT);
  private static final Set<String> HAS_THL = Set.of(MASTER, SLAVE);

  private static final List<Setting<?>> ALL = new ArrayList<>();

  /** Lists a setting declared elsewhere (the shared target keys). */
  private static <T> Setting<T> adopt(Setting<T> s) {
    ALL.add(s);
    return s;
  }

  static <T> Setting<T> add(
      String key,
      SettingType<T> type,
      T def,
      boolean required,
      Set<String> roles,
      boolean secret,
      String description) {
    Setting<T> s = new Setting<>(key, type, def, required, roles, secret, description);
    ALL.add(s);
    return s;
  }

  // ---------------------------------------------------------------- service

  public static final Setting<String> NAME =
      add(
          "service.name",
          SettingType.NAME,
          null,
          true,
          ALL_ROLES,
          false,
          "The service's name: unique in a replicator; the target's catalog schema is"
              + " ferry_<name>.");

  public static final Setting<String> ROLE =
      add(
          "service.role",
          SettingType.oneOf(MASTER, SLAVE, DIRECT, DUMMY),
          null,
          true,
          ALL_ROLES,
          false,
          "master: binlog to THL, served to replicas. slave: a master's THL to a local THL to"
              + " the target. direct: binlog straight to the target (migrations, rescuing a dead"
              + " master's binlog). dummy: reads the binlog and only counts.");

  public static final Setting<Path> DIR =
      add(
          "service.dir",
          SettingType.PATH,
          null,
          false,
          ALL_ROLES,
          false,
          "Where the service keeps its files (THL, schema history). Default:"
              + " /var/lib/ferry/services/<name> as root, ~/.local/share/ferry/services/<name>"
              + " otherwise.");

  // ---------------------------------------------------------------- source

  public static final Setting<String> SOURCE_HOST =
      add(
          "source.host",
          SettingType.STRING,
          null,
          true,
          READS_BINLOG,
          false,
          "The MariaDB/MySQL server whose binlog is read.");

  public static final Setting<Integer> SOURCE_PORT =
      add("source.port", SettingType.PORT, 3306, false, READS_BINLOG, false, "Its port.");

  public static final Setting<String> SOURCE_USER =
      add(
          "source.user",
          SettingType.STRING,
          null,
          true,
          READS_BINLOG,
          false,
          "The replicator account: REPLICATION SLAVE, BINLOG MONITOR (or REPLICATION CLIENT),"
              + " and SELECT where a schema history snapshot is needed.");

  public static final Setting<String> SOURCE_PASSWORD =
      add(
          "source.password",
          SettingType.STRING,
          "",
          false,
          READS_BINLOG,
          true,
          "That account's password.");

  public static final Setting<String> SOURCE_TLS =
      add(
          "source.tls",
          SettingType.oneOf("off", "preferred", "required", "verify-ca", "verify-full"),
          "preferred",
          false,
          READS_BINLOG,
          false,
          "TLS towards the source (SQL and, for a source, the binlog stream): off; preferred (when"
              + " the server offers it, unverified); required (unverified); verify-ca (signed by"
              + " source.tls.ca); verify-full (and the certificate names source.host).");

  public static final Setting<Path> SOURCE_TLS_CA =
      add(
          "source.tls.ca",
          SettingType.PATH,
          null,
          false,
          READS_BINLOG,
          false,
          "The PEM certificate of the CA that signed the source's (default: the JVM's trusted CAs).");

  public static final Setting<Path> SOURCE_TLS_KEYSTORE =
      add(
          "source.tls.keystore",
          SettingType.PATH,
          null,
          false,
          READS_BINLOG,
          false,
          "A PKCS12 (or .jks) key store with Ferry's client certificate, for a source that requires"
              + " one.");

  public static final Setting<String> SOURCE_TLS_KEYSTORE_PASSWORD =
      add(
          "source.tls.keystore-password",
          SettingType.STRING,
          "",
          false,
          READS_BINLOG,
          true,
          "The key store's password.");

  public static final Setting<Long> SOURCE_REPLICA_SERVER_ID =
      add(
          "source.replica-server-id",
          SettingType.longRange(1, 4294967295L),
          null,
          false,
          READS_BINLOG,
          false,
          "The server id Ferry presents to the source; unique among its replicas. Default:"
              + " 0xFE000000 plus a hash of the service name and source port.");

  public static final Setting<StartPosition> SOURCE_START =
      add(
          "source.start",
          SettingType.checked(
              "beginning, current, a binlog file:offset, a MariaDB GTID position or a MySQL GTID"
                  + " set",
              StartPosition::parse,
              ServiceSettings::startText),
          new StartPosition.Current(),
          false,
          READS_BINLOG,
          false,
          "Where a service with an empty log starts reading (afterwards it always resumes after"
              + " its last transaction).");

  private static String startText(StartPosition p) {
    if (p instanceof StartPosition.Beginning) {
      return "beginning";
    }
    if (p instanceof StartPosition.Current) {
      return "current";
    }
    if (p instanceof StartPosition.At at) {
      return at.position().text();
    }
    return ((StartPosition.AfterGtids) p).gtids().text();
  }

  public static final Setting<Duration> SOURCE_HEARTBEAT =
      add(
          "source.heartbeat",
          SettingType.DURATION,
          Duration.ofSeconds(5),
          false,
          READS_BINLOG,
          false,
          "How often an idle source sends a heartbeat; three missed ones mean the connection is"
              + " dead.");

  public static final Setting<Duration> SOURCE_CONNECT_TIMEOUT =
      add(
          "source.connect-timeout",
          SettingType.DURATION,
          Duration.ofSeconds(10),
          false,
          READS_BINLOG,
          false,
          "How long a connection to the source may take.");

  public static final Setting<Boolean> SOURCE_REQUIRE_ROW_FORMAT =
      add(
          "source.require-row-format",
          SettingType.BOOLEAN,
          false,
          false,
          READS_BINLOG,
          false,
          "Refuse a source that does not log binlog_format=ROW.");

  public static final Setting<Long> SOURCE_FRAGMENT_BYTES =
      add(
          "source.fragment-bytes",
          SettingType.SIZE,
          1L << 20,
          false,
          READS_BINLOG,
          false,
          "Transactions are cut into fragments of about this size while they stream.");

  public static final Setting<Duration> SOURCE_RECONNECT_FOR =
      add(
          "source.reconnect-for",
          SettingType.DURATION,
          Duration.ofMinutes(5),
          false,
          READS_BINLOG,
          false,
          "How long to keep reconnecting to a source that went away before the stage retries.");

  public static final Setting<Path> SOURCE_SCHEMA_HISTORY =
      add(
          "source.schema-history",
          SettingType.PATH,
          null,
          false,
          READS_BINLOG,
          false,
          "The schema history file, used when the source does not log"
              + " binlog_row_metadata=FULL. Default: <service.dir>/schema-history.jsonl.");

  public static final Setting<String> SOURCE_ON_UNPARSED_DDL =
      add(
          "source.on-unparsed-ddl",
          SettingType.oneOf("stop", "continue"),
          "stop",
          false,
          READS_BINLOG,
          false,
          "What the schema history does with DDL it cannot parse: stop the service, or log a"
              + " warning and continue.");

  // ---------------------------------------------------------------- target

  public static final Setting<String> TARGET_TYPE = adopt(TargetKeys.TYPE);
  public static final Setting<String> TARGET_HOST = adopt(TargetKeys.HOST);
  public static final Setting<Integer> TARGET_PORT = adopt(TargetKeys.PORT);
  public static final Setting<String> TARGET_USER = adopt(TargetKeys.USER);
  public static final Setting<String> TARGET_PASSWORD = adopt(TargetKeys.PASSWORD);
  public static final Setting<String> TARGET_DATABASE = adopt(TargetKeys.DATABASE);
  public static final Setting<String> TARGET_TLS = adopt(TargetKeys.TLS);
  public static final Setting<Path> TARGET_TLS_CA = adopt(TargetKeys.TLS_CA);
  public static final Setting<Path> TARGET_TLS_KEYSTORE = adopt(TargetKeys.TLS_KEYSTORE);
  public static final Setting<String> TARGET_TLS_KEYSTORE_PASSWORD =
      adopt(TargetKeys.TLS_KEYSTORE_PASSWORD);
  public static final Setting<String> TARGET_DDL = adopt(TargetKeys.DDL);

  // ---------------------------------------------------------------- apply

  public static final Setting<Integer> BLOCK_COMMIT_EVENTS =
      add(
          "apply.block-commit-events",
          SettingType.integer(1, 1_000_000),
          100,
          false,
          ALL_ROLES,
          false,
          "At most this many transactions per target (or THL) commit.");

  public static final Setting<Duration> BLOCK_COMMIT_LATENCY =
      add(
          "apply.block-commit-latency",
          SettingType.DURATION,
          Duration.ofMillis(500),
          false,
          ALL_ROLES,
          false,
          "A block of transactions is committed at the latest this long after it began.");

  public static final Setting<Duration> RETRY_FOR =
      add(
          "apply.retry-for",
          SettingType.DURATION,
          Duration.ofMinutes(10),
          false,
          ALL_ROLES,
          false,
          "How long a stage retries failures that may pass (lost connections, deadlocks, lock"
              + " waits) before the service goes OFFLINE:ERROR.");

  public static final Setting<java.time.Duration> APPLY_DELAY =
      add(
          "apply.delay",
          SettingType.DURATION,
          Duration.ZERO,
          false,
          APPLIES,
          false,
          "Time-delayed replication (like MASTER_DELAY): a transaction is applied no sooner than"
              + " its source commit time plus this. The wait holds no open target transaction;"
              + " offline is immediate during it. 0: no delay.");

  // ---------------------------------------------------------------- filters

  /** A list of filter instance names, in order. */
  public static final SettingType<List<String>> FILTER_LIST =
      SettingType.checked(
          "filter names separated by commas (each declared with filter.<name>.type, or the"
              + " name of a filter type that needs no settings)",
          ServiceSettings::parseFilterList,
          list -> String.join(", ", list));

  public static final Setting<List<String>> EXTRACT_FILTERS =
      add(
          "extract.filters",
          FILTER_LIST,
          List.of(),
          false,
          READS_BINLOG,
          false,
          "Filters right after extraction, before the THL, in order: what they drop never enters"
              + " the log (a dropped transaction leaves a filtered gap). See docs/filters.md.");

  public static final Setting<List<String>> APPLY_FILTERS =
      add(
          "apply.filters",
          FILTER_LIST,
          List.of(),
          false,
          APPLIES,
          false,
          "Filters before the target, in order: what this replica does not want. See"
              + " docs/filters.md.");

  /** The list of filters of one side. */
  public static Setting<List<String>> filterList(io.ferry.core.filter.FilterContext.Side side) {
    return side == io.ferry.core.filter.FilterContext.Side.EXTRACT
        ? EXTRACT_FILTERS
        : APPLY_FILTERS;
  }

  /** The pattern of a filter instance name. */
  public static final java.util.regex.Pattern FILTER_NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,62}");

  private static List<String> parseFilterList(String text) {
    List<String> names = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      String name = item.strip();
      if (name.isEmpty()) {
        if (text.isBlank()) {
          continue;
        }
        throw new IllegalArgumentException("'" + text + "' has an empty name between commas");
      }
      if (!FILTER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "'" + name + "' is not a filter name: use letters, digits, '_' and '-'");
      }
      if (names.contains(name)) {
        throw new IllegalArgumentException(
            "'" + name + "' is listed twice; declare a second instance under another name");
      }
      names.add(name);
    }
    return List.copyOf(names);
  }

  // ---------------------------------------------------------------- THL

  public static final Setting<Path> THL_DIR =
      add(
          "thl.dir",
          SettingType.PATH,
          null,
          false,
          HAS_THL,
          false,
          "The THL's directory. Default: <service.dir>/thl.");

  public static final Setting<FsyncPolicy> THL_FSYNC =
      add(
          "thl.fsync",
          SettingType.checked("commit, off, or an interval like 100ms", FsyncPolicy::parse),
          FsyncPolicy.COMMIT,
          false,
          HAS_THL,
          false,
          "When the THL is forced to disk: at every commit (durable), at an interval, or never"
              + " (loud: only for tests).");

  public static final Setting<Long> THL_SEGMENT_BYTES =
      add(
          "thl.segment-bytes",
          SettingType.SIZE,
          128L << 20,
          false,
          HAS_THL,
          false,
          "A THL segment file is sealed at about this size.");

  public static final Setting<Duration> THL_RETENTION =
      add(
          "thl.retention",
          SettingType.DURATION,
          Duration.ofDays(7),
          false,
          HAS_THL,
          false,
          "Sealed segments older than this are purged, unless a reader still needs them.");

  public static final Setting<Long> THL_RETENTION_BYTES =
      add(
          "thl.retention-bytes",
          SettingType.SIZE,
          0L,
          false,
          HAS_THL,
          false,
          "The oldest sealed segments are purged while the THL is larger (0: no limit).");

  public static final Setting<String> SERVE_BIND =
      add(
          "thl.serve.bind",
          SettingType.STRING,
          "127.0.0.1",
          false,
          Set.of(MASTER),
          false,
          "The address the master serves its THL on (0.0.0.0: every interface).");

  public static final Setting<Integer> SERVE_PORT =
      add(
          "thl.serve.port",
          SettingType.PORT,
          MasterAddress.DEFAULT_PORT,
          false,
          Set.of(MASTER),
          false,
          "The THL port replicas connect to.");

  public static final Setting<String> SERVE_SECRET =
      add(
          "thl.serve.secret",
          SettingType.STRING,
          "",
          false,
          Set.of(MASTER),
          true,
          "A shared secret replicas must prove they know (empty: none).");

  public static final Setting<Path> SERVE_KEYSTORE =
      add(
          "thl.serve.tls.keystore",
          SettingType.PATH,
          null,
          false,
          Set.of(MASTER),
          false,
          "A PKCS12/JKS key store: when set, the THL is served over TLS with its certificate.");

  public static final Setting<String> SERVE_KEYSTORE_PASSWORD =
      add(
          "thl.serve.tls.keystore-password",
          SettingType.STRING,
          "",
          false,
          Set.of(MASTER),
          true,
          "The key store's password.");

  public static final Setting<Duration> SERVE_HEARTBEAT =
      add(
          "thl.serve.heartbeat",
          SettingType.DURATION,
          Duration.ofSeconds(1),
          false,
          Set.of(MASTER),
          false,
          "How often an idle stream to a replica carries a heartbeat.");

  // ---------------------------------------------------------------- master (for slaves)

  public static final Setting<List<MasterAddress>> MASTER_URI =
      add(
          "master.uri",
          SettingType.checked(
              "thl://host:port, several separated by commas (tried in order)",
              MasterAddress::parseList,
              list -> String.join(",", list.stream().map(MasterAddress::toString).toList())),
          null,
          true,
          Set.of(SLAVE),
          false,
          "Where the master's THL is served; with several, the first that answers is used.");

  public static final Setting<String> MASTER_SECRET =
      add(
          "master.secret",
          SettingType.STRING,
          "",
          false,
          Set.of(SLAVE),
          true,
          "The master's shared secret.");

  public static final Setting<Boolean> MASTER_TLS =
      add(
          "master.tls",
          SettingType.BOOLEAN,
          false,
          false,
          Set.of(SLAVE),
          false,
          "Connect with TLS (implied when a trust store is set).");

  public static final Setting<Path> MASTER_TRUSTSTORE =
      add(
          "master.tls.truststore",
          SettingType.PATH,
          null,
          false,
          Set.of(SLAVE),
          false,
          "A PKCS12/JKS trust store with the master's certificate (default: the JVM's).");

  public static final Setting<String> MASTER_TRUSTSTORE_PASSWORD =
      add(
          "master.tls.truststore-password",
          SettingType.STRING,
          "",
          false,
          Set.of(SLAVE),
          true,
          "The trust store's password.");

  public static final Setting<Duration> MASTER_SILENCE_LIMIT =
      add(
          "master.silence-limit",
          SettingType.DURATION,
          Duration.ofSeconds(10),
          false,
          Set.of(SLAVE),
          false,
          "A connection to the master that carries nothing, not even a heartbeat, for this long"
              + " is taken for dead.");

  public static final Setting<Long> MASTER_MAX_FRAME_BYTES =
      add(
          "master.max-frame-bytes",
          SettingType.sizeRange(64L << 10, 1L << 30),
          256L << 20,
          false,
          Set.of(SLAVE),
          false,
          "The largest frame accepted from the master: a batch of records, or one record larger"
              + " than a batch (a transaction with a huge row). A longer frame is taken for a"
              + " damaged stream and fetched again.");

  static {
    ParallelApplySettings.register(); // declared there, listed after the others
    MultiMasterSettings.register();
    TargetSettingsRegistry.register(ALL);
  }

  /**
   * Every declared setting, in reference order: by section (the key's first word, sections in the
   * order they first appear), then in declaration order.
   */
  public static List<Setting<?>> all() {
    java.util.Map<String, List<Setting<?>>> sections = new java.util.LinkedHashMap<>();
    for (Setting<?> s : ALL) {
      String section = s.key().substring(0, Math.max(0, s.key().indexOf('.')));
      sections.computeIfAbsent(section, k -> new ArrayList<>()).add(s);
    }
    List<Setting<?>> out = new ArrayList<>(ALL.size());
    sections.values().forEach(out::addAll);
    return Collections.unmodifiableList(out);
  }

  public static Setting<?> byKey(String key) {
    for (Setting<?> s : ALL) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    return null;
  }
}
