package io.ferry.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Ferry's Kafka clients for one service: the transactional producer (idempotent, acks=all, its
 * transactional.id derived from the service), a read_committed consumer for the position, and an
 * admin client for topics. The properties file's entries come first; the keys the guarantees rest
 * on are Ferry's. Stateless apart from the settings; thread-safe.
 */
final class KafkaClients {
  private final KafkaSettings settings;

  KafkaClients(KafkaSettings settings) {
    this.settings = settings;
  }

  private Map<String, Object> common() {
    Map<String, Object> p = new HashMap<>(settings.extra());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    return p;
  }

  /** The producer's configuration (for tests and docs, too). */
  Map<String, Object> producerConfig(String transactionalId) {
    Map<String, Object> p = common();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) settings.transactionTimeout().toMillis());
    p.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "ferry-" + settings.service());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(producerConfig(settings.transactionalId()));
  }

  KafkaConsumer<byte[], byte[]> consumer() {
    Map<String, Object> p = common();
    p.keySet()
        .removeIf(
            k -> k.startsWith("linger.") || k.startsWith("batch.") || k.equals("compression.type"));
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"); // out of range: an error, not the end
    p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ferry-" + settings.service() + "-position");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  Admin admin() {
    Map<String, Object> p = common();
    p.keySet().retainAll(AdminClientConfig.configNames());
    p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "ferry-" + settings.service() + "-admin");
    return Admin.create(p);
  }

  /**
   * The value of the last committed record of the position topic's one partition, or null when it
   * has none. Reads back from the end in growing windows (read_committed: aborted blocks are not
   * seen), so the cost does not grow with the topic, and never before the partition's first
   * retained offset (with auto.offset.reset = none an offset out of range is an error, not a silent
   * jump to the end). A partition with records but no position among them is an error: reading on
   * as if there were none would replay everything or leave a gap.
   */
  byte[] lastPosition(Duration timeout) {
    TopicPartition tp = new TopicPartition(settings.positionTopic(), 0);
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      c.assign(List.of(tp));
      long end = c.endOffsets(List.of(tp), timeout).get(tp);
      long begin = c.beginningOffsets(List.of(tp), timeout).get(tp);
      long step = 64;
      long to = end;
      while (to > begin) {
        long from = Math.max(begin, to - step);
        c.seek(tp, from);
        byte[] last = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (c.position(tp, timeout) < to) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
            if (r.offset() < to && r.value() != null) {
              last = r.value();
            }
          }
          if (System.nanoTime() > deadline) {
            throw new org.apache.kafka.common.errors.TimeoutException(
                "reading " + tp + " from offset " + from + " to " + to + " took too long");
          }
        }
        if (last != null) {
          return last;
        }
        to = from;
        step *= 4;
      }
      if (end > 0) {
        throw new KafkaApplyException(
            "the position topic "
                + settings.positionTopic()
                + " has records (offsets "
                + begin
                + " to "
                + end
                + ") on "
                + settings.describe()
                + " but no committed position among them: it was emptied (deleteRecords,"
                + " retention) or written by something else. Ferry will not guess where to resume"
                + " (that would publish everything again or leave a gap): restore the topic, or"
                + " delete it and start the service at the source position where the consumers'"
                + " data ends",
            null,
            false);
      }
      return null;
    }
  }
}
