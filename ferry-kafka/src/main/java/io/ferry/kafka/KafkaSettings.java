package io.ferry.kafka;

import io.ferry.core.config.PluginConfig;
import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.target.TargetException;
import io.ferry.core.target.TargetKeys;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The settings of {@code target.type = kafka}, declared once, and one service's values of them.
 * Immutable.
 *
 * @param service the service's name (the transactional id and the position topic derive from it)
 * @param bootstrapServers the brokers to start from
 * @param perSchema whether rows go to a topic per schema (else per table)
 * @param topicPrefix put before every topic name Ferry makes
 * @param partitions partitions of the topics Ferry creates
 * @param replicationFactor their replication factor (-1: the broker's default)
 * @param transactionTimeout the producer's transaction timeout
 * @param ddl what DDL does: translate (a message on the DDL topic), stop or ignore
 * @param extra the producer/consumer/admin properties of the properties file (TLS, SASL, tuning)
 * @param extraFile where they came from, or null
 */
public record KafkaSettings(
    String service,
    String bootstrapServers,
    boolean perSchema,
    String topicPrefix,
    int partitions,
    short replicationFactor,
    Duration transactionTimeout,
    String ddl,
    Map<String, String> extra,
    Path extraFile) {

  /** The roles these keys apply to. */
  private static final Set<String> ROLES = TargetKeys.APPLIES;

  public static final Setting<String> BOOTSTRAP_SERVERS =
      new Setting<>(
          "target.kafka.bootstrap-servers",
          SettingType.STRING,
          null,
          false,
          ROLES,
          false,
          "The Kafka brokers to start from, host:port[,host:port...] (Kafka's bootstrap.servers)."
              + " Required for target.type = kafka.");

  public static final Setting<String> TOPICS =
      new Setting<>(
          "target.kafka.topics",
          SettingType.oneOf("table", "schema"),
          "table",
          false,
          ROLES,
          false,
          "Which topic a row change goes to: one per table, <prefix><schema>.<table> (table), or"
              + " one per schema, <prefix><schema> (schema). Characters Kafka refuses in a topic"
              + " name become '_'; the message always carries the real schema and table.");

  public static final Setting<String> TOPIC_PREFIX =
      new Setting<>(
          "target.kafka.topic-prefix",
          SettingType.STRING,
          "",
          false,
          ROLES,
          false,
          "Put before the name of every topic Ferry writes: the row topics, the DDL topic"
              + " (<prefix>ferry_<service>.ddl) and the position topic"
              + " (<prefix>ferry_<service>.position). Letters, digits, '.', '_' and '-'.");

  public static final Setting<Integer> PARTITIONS =
      new Setting<>(
          "target.kafka.partitions",
          SettingType.integer(1, 100_000),
          1,
          false,
          ROLES,
          false,
          "Partitions of the row topics Ferry creates when they are missing (the position topic"
              + " always has one). Messages are partitioned by key, so the changes of one row stay"
              + " in order; do not add partitions to a topic later, or a key moves.");

  public static final Setting<Integer> REPLICATION_FACTOR =
      new Setting<>(
          "target.kafka.replication-factor",
          SettingType.integer(-1, 32),
          -1,
          false,
          ROLES,
          false,
          "Replication factor of the topics Ferry creates; -1 takes the broker's"
              + " default.replication.factor. Use 3 in production with min.insync.replicas = 2.");

  public static final Setting<Duration> TRANSACTION_TIMEOUT =
      new Setting<>(
          "target.kafka.transaction-timeout",
          SettingType.DURATION,
          Duration.ofMinutes(1),
          false,
          ROLES,
          false,
          "Kafka's transaction.timeout.ms for the producer: a block must commit within it, and a"
              + " transaction a crashed replicator left open is aborted by the broker after it (or"
              + " at once when the service starts again). At most the broker's"
              + " transaction.max.timeout.ms (15 minutes by default).");

  public static final Setting<Path> PROPERTIES =
      new Setting<>(
          "target.kafka.properties",
          SettingType.PATH,
          null,
          false,
          ROLES,
          false,
          "A Java properties file whose entries are passed to Ferry's Kafka producer, consumer and"
              + " admin client: TLS (security.protocol, ssl.*), SASL (sasl.*), client.id,"
              + " compression.type, linger.ms and the like. Keys Ferry sets itself for its"
              + " guarantees (transactional.id, enable.idempotence, acks, isolation.level,"
              + " serializers, bootstrap.servers) are refused there.");

  /** Every key of this type, in reference order. */
  public static List<Setting<?>> all() {
    return List.of(
        BOOTSTRAP_SERVERS,
        TOPICS,
        TOPIC_PREFIX,
        PARTITIONS,
        REPLICATION_FACTOR,
        TRANSACTION_TIMEOUT,
        PROPERTIES);
  }

  /**
   * The stage's block latency (declared by the server's service settings; read here, not declared
   * again): a block's Kafka transaction must commit before target.kafka.transaction-timeout.
   */
  private static final Setting<Duration> BLOCK_COMMIT_LATENCY =
      new Setting<>(
          "apply.block-commit-latency",
          SettingType.DURATION,
          Duration.ofMillis(500),
          false,
          Set.of(),
          false,
          "read from the service's settings");

  /** Keys of the properties file that would break Ferry's guarantees. */
  static final Set<String> RESERVED =
      Set.of(
          "bootstrap.servers",
          "transactional.id",
          "enable.idempotence",
          "acks",
          "isolation.level",
          "key.serializer",
          "value.serializer",
          "key.deserializer",
          "value.deserializer",
          "enable.auto.commit",
          "transaction.timeout.ms",
          "partitioner.class",
          "partitioner.ignore.keys");

  public KafkaSettings {
    extra = Map.copyOf(extra);
  }

  /** Problems of a service's configuration, each naming where. */
  static List<String> check(PluginConfig c) {
    List<String> problems = new ArrayList<>();
    String servers = c.get(BOOTSTRAP_SERVERS);
    if (servers == null || servers.isBlank()) {
      problems.add(
          c.where(BOOTSTRAP_SERVERS)
              + " is required for target.type = kafka: the brokers, like"
              + " kafka1:9092,kafka2:9092");
    }
    String prefix = c.get(TOPIC_PREFIX);
    if (prefix != null && !prefix.matches("[A-Za-z0-9._-]*")) {
      problems.add(
          c.where(TOPIC_PREFIX)
              + ": '"
              + prefix
              + "' has characters Kafka refuses in topic names; use letters, digits, '.', '_'"
              + " and '-'");
    }
    Duration timeout = c.get(TRANSACTION_TIMEOUT);
    if (timeout != null && (timeout.toMillis() < 1000 || timeout.toMillis() > Integer.MAX_VALUE)) {
      problems.add(
          c.where(TRANSACTION_TIMEOUT)
              + ": give a timeout from 1s to 24d (15m is Kafka's usual cap)");
    }
    Duration latency = c.get(BLOCK_COMMIT_LATENCY);
    if (timeout != null && latency != null && latency.compareTo(timeout) >= 0) {
      problems.add(
          c.where(BLOCK_COMMIT_LATENCY)
              + " ("
              + latency
              + ") is not shorter than "
              + TRANSACTION_TIMEOUT.key()
              + " ("
              + timeout
              + "): the broker would abort every block's Kafka transaction before it commits."
              + " Lower apply.block-commit-latency or raise "
              + TRANSACTION_TIMEOUT.key());
    }
    if (c.isSet(PROPERTIES)) {
      try {
        readProperties(c.path(PROPERTIES));
      } catch (TargetException e) {
        problems.add(c.where(PROPERTIES) + ": " + e.getMessage());
      }
    }
    return problems;
  }

  /** A service's values; a {@link TargetException} for what cannot work. */
  static KafkaSettings of(PluginConfig c) {
    List<String> problems = check(c);
    if (!problems.isEmpty()) {
      throw new TargetException(String.join("; ", problems));
    }
    Path file = c.isSet(PROPERTIES) ? c.path(PROPERTIES) : null;
    return new KafkaSettings(
        c.service(),
        c.get(BOOTSTRAP_SERVERS).trim(),
        "schema".equals(c.get(TOPICS)),
        c.get(TOPIC_PREFIX) == null ? "" : c.get(TOPIC_PREFIX),
        c.get(PARTITIONS),
        c.get(REPLICATION_FACTOR).shortValue(),
        c.get(TRANSACTION_TIMEOUT),
        c.get(TargetKeys.DDL),
        file == null ? Map.of() : readProperties(file),
        file);
  }

  /** The entries of a properties file, refusing the keys Ferry sets itself. */
  static Map<String, String> readProperties(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new TargetException(
          "cannot read the Kafka properties file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> out = new TreeMap<>();
    for (String key : p.stringPropertyNames()) {
      if (RESERVED.contains(key)) {
        throw new TargetException(
            file
                + " sets "
                + key
                + ", which Ferry sets itself to keep its guarantees (exactly once, in order):"
                + " remove it"
                + (key.equals("bootstrap.servers")
                    ? " and set target.kafka.bootstrap-servers instead"
                    : key.equals("transaction.timeout.ms")
                        ? " and set target.kafka.transaction-timeout instead"
                        : ""));
      }
      out.put(key, p.getProperty(key));
    }
    return out;
  }

  /** The producer's transactional.id: one per service, so a restarted replicator fences the old. */
  String transactionalId() {
    return "ferry-" + topicPrefix + "|" + service; // ('|' is not in topic names: no collisions)
  }

  /** The compacted topic holding the service's position, written in each block's transaction. */
  String positionTopic() {
    return topicPrefix + "ferry_" + service + ".position";
  }

  /** The topic DDL messages go to. */
  String ddlTopic() {
    return topicPrefix + "ferry_" + service + ".ddl";
  }

  /** Where the brokers are, for messages. */
  String describe() {
    return "kafka " + bootstrapServers;
  }
}
