package io.ferry.bench.targets;

import io.ferry.core.config.PluginConfig;
import io.ferry.core.config.Setting;
import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.target.Target;
import io.ferry.core.value.Text;
import io.ferry.kafka.KafkaTargetType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Row changes per second into Kafka through Ferry's Kafka applier (JSON envelopes, Kafka
 * transactions with the position, idempotent producer, acks=all), against a baseline: a bare
 * transactional producer sending messages of the same size in transactions of the same size (no
 * envelope building, no position). Both write to a KRaft broker started in this JVM. Transactions
 * are sysbench-like (id, k, c CHAR(120), pad CHAR(60)), half inserts, half updates, 4 rows each,
 * committed in blocks of 100 transactions (the default block commit).
 *
 * <p>Usage: {@code KafkaBench [transactions (50000)] [rows per transaction (4)]}.
 */
public final class KafkaBench {
  private KafkaBench() {}

  public static void main(String[] args) throws Exception {
    int transactions = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int rowsPerTx = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int block = 100;
    Path dir = Files.createTempDirectory("kafka-bench");
    KafkaClusterTestKit broker =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir)
                    .build())
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("offsets.topic.replication.factor", "1")
            .build();
    broker.format();
    broker.startup();
    broker.waitForReadyBrokers();
    try {
      List<Transaction> txs = workload(transactions, rowsPerTx);
      // warm up both paths, then measure
      ferry(broker.bootstrapServers(), "warm", txs.subList(0, Math.min(5000, txs.size())), block);
      double ferry = ferry(broker.bootstrapServers(), "bench", txs, block);
      long bytes = envelopeBytes(broker.bootstrapServers());
      bare(broker.bootstrapServers(), "warmbare", 5000 * rowsPerTx, rowsPerTx, block, 600);
      double bare =
          bare(
              broker.bootstrapServers(),
              "bare",
              transactions * rowsPerTx,
              rowsPerTx,
              block,
              (int) Math.max(1, bytes));
      System.out.printf(
          "kafka: %d transactions of %d rows, blocks of %d, transactions + acks=all +"
              + " idempotence, one broker in this JVM%n",
          transactions, rowsPerTx, block);
      System.out.printf(
          "  ferry kafka applier   %,12.0f row changes/s (envelopes of %d bytes)%n", ferry, bytes);
      System.out.printf(
          "  bare producer         %,12.0f messages/s (same size, same transactions)%n", bare);
      System.out.printf("  ratio ferry / bare    %12.2f%n", ferry / bare);
    } finally {
      broker.close();
    }
  }

  private static final List<ColumnSpec> COLUMNS =
      List.of(
          ColumnSpec.of("id", SqlType.INT).asKey(),
          ColumnSpec.of("k", SqlType.INT),
          ColumnSpec.of("c", SqlType.CHAR),
          ColumnSpec.of("pad", SqlType.CHAR));

  private static List<Transaction> workload(int transactions, int rows) {
    Random r = new Random(1);
    List<Transaction> out = new ArrayList<>(transactions);
    for (int t = 0; t < transactions; t++) {
      boolean insert = t % 2 == 0;
      List<Row> list = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        Object[] after = {
          (long) r.nextInt(1_000_000),
          (long) r.nextInt(1_000_000),
          Text.of(digits(r, 120)),
          Text.of(digits(r, 60))
        };
        list.add(insert ? Row.insert(after) : Row.of(after.clone(), after));
      }
      RowChanges rc =
          RowChanges.full(
              "sbtest", "sbtest1", insert ? Action.INSERT : Action.UPDATE, COLUMNS, list);
      TransactionHeader h =
          new TransactionHeader(
              t,
              1,
              0,
              true,
              new MariaDbGtid(0, 1, t + 1),
              "1",
              "bench",
              "sbtest",
              System.currentTimeMillis() * 1000,
              System.currentTimeMillis() * 1000,
              Map.of());
      out.add(new Transaction(h, List.<Change>of(rc)));
    }
    return out;
  }

  private static String digits(Random r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('0' + r.nextInt(10)));
    }
    return sb.toString();
  }

  /** Ferry's applier: row changes per second, from the first apply to the last commit. */
  private static double ferry(String bootstrap, String service, List<Transaction> txs, int block) {
    Map<String, String> values = new HashMap<>();
    values.put("target.kafka.bootstrap-servers", bootstrap);
    values.put("target.kafka.topic-prefix", service + ".");
    values.put("target.kafka.partitions", "4");
    long rows = 0;
    try (Target target =
        new KafkaTargetType().open(new Config(service, values), Clock.systemUTC())) {
      Applier a = target.applier();
      a.lastCommitted();
      // topics made before the clock starts
      a.apply(txs.get(0));
      a.commit();
      long start = System.nanoTime();
      int inBlock = 0;
      for (Transaction t : txs.subList(1, txs.size())) {
        a.apply(t);
        rows += ((RowChanges) t.changes().get(0)).rows().size();
        if (++inBlock == block) {
          a.commit();
          inBlock = 0;
        }
      }
      a.commit();
      double seconds = (System.nanoTime() - start) / 1e9;
      a.close();
      return rows / seconds;
    }
  }

  /** The average size of the envelopes Ferry wrote, to size the baseline's messages alike. */
  private static long envelopeBytes(String bootstrap) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put("isolation.level", "read_committed");
    p.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
    p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
    try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> c =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(p)) {
      var tp = new org.apache.kafka.common.TopicPartition("bench.sbtest.sbtest1", 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long bytes = 0;
      int n = 0;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (n < 1000 && System.nanoTime() < deadline) {
        for (var r : c.poll(java.time.Duration.ofMillis(200))) {
          bytes += r.value().length;
          n++;
        }
      }
      return n == 0 ? 500 : bytes / n;
    }
  }

  /** A bare transactional producer: messages per second. */
  private static double bare(
      String bootstrap, String id, int messages, int perTx, int block, int size) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-" + id);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    try {
      admin
          .createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(id, 4, (short) 1)))
          .all()
          .get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      admin.close();
    }
    byte[] value = new byte[size];
    java.util.Arrays.fill(value, (byte) 'x');
    Random r = new Random(2);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      long start = System.nanoTime();
      int perBlock = perTx * block;
      for (int sent = 0; sent < messages; ) {
        producer.beginTransaction();
        for (int i = 0; i < perBlock && sent < messages; i++, sent++) {
          byte[] key =
              ("{\"schema\":\"sbtest\",\"table\":\"sbtest1\",\"key\":{\"id\":"
                      + r.nextInt(1_000_000)
                      + "}}")
                  .getBytes(StandardCharsets.UTF_8);
          var unused = producer.send(new ProducerRecord<>(id, key, value));
        }
        producer.commitTransaction();
      }
      return messages / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** A service's configuration as the benchmark sets it. */
  private record Config(String service, Map<String, String> values) implements PluginConfig {
    @Override
    public String role() {
      return "direct";
    }

    @Override
    public <T> T get(Setting<T> setting) {
      String v = values.get(setting.key());
      return v == null ? setting.defaultValue() : setting.type().parse(v);
    }

    @Override
    public boolean isSet(Setting<?> setting) {
      return values.containsKey(setting.key());
    }

    @Override
    public Path path(Setting<Path> setting) {
      String v = values.get(setting.key());
      return v == null ? null : Path.of(v);
    }

    @Override
    public String where(Setting<?> setting) {
      return "bench: " + setting.key();
    }

    @Override
    public Path serviceDir() {
      return Path.of(".");
    }
  }
}
