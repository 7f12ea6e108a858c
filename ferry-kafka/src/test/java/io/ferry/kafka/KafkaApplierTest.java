package io.ferry.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.mysql.StartPosition;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atomicity at the applier level against a real broker, with transactions read from a real MariaDB
 * binlog: a block rolled back, a block a "zombie" producer left open, and a producer closed under
 * it are invisible to read_committed consumers, and the next applier resumes right after the
 * committed position; in the end every source row appears exactly once, in seqno order.
 */
class KafkaApplierTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  static KafkaBroker broker;
  static List<Transaction> txs;
  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.stop();
    }
  }

  private static synchronized List<Transaction> transactions() throws Exception {
    if (txs == null) {
      Binlog.sql(
          DB.server(1),
          "CREATE DATABASE IF NOT EXISTS s",
          "CREATE TABLE s.t (id INT PRIMARY KEY, v VARCHAR(20))",
          "CREATE TABLE s.done (id INT PRIMARY KEY)");
      StartPosition start = Binlog.head(DB.server(1));
      List<String> load = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        load.add(
            "INSERT INTO s.t VALUES ("
                + (2 * i)
                + ", 'a"
                + i
                + "'), ("
                + (2 * i + 1)
                + ", 'b"
                + i
                + "')");
        if (i % 3 == 2) {
          load.add("UPDATE s.t SET v = CONCAT(v, '+') WHERE id = " + i);
        }
      }
      load.add("DELETE FROM s.t WHERE id = 3");
      load.add("INSERT INTO s.done VALUES (1)");
      Binlog.sql(DB.server(1), load.toArray(String[]::new));
      txs = Binlog.read(DB.server(1), start, "s");
    }
    return txs;
  }

  private KafkaTarget target(String service) {
    TestConfig c =
        new TestConfig(service, dir)
            .set("target.kafka.bootstrap-servers", broker.bootstrap())
            .set("target.kafka.topic-prefix", service + ".")
            .set("target.kafka.partitions", "3");
    return (KafkaTarget) new KafkaTargetType().open(c, Clock.systemUTC());
  }

  private static void apply(Applier a, List<Transaction> list, int from, int to) {
    for (Transaction t : list) {
      if (t.seqno() >= from && t.seqno() < to) {
        a.apply(t);
      }
    }
  }

  private static long lastSeqno(List<Transaction> list) {
    return list.get(list.size() - 1).seqno();
  }

  /** The seqnos whose messages a read_committed consumer sees on the service's row topics. */
  private static List<Long> seenSeqnos(String service) throws Exception {
    return broker.readCommitted(t -> t.startsWith(service + ".s.")).stream()
        .map(m -> m.value().get("seqno").asLong())
        .distinct()
        .sorted()
        .toList();
  }

  @Test
  void rolledBackBlockIsInvisibleAndTheNextApplierResumesAfterTheCommittedOne() throws Exception {
    List<Transaction> list = transactions();
    try (KafkaTarget target = target("atom1")) {
      Applier a = target.applier();
      assertThat(a.lastCommitted().isNone()).isTrue();
      apply(a, list, 0, 3);
      a.commit();
      assertThat(a.lastCommitted().seqno()).isEqualTo(2);
      apply(a, list, 3, 6);
      a.rollback();
      assertThat(seenSeqnos("atom1")).containsExactly(0L, 1L, 2L);
      a.close();

      Applier b = target.applier();
      Checkpoint resumed = b.lastCommitted();
      assertThat(resumed.seqno()).isEqualTo(2);
      assertThat(resumed.nativePosition()).isEqualTo(list.get(2).header().nativePosition());
      apply(b, list, 3, Integer.MAX_VALUE);
      b.commit();
      b.close();
      assertThat(target.stats().get("applier").get("transactions")).isEqualTo(lastSeqno(list) + 1);
    }
    assertExactlyOnceInOrder("atom1");
  }

  @Test
  void aZombiesOpenTransactionIsAbortedAndItCannotCommitAfterItWasFenced() throws Exception {
    List<Transaction> list = transactions();
    KafkaTarget first = target("atom2");
    Applier zombie = first.applier();
    zombie.lastCommitted();
    apply(zombie, list, 0, 4);
    zombie.commit();
    apply(zombie, list, 4, 8); // open when "killed": never committed, never closed

    try (KafkaTarget second = target("atom2")) {
      Applier b = second.applier();
      assertThat(b.lastCommitted().seqno()).isEqualTo(3); // and the zombie is fenced
      assertThat(seenSeqnos("atom2")).containsExactly(0L, 1L, 2L, 3L);
      // fenced: ProducerFenced (it stops) or, with transactions v2, an old epoch (it would retry,
      // with a new producer that reads the position again); either way its block is gone
      assertThatThrownBy(zombie::commit)
          .isInstanceOf(KafkaApplyException.class)
          .hasMessageContaining("took over")
          .hasMessageContaining("ferry-atom2.|atom2");
      assertThat(seenSeqnos("atom2")).containsExactly(0L, 1L, 2L, 3L);
      apply(b, list, 4, Integer.MAX_VALUE);
      b.commit();
      b.close();
    } finally {
      zombie.close();
      first.close();
    }
    assertExactlyOnceInOrder("atom2");
  }

  @Test
  void aProducerClosedUnderItsBlockLosesTheBlockAndTheRetryResumes() throws Exception {
    List<Transaction> list = transactions();
    try (KafkaTarget target = target("atom3")) {
      Applier a = target.applier();
      a.lastCommitted();
      apply(a, list, 0, 5);
      a.abort(); // an immediate stop from another thread
      assertThatThrownBy(a::commit).isInstanceOf(KafkaApplyException.class);
      a.rollback(); // what the stage does next
      assertThat(a.lastCommitted().isNone()).isTrue();
      apply(a, list, 0, Integer.MAX_VALUE);
      a.commit();
      a.close();
    }
    assertExactlyOnceInOrder("atom3");
  }

  /**
   * The position is read right after the partition's early records were deleted (retention under
   * compact,delete; the consumer must not seek before the first retained offset, which used to
   * reset it to the end and read "no position": a full replay); a topic emptied of its positions is
   * an error naming it, and a position topic someone made with cleanup.policy = delete is refused.
   */
  @Test
  void thePositionIsFoundAfterEarlyRecordsWereDeletedAndAMissingOneIsAnError() throws Exception {
    List<Transaction> list = transactions();
    String topic = "pos1.ferry_pos1.position";
    try (KafkaTarget target = target("pos1");
        Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
      // compact,delete (accepted with a warning): the policy under which retention, or
      // deleteRecords, which a compact-only topic refuses, moves the partition's first offset
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 1, (short) 1)
                      .configs(Map.of("cleanup.policy", "compact,delete"))))
          .all()
          .get();
      Applier a = target.applier();
      a.lastCommitted();
      for (long s = 0; s <= lastSeqno(list); s++) {
        apply(a, list, (int) s, (int) s + 1);
        a.commit(); // a block per transaction: a record and a commit marker each
      }
      a.close();
      TopicPartition tp = new TopicPartition(topic, 0);
      long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
      assertThat(end).isGreaterThan(2 * lastSeqno(list));
      // keep only the last position record (and its marker)
      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(end - 2))).all().get();
      Applier b = target.applier();
      Checkpoint resumed = b.lastCommitted();
      assertThat(resumed.seqno()).isEqualTo(lastSeqno(list));
      assertThat(resumed.nativePosition())
          .isEqualTo(list.get(list.size() - 1).header().nativePosition());
      b.close();

      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(end))).all().get();
      Applier c = target.applier();
      assertThatThrownBy(c::lastCommitted)
          .isInstanceOf(KafkaApplyException.class)
          .hasMessageContaining(topic)
          .hasMessageContaining("no committed position")
          .satisfies(e -> assertThat(((KafkaApplyException) e).isRetriable()).isFalse());
      c.close();

      admin
          .createTopics(
              List.of(
                  new NewTopic("pos2.ferry_pos2.position", 1, (short) 1)
                      .configs(Map.of("cleanup.policy", "delete"))))
          .all()
          .get();
    }
    try (KafkaTarget target = target("pos2")) {
      assertThatThrownBy(() -> target.applier().lastCommitted())
          .isInstanceOf(KafkaApplyException.class)
          .hasMessageContaining("pos2.ferry_pos2.position")
          .hasMessageContaining("cleanup.policy = delete");
    }
  }

  /**
   * Every row change the source holds the result of appears exactly once: the last message of each
   * key carries the source's row (or a delete for a row that is gone), and each key's messages come
   * in ascending (seqno, row).
   */
  private void assertExactlyOnceInOrder(String service) throws Exception {
    List<KafkaBroker.Msg> msgs = broker.readCommitted(t -> t.startsWith(service + ".s.t"));
    Map<String, List<KafkaBroker.Msg>> byKey = new HashMap<>();
    for (KafkaBroker.Msg m : msgs) {
      byKey.computeIfAbsent(m.key().toString(), k -> new ArrayList<>()).add(m);
    }
    Map<Integer, String> source = new HashMap<>();
    try (Connection c = DB.server(1).connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, v FROM s.t")) {
      while (rs.next()) {
        source.put(rs.getInt(1), rs.getString(2));
      }
    }
    // the oracle's count: a binlog row change per inserted, updated, deleted row
    long expected =
        txs.stream()
            .flatMap(t -> t.changes().stream())
            .filter(ch -> ch instanceof io.ferry.core.event.RowChanges rc && rc.table().equals("t"))
            .mapToLong(ch -> ((io.ferry.core.event.RowChanges) ch).rows().size())
            .sum();
    assertThat(msgs).hasSize((int) expected);
    assertThat(byKey).hasSize(20);
    for (List<KafkaBroker.Msg> perKey : byKey.values()) {
      long prev = -1;
      for (KafkaBroker.Msg m : perKey) {
        long order = m.value().get("seqno").asLong() * 1000 + m.value().get("row").asLong();
        assertThat(order).isGreaterThan(prev);
        prev = order;
        assertThat(m.partition()).isEqualTo(perKey.get(0).partition());
      }
      KafkaBroker.Msg last = perKey.get(perKey.size() - 1);
      int id = last.key().get("key").get("id").asInt();
      if (source.containsKey(id)) {
        assertThat(last.value().get("after").get("v").asText()).isEqualTo(source.get(id));
      } else {
        assertThat(last.value().get("op").asText()).isEqualTo("delete");
      }
    }
  }
}
