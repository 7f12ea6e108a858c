package io.ferry.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A real KRaft broker (one combined node) in the test JVM, and read_committed reading. */
final class KafkaBroker {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KafkaClusterTestKit cluster;

  private KafkaBroker(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  static KafkaBroker start() throws Exception {
    KafkaClusterTestKit c =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("auto.create.topics.enable", "false")
            .build();
    c.format();
    c.startup();
    c.waitForReadyBrokers();
    return new KafkaBroker(c);
  }

  String bootstrap() {
    return cluster.bootstrapServers();
  }

  /** One message as a read_committed consumer sees it. */
  record Msg(String topic, int partition, long offset, JsonNode key, JsonNode value) {}

  /** Every committed message of the topics whose names pass the test, in partition order. */
  List<Msg> readCommitted(java.util.function.Predicate<String> topics) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<Msg> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      Set<String> names =
          c.listTopics(Duration.ofSeconds(30)).keySet().stream()
              .filter(topics)
              .collect(Collectors.toSet());
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : names) {
        c.partitionsFor(t, Duration.ofSeconds(30))
            .forEach(i -> parts.add(new TopicPartition(t, i.partition())));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = settled(c, parts, p);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(
              new Msg(
                  r.topic(),
                  r.partition(),
                  r.offset(),
                  r.key() == null ? null : JSON.readTree(r.key()),
                  r.value() == null
                      ? null
                      : JSON.readTree(new String(r.value(), StandardCharsets.UTF_8))));
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("reading the topics took more than 60 s");
        }
      }
    }
    return out;
  }

  /**
   * The read_committed end of each partition once no transaction is in flight there: a commit's
   * markers are written after commitTransaction returns, so the end a read_committed consumer sees
   * (the last stable offset) catches up with the log's end a moment later.
   */
  private static Map<TopicPartition, Long> settled(
      KafkaConsumer<byte[], byte[]> committed, List<TopicPartition> parts, Properties p)
      throws InterruptedException {
    Properties all = new Properties();
    all.putAll(p);
    all.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    try (KafkaConsumer<byte[], byte[]> u = new KafkaConsumer<>(all)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (true) {
        Map<TopicPartition, Long> stable = committed.endOffsets(parts, Duration.ofSeconds(30));
        if (stable.equals(u.endOffsets(parts, Duration.ofSeconds(30)))
            || System.nanoTime() > deadline) {
          return stable;
        }
        Thread.sleep(50);
      }
    }
  }

  void stop() throws Exception {
    cluster.close();
  }
}
