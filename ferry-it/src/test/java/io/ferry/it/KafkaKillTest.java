package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.Action;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.mysql.BinlogExtractor;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.mysql.StartPosition;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kafka target, end to end: a workload on a sandboxed MariaDB (inserts, updates, deletes in
 * multi-statement transactions on two schemas) replicated by a real replicator process (a direct
 * service, or a slave service fed by a master process, with target.type = kafka) into a KRaft
 * broker running in the test JVM, while the applying replicator is killed with SIGKILL several
 * times. Afterwards a read_committed consumer must see every row change of the source's binlog (the
 * oracle, read back independently) exactly once, in the binlog's order per key, and the last image
 * of each key must be the source's row, and every row the source holds must have a key whose last
 * message carries it. Each kill comes after the position moved since the last start (the replicator
 * works), and some kill must have aborted messages (read_uncommitted sees more than
 * read_committed), so the test cannot pass without testing the abort. The suite kills 3 times;
 * {@code scripts/kafka-kill-soak.sh} runs the long form ({@code ferry.kafka.kills}).
 */
class KafkaKillTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SCHEMAS = 2;
  private static final int KEYS = 150;
  private static final String POSITION_TOPIC = "ferry_kk.position";

  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(1);
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} service")
  @ValueSource(strings = {"direct", "slave"})
  void everyRowChangeExactlyOnceInOrderPerKeyAcrossKills(String role) throws Exception {
    int kills = Integer.getInteger("ferry.kafka.kills", 3);
    long seed = Long.getLong("ferry.kafka.seed", 7L);
    SandboxServer src = db.server(1);
    KafkaClusterTestKit broker = startBroker();
    ServiceProcess replicator = null;
    ServiceProcess master = null;
    try {
      List<String> setup = new ArrayList<>();
      for (int s = 0; s < SCHEMAS; s++) {
        setup.add("CREATE DATABASE k" + s);
        setup.add(
            "CREATE TABLE k" + s + ".t (id INT PRIMARY KEY, n BIGINT NOT NULL, v VARCHAR(40))");
      }
      setup.add("CREATE TABLE k0.done (id INT PRIMARY KEY)");
      Sql.run(src, setup.toArray(String[]::new));

      List<String> lines = new ArrayList<>();
      lines.add("service.name = kk");
      lines.add("service.role = " + role);
      lines.add("service.dir = " + dir.resolve("kk"));
      if (role.equals("direct")) {
        lines.addAll(ServiceFiles.source(src));
        lines.add("source.start = beginning");
      } else {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
          port = free.getLocalPort();
        }
        master = new ServiceProcess(ServiceFiles.master(dir, "km", src, port));
        master.start();
        lines.add("master.uri = thl://127.0.0.1:" + port);
        lines.add("master.silence-limit = 3s");
      }
      lines.add("target.type = kafka");
      lines.add("target.kafka.bootstrap-servers = " + broker.bootstrapServers());
      lines.add("target.kafka.partitions = 3");
      lines.add("apply.block-commit-events = 20");
      lines.add("apply.block-commit-latency = 50ms");
      Path conf = dir.resolve("kk.conf");
      java.nio.file.Files.write(conf, lines);
      replicator = new ServiceProcess(conf);
      replicator.start();

      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong committed = new AtomicLong();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        Random r = new Random(seed * 31 + c);
        Thread t = new Thread(() -> load(src, r, stop, committed), "load-" + c);
        t.start();
        clients.add(t);
      }
      Random killer = new Random(seed);
      long before = -1;
      for (int k = 0; k < kills; k++) {
        // each kill hits a replicator that works: its position moved since it (re)started
        before = waitForProgress(broker.bootstrapServers(), replicator, before);
        Thread.sleep(200 + killer.nextInt(1500));
        replicator.checkAlive();
        if (master != null) {
          master.checkAlive();
        }
        replicator.kill();
        Thread.sleep(killer.nextInt(500));
        replicator.start();
      }
      Thread.sleep(1000);
      stop.set(true);
      for (Thread t : clients) {
        t.join();
      }
      Sql.run(src, "INSERT INTO k0.done VALUES (1)");
      waitForMarker(broker.bootstrapServers(), replicator);
      replicator.stop();

      // the oracle: the source's binlog, read independently, and the source's rows
      List<Change> binlog = binlogChanges(src);
      List<Msg> seen = readCommitted(broker.bootstrapServers());
      assertThat(committed.get()).isGreaterThan(50);
      assertThat(binlog).hasSizeGreaterThan(100);
      assertThat(seen).hasSameSizeAs(binlog);
      Map<String, List<Change>> expected = new HashMap<>();
      binlog.forEach(ch -> expected.computeIfAbsent(ch.key, x -> new ArrayList<>()).add(ch));
      Map<String, List<Msg>> actual = new HashMap<>();
      seen.forEach(m -> actual.computeIfAbsent(m.key, x -> new ArrayList<>()).add(m));
      assertThat(actual.keySet()).isEqualTo(expected.keySet());
      java.util.Set<String> seqnoRows = new java.util.HashSet<>();
      for (Map.Entry<String, List<Change>> e : expected.entrySet()) {
        List<Msg> got = actual.get(e.getKey());
        List<String> want = e.getValue().stream().map(Change::describe).toList();
        assertThat(got.stream().map(Msg::describe).toList()).as(e.getKey()).isEqualTo(want);
        long prev = -1;
        for (Msg m : got) {
          long order = m.seqno * 100_000 + m.row;
          assertThat(order).as("order of " + e.getKey()).isGreaterThan(prev);
          assertThat(seqnoRows.add(m.seqno + "/" + m.row)).as("duplicate " + m.seqno).isTrue();
          prev = order;
        }
      }
      // and the last image of each key is the source's row (or the row is gone)
      for (int s = 0; s < SCHEMAS; s++) {
        Map<String, String> rows = new HashMap<>();
        for (List<String> row : Sql.rows(src, "SELECT id, n, v FROM k" + s + ".t")) {
          rows.put("k" + s + ".t/" + row.get(0), row.get(1) + "|" + row.get(2));
        }
        for (Map.Entry<String, List<Msg>> e : actual.entrySet()) {
          if (!e.getKey().startsWith("k" + s + ".t/")) {
            continue;
          }
          Msg last = e.getValue().get(e.getValue().size() - 1);
          if (last.op.equals("delete")) {
            assertThat(rows).doesNotContainKey(e.getKey());
          } else {
            assertThat(last.after).as(e.getKey()).isEqualTo(rows.get(e.getKey()));
          }
        }
      }
      // every row the source holds has a key whose last message carries it (the keys the consumer
      // saw were checked above; this checks from the source's side)
      for (int s = 0; s < SCHEMAS; s++) {
        for (List<String> row : Sql.rows(src, "SELECT id, n, v FROM k" + s + ".t")) {
          String key = "k" + s + ".t/" + row.get(0);
          assertThat(actual).as("messages of source row " + key).containsKey(key);
          Msg last = actual.get(key).get(actual.get(key).size() - 1);
          assertThat(last.op).as("last message of " + key).isNotEqualTo("delete");
          assertThat(last.after).as(key).isEqualTo(row.get(1) + "|" + row.get(2));
        }
      }
      // what the kills cost: messages of aborted blocks, visible only to read_uncommitted. Whether
      // a kill lands inside an open block depends on the machine's speed (a fast applier is often
      // between blocks), so it is reported, not required; KafkaApplierTest aborts open blocks on
      // purpose, and scripts/kafka-kill-soak.sh's ten kills show aborted messages every run
      int uncommitted = read(broker.bootstrapServers(), "read_uncommitted").size();
      assertThat(uncommitted)
          .as("read_uncommitted sees at least the committed messages")
          .isGreaterThanOrEqualTo(seen.size());
      System.out.printf(
          "kafka kill test ("
              + role
              + "): %d kills, %d source transactions, %d row changes, each seen once"
              + " (read_uncommitted sees %d messages: %d of aborted blocks)%n",
          kills,
          committed.get(),
          seen.size(),
          uncommitted,
          uncommitted - seen.size());
    } finally {
      if (replicator != null) {
        replicator.stop();
        replicator.keepLog(Path.of("target", "kafka-kill-test-" + role + ".log"));
      }
      if (master != null) {
        master.stop();
        master.keepLog(Path.of("target", "kafka-kill-test-master.log"));
      }
      broker.close();
    }
  }

  private static KafkaClusterTestKit startBroker() throws Exception {
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
    return c;
  }

  /** Transactions of 1 to 4 statements: upserts, updates and deletes of random keys. */
  private static void load(SandboxServer src, Random r, AtomicBoolean stop, AtomicLong committed) {
    try (Connection c = src.connect(src.root(), "");
        Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      while (!stop.get()) {
        int statements = 1 + r.nextInt(4);
        for (int i = 0; i < statements; i++) {
          String t = "k" + r.nextInt(SCHEMAS) + ".t";
          int id = r.nextInt(KEYS);
          int what = r.nextInt(10);
          if (what < 5) {
            st.execute(
                "INSERT INTO "
                    + t
                    + " VALUES ("
                    + id
                    + ", "
                    + r.nextInt(1_000_000)
                    + ", 'v"
                    + r.nextInt(1000)
                    + "') ON DUPLICATE KEY UPDATE n = n + 1, v = CONCAT('u', n)");
          } else if (what < 8) {
            st.execute(
                "UPDATE " + t + " SET n = n * 2 + 1 WHERE id BETWEEN " + id + " AND " + (id + 2));
          } else {
            st.execute("DELETE FROM " + t + " WHERE id = " + id);
          }
        }
        try {
          c.commit();
          committed.incrementAndGet();
        } catch (SQLException e) {
          c.rollback(); // a deadlock between the clients: the source has none of it
        }
        Thread.sleep(r.nextInt(5));
      }
    } catch (SQLException e) {
      if (!stop.get()) {
        throw new IllegalStateException(e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until the service's committed position (its position topic, read_committed) is beyond
   * {@code after}, and returns it: the replicator is online and applying.
   */
  private static long waitForProgress(String bootstrap, ServiceProcess replicator, long after)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      replicator.checkAlive();
      long now = positionSeqno(bootstrap);
      if (now > after) {
        return now;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "the position did not move beyond seqno " + after + " within 120 s: " + replicator.tail());
  }

  /** The seqno of the last committed record of the service's position topic, or -1. */
  private static long positionSeqno(String bootstrap) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      if (!c.listTopics(Duration.ofSeconds(30)).containsKey(POSITION_TOPIC)) {
        return -1;
      }
      TopicPartition tp = new TopicPartition(POSITION_TOPIC, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
      long seqno = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (c.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          seqno = JSON.readTree(r.value()).get("seqno").asLong();
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("reading " + POSITION_TOPIC + " took more than 60 s");
        }
      }
      return seqno;
    }
  }

  private static void waitForMarker(String bootstrap, ServiceProcess replicator) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      replicator.checkAlive();
      if (readCommitted(bootstrap).stream().anyMatch(m -> m.key.equals("k0.done/1"))) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the replicator did not catch up within 120 s: " + replicator.tail());
  }

  /** A row change of the binlog: its key and what it did. */
  private record Change(String key, String op, String after) {
    String describe() {
      return op + " " + after;
    }
  }

  /** A message as the consumer saw it. */
  private record Msg(String key, String op, String after, long seqno, long row) {
    String describe() {
      return op + " " + after;
    }
  }

  private static String image(Object n, Object v) {
    return n + "|" + v;
  }

  private static List<Change> binlogChanges(SandboxServer src) throws Exception {
    List<Change> out = new ArrayList<>();
    SourceSettings source =
        SourceSettings.of(
            src.host(), src.port(), src.replicator().user(), src.replicator().password());
    try (BinlogExtractor x =
        new BinlogExtractor(
            source,
            ExtractorSettings.defaults().withStart(new StartPosition.Beginning()),
            Clock.systemUTC())) {
      x.seek(Checkpoint.NONE);
      while (true) {
        ReplEvent e = x.next(20, TimeUnit.SECONDS);
        if (e == null) {
          throw new AssertionError("the binlog ended before the marker");
        }
        for (io.ferry.core.event.Change c : ((Transaction) e).changes()) {
          if (!(c instanceof RowChanges rc) || !rc.schema().startsWith("k")) {
            continue;
          }
          for (Row row : rc.rows()) {
            boolean before = rc.action() != Action.INSERT;
            Object id = before ? row.before(0) : row.after(0);
            String key = rc.schema() + "." + rc.table() + "/" + id;
            if (rc.table().equals("done")) {
              out.add(new Change(key, "insert", "-"));
              return out;
            }
            out.add(
                new Change(
                    key,
                    rc.action().name().toLowerCase(java.util.Locale.ROOT),
                    rc.action() == Action.DELETE
                        ? image(row.before(1), row.before(2))
                        : image(row.after(1), row.after(2))));
          }
        }
      }
    }
  }

  private static List<Msg> readCommitted(String bootstrap) throws Exception {
    return read(bootstrap, "read_committed");
  }

  private static List<Msg> read(String bootstrap, String isolation) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<Msg> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : c.listTopics(Duration.ofSeconds(30)).keySet()) {
        if (t.startsWith("k0.") || t.startsWith("k1.")) {
          c.partitionsFor(t, Duration.ofSeconds(30))
              .forEach(i -> parts.add(new TopicPartition(t, i.partition())));
        }
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          JsonNode k = JSON.readTree(r.key());
          JsonNode v = JSON.readTree(r.value());
          String key =
              k.get("schema").asText()
                  + "."
                  + k.get("table").asText()
                  + "/"
                  + k.get("key").get("id");
          String op = v.get("op").asText();
          JsonNode img = op.equals("delete") ? v.get("before") : v.get("after");
          String after =
              v.get("table").asText().equals("done")
                  ? "-"
                  : image(img.get("n").asLong(), img.get("v").asText());
          out.add(new Msg(key, op, after, v.get("seqno").asLong(), v.get("row").asLong()));
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("reading the topics took more than 60 s");
        }
      }
    }
    return out; // in each partition's order, as a consumer gets them
  }
}
