package io.ferry.kafka;

import io.ferry.core.target.TargetException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic names (per table or per schema, with the prefix) and their creation when missing. Names are
 * remembered once known to exist, so a topic is looked up once per service run. Thread-safe.
 */
final class Topics {
  private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
  private static final int MAX_NAME = 249;

  private final KafkaSettings settings;
  private final Admin admin;
  private final Set<String> known = ConcurrentHashMap.newKeySet();

  Topics(KafkaSettings settings, Admin admin) {
    this.settings = settings;
    this.admin = admin;
  }

  /** The topic of a table's row changes. */
  String forTable(String schema, String table) {
    String name =
        settings.topicPrefix() + clean(schema) + (settings.perSchema() ? "" : "." + clean(table));
    if (name.length() > MAX_NAME) {
      throw new TargetException(
          "the topic name for "
              + schema
              + "."
              + table
              + " would have "
              + name.length()
              + " characters, more than Kafka's 249: shorten target.kafka.topic-prefix or use"
              + " target.kafka.topics = schema");
    }
    return name;
  }

  /** Characters Kafka refuses in topic names become {@code _}. */
  static String clean(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean legal =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || (c == '.' && i > 0);
      sb.append(legal ? c : '_');
    }
    return sb.toString();
  }

  /** Makes sure a row (or DDL) topic exists, creating it with the configured partitions. */
  void ensure(String topic) {
    ensure(topic, settings.partitions(), Map.of());
  }

  /**
   * Makes sure the position topic exists: one partition, compacted. One made by someone else must
   * be compacted too: under cleanup.policy = delete retention removes the position of a service
   * that was stopped or idle longer than retention.ms, and it would start over.
   */
  void ensurePosition() {
    String topic = settings.positionTopic();
    if (known.contains(topic)
        || ensure(
            topic,
            1,
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))) {
      return; // (checked before, or made here, compacted)
    }
    String policy;
    try {
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
      ConfigEntry e = config == null ? null : config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
      policy = e == null || e.value() == null ? "" : e.value();
    } catch (InterruptedException e) {
      known.remove(topic);
      Thread.currentThread().interrupt();
      throw new KafkaApplyException("interrupted while checking topic " + topic, e, false);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      known.remove(topic);
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new KafkaApplyException(
          "cannot read the configuration of the position topic "
              + topic
              + " on "
              + settings.describe()
              + ": "
              + cause
              + ". Grant Ferry's principal DESCRIBE_CONFIGS on it",
          cause,
          !(cause instanceof org.apache.kafka.common.errors.AuthorizationException));
    }
    List<String> policies = List.of(policy.replace(" ", "").split(","));
    if (!policies.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      known.remove(topic);
      throw new KafkaApplyException(
          "the position topic "
              + topic
              + " on "
              + settings.describe()
              + " has cleanup.policy = "
              + policy
              + ": retention would delete the service's position and it would start over. Set"
              + " cleanup.policy = compact on it (kafka-configs --alter --entity-type topics"
              + " --entity-name "
              + topic
              + " --add-config cleanup.policy=compact)",
          null,
          false);
    }
    if (policies.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
      LOG.warn(
          "the position topic {} has cleanup.policy = {}: retention can delete the position of a"
              + " service stopped longer than its retention.ms (it then stops with an error); set"
              + " cleanup.policy = compact",
          topic,
          policy);
    }
  }

  /** Makes sure the DDL topic exists: one partition, so statements keep their order. */
  void ensureDdl() {
    ensure(settings.ddlTopic(), 1, Map.of());
  }

  /** Whether this call created the topic. */
  private boolean ensure(String topic, int partitions, Map<String, String> configs) {
    if (known.contains(topic)) {
      return false;
    }
    boolean created = false;
    try {
      if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
        NewTopic t =
            new NewTopic(
                    topic,
                    Optional.of(partitions),
                    settings.replicationFactor() < 0
                        ? Optional.empty()
                        : Optional.of(settings.replicationFactor()))
                .configs(configs);
        try {
          admin.createTopics(List.of(t)).all().get(60, TimeUnit.SECONDS);
          created = true;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e; // (another service or an operator may have made it meanwhile)
          }
        }
      }
      known.add(topic);
      return created;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaApplyException("interrupted while creating topic " + topic, e, false);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      boolean retriable = cause instanceof org.apache.kafka.common.errors.RetriableException;
      throw new KafkaApplyException(
          "cannot create the topic "
              + topic
              + " ("
              + partitions
              + " partitions, replication factor "
              + (settings.replicationFactor() < 0
                  ? "the broker's default"
                  : settings.replicationFactor())
              + ") on "
              + settings.describe()
              + ": the broker said "
              + cause.getClass().getSimpleName()
              + ": "
              + cause.getMessage()
              + advice(cause),
          cause,
          retriable);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new KafkaApplyException(
          "the brokers at "
              + settings.bootstrapServers()
              + " did not answer within 60 s while Ferry checked or created the topic "
              + topic
              + "; check target.kafka.bootstrap-servers and that the brokers run",
          e,
          true);
    }
  }

  private static String advice(Throwable cause) {
    if (cause instanceof org.apache.kafka.common.errors.TopicAuthorizationException
        || cause instanceof org.apache.kafka.common.errors.ClusterAuthorizationException) {
      return ". Grant Ferry's principal CREATE on the topics (or the cluster), or create the topic"
          + " yourself";
    }
    if (cause instanceof org.apache.kafka.common.errors.InvalidReplicationFactorException) {
      return ". Set target.kafka.replication-factor to at most the number of brokers (or -1 for"
          + " the broker's default)";
    }
    if (cause instanceof org.apache.kafka.common.errors.PolicyViolationException
        || cause instanceof org.apache.kafka.common.errors.InvalidPartitionsException) {
      return ". Change target.kafka.partitions / replication-factor to what the cluster's policy"
          + " allows, or create the topic yourself";
    }
    return ". Create the topic yourself, or fix what the broker names, then bring the service"
        + " online again";
  }
}
