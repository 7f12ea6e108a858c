package io.ferry.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.target.TargetException;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.mysql.StartPosition;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DDL by target.ddl (translate: a message on the DDL topic; stop; ignore), statement-logged DML
 * refused with a message that says to use row format, and settings the broker or Ferry refuse.
 */
class KafkaStatementsTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  static KafkaBroker broker;
  static List<Transaction> ddl;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaBroker.start();
    StartPosition head = Binlog.head(DB.server(1));
    Binlog.sql(
        DB.server(1),
        "CREATE DATABASE d",
        "CREATE TABLE d.t (id INT PRIMARY KEY, v INT)",
        "INSERT INTO d.t VALUES (1, 1)",
        "ALTER TABLE d.t ADD COLUMN w VARCHAR(10)",
        "CREATE USER 'u1'@'%' IDENTIFIED BY 'secret1'",
        "GRANT SELECT ON d.* TO 'u1'@'%'",
        "ALTER USER 'u1'@'%' IDENTIFIED BY 'secret2'",
        "SET SESSION binlog_format = 'STATEMENT'",
        "UPDATE d.t SET v = v + 1",
        "SET SESSION binlog_format = 'ROW'",
        "CREATE TABLE d.done (id INT PRIMARY KEY)",
        "INSERT INTO d.done VALUES (1)");
    ddl = Binlog.read(DB.server(1), head, "d");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.stop();
    }
  }

  private TestConfig config(String service) {
    return new TestConfig(service, dir)
        .set("target.kafka.bootstrap-servers", broker.bootstrap())
        .set("target.kafka.topic-prefix", service + ".");
  }

  private static boolean isStatementDml(Transaction t) {
    return t.changes().stream()
        .anyMatch(c -> c instanceof SqlStatement s && s.text().startsWith("UPDATE"));
  }

  @Test
  void ddlBecomesMessagesOnTheDdlTopicInOrder() throws Exception {
    Object accountSkipped;
    try (KafkaTarget target =
        (KafkaTarget) new KafkaTargetType().open(config("dt"), Clock.systemUTC())) {
      Applier a = target.applier();
      a.lastCommitted();
      for (Transaction t : ddl) {
        if (!isStatementDml(t)) {
          a.apply(t);
        }
      }
      a.commit();
      a.close();
      accountSkipped = target.stats().get("applier").get("accountDdlSkipped");
    }
    List<String> statements =
        broker.readCommitted(t -> t.equals("dt.ferry_dt.ddl")).stream()
            .map(m -> m.value().get("op").asText() + " " + m.value().get("statement").asText())
            .toList();
    assertThat(statements)
        .containsExactly(
            "ddl CREATE DATABASE d",
            "ddl CREATE TABLE d.t (id INT PRIMARY KEY, v INT)",
            "ddl ALTER TABLE d.t ADD COLUMN w VARCHAR(10)",
            "ddl CREATE TABLE d.done (id INT PRIMARY KEY)");
    assertThat(broker.readCommitted(t -> t.equals("dt.d.t"))).hasSize(1);
    assertThat(accountSkipped).isEqualTo(3L); // CREATE USER, GRANT, ALTER USER: never published
  }

  @Test
  void ddlStopsTheServiceUnderStopAndIsCountedUnderIgnore() throws Exception {
    try (KafkaTarget target =
        (KafkaTarget)
            new KafkaTargetType().open(config("ds").set("target.ddl", "stop"), Clock.systemUTC())) {
      Applier a = target.applier();
      a.lastCommitted();
      assertThatThrownBy(() -> a.apply(ddl.get(0)))
          .isInstanceOf(KafkaApplyException.class)
          .hasMessageContaining("target.ddl = stop")
          .hasMessageContaining("skip seqno 0")
          .satisfies(e -> assertThat(((KafkaApplyException) e).isRetriable()).isFalse());
      a.rollback();
      a.close();
    }
    try (KafkaTarget target =
        (KafkaTarget)
            new KafkaTargetType()
                .open(config("di").set("target.ddl", "ignore"), Clock.systemUTC())) {
      Applier a = target.applier();
      a.lastCommitted();
      a.apply(ddl.get(0));
      a.commit();
      assertThat(a.lastCommitted().seqno()).isEqualTo(0);
      a.close();
      assertThat(target.stats().get("applier").get("ddlIgnored")).isEqualTo(1L);
    }
  }

  /**
   * A transaction cut in fragments that ends in ROLLBACK after it changed an Aria table (and made a
   * temporary table, which has MariaDB log the group with its ROLLBACK): the source kept the Aria
   * change (logged at once in a group of its own) and undid the InnoDB rows, so a read_committed
   * consumer sees the Aria change and none of the InnoDB rows, though the flag only comes with the
   * last fragment, after the first ones were sent. Checked against the source's rows.
   */
  @Test
  void aFragmentedTransactionThatEndsInRollbackPublishesWhatTheSourceKept() throws Exception {
    Binlog.sql(
        DB.server(1),
        "CREATE DATABASE r",
        "CREATE TABLE r.inno (id INT PRIMARY KEY, v VARCHAR(200)) ENGINE=InnoDB",
        "CREATE TABLE r.aria (id INT PRIMARY KEY, v INT) ENGINE=Aria TRANSACTIONAL=0",
        "INSERT INTO r.aria VALUES (1, 1)",
        "CREATE TABLE r.done (id INT PRIMARY KEY)");
    StartPosition head = Binlog.head(DB.server(1));
    IntFunction<String> many =
        from -> {
          StringBuilder sb = new StringBuilder("INSERT INTO r.inno VALUES ");
          for (int i = from; i < from + 200; i++) {
            sb.append(i == from ? "" : ", ").append('(').append(i).append(", REPEAT('x', 200))");
          }
          return sb.toString();
        };
    try (Connection c = DB.server(1).connect(DB.server(1).root(), "");
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO r.inno VALUES (1000, 'kept')");
      c.setAutoCommit(false);
      st.execute(many.apply(0));
      st.execute("CREATE TEMPORARY TABLE r.tmp (id INT) ENGINE=MyISAM");
      st.execute("UPDATE r.aria SET v = 2");
      st.execute(many.apply(300));
      c.rollback();
      c.setAutoCommit(true);
      st.execute("INSERT INTO r.done VALUES (1)");
    }
    List<Transaction> txs =
        Binlog.read(DB.server(1), head, "r", ExtractorSettings.defaults().withFragmentBytes(4096));
    Transaction last =
        txs.stream()
            .filter(t -> "true".equals(t.header().option(TransactionOptions.ROLLBACK)))
            .findFirst()
            .orElseThrow();
    assertThat(last.fragno()).isGreaterThan(0); // cut in fragments, the flag on the last

    try (KafkaTarget target =
        (KafkaTarget) new KafkaTargetType().open(config("rb"), Clock.systemUTC())) {
      Applier a = target.applier();
      int retries = 0;
      long from = a.lastCommitted().seqno() + 1;
      while (true) { // what the stage does: roll back, read the position, apply from there
        try {
          for (Transaction t : txs) {
            if (t.seqno() >= from) {
              a.apply(t);
            }
          }
          a.commit();
          break;
        } catch (KafkaApplyException e) {
          assertThat(e.isRetriable()).isTrue();
          assertThat(e.getMessage()).contains("ROLLBACK", "seqno " + last.seqno());
          assertThat(retries++).isZero();
          a.rollback();
          from = a.lastCommitted().seqno() + 1;
        }
      }
      assertThat(retries).isEqualTo(1);
      assertThat(a.lastCommitted().seqno()).isEqualTo(txs.get(txs.size() - 1).seqno());
      a.close();
      assertThat(target.stats().get("applier").get("rolledBackTransactions")).isEqualTo(1L);
    }
    // the oracle: the source's rows; each key's last message carries them
    Map<String, String> source = new TreeMap<>();
    try (Connection c = DB.server(1).connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT CONCAT('inno/', id), v FROM r.inno UNION ALL"
                    + " SELECT CONCAT('aria/', id), v FROM r.aria")) {
      while (rs.next()) {
        source.put(rs.getString(1), rs.getString(2));
      }
    }
    assertThat(source).containsEntry("aria/1", "2").hasSize(2); // the InnoDB rows were undone
    Map<String, String> published = new TreeMap<>();
    for (KafkaBroker.Msg m : broker.readCommitted(t -> t.startsWith("rb.r."))) {
      String table = m.topic().substring("rb.r.".length());
      if (!table.equals("done")) {
        published.put(
            table + "/" + m.key().get("key").get("id").asText(),
            m.value().get("after").get("v").asText());
      }
    }
    assertThat(published).isEqualTo(source);
  }

  @Test
  void statementLoggedDmlStopsWithAMessageThatSaysToUseRowFormat() {
    Transaction dml = ddl.stream().filter(KafkaStatementsTest::isStatementDml).findFirst().get();
    try (KafkaTarget target =
        (KafkaTarget) new KafkaTargetType().open(config("dm"), Clock.systemUTC())) {
      Applier a = target.applier();
      a.lastCommitted();
      assertThatThrownBy(() -> a.apply(dml))
          .isInstanceOf(KafkaApplyException.class)
          .hasMessageContaining("binlog_format = ROW")
          .hasMessageContaining("seqno " + dml.seqno());
      a.rollback();
      a.close();
    }
  }

  /**
   * A message over the topic's max.message.bytes fails the block at its commit: the error names the
   * message's topic, seqno and table, and is not retried; a properties entry the Kafka client
   * refuses is not retried either.
   */
  @Test
  void aMessageTooLargeNamesItsTopicSeqnoAndTableAndABadPropertyIsNotRetried() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("big.d.t", 1, (short) 1)
                      .configs(Map.of("max.message.bytes", "100"))))
          .all()
          .get();
    }
    Transaction insert =
        ddl.stream()
            .filter(
                t ->
                    t.changes().stream()
                        .anyMatch(c -> c instanceof RowChanges rc && rc.table().equals("t")))
            .findFirst()
            .orElseThrow();
    try (KafkaTarget target =
        (KafkaTarget) new KafkaTargetType().open(config("big"), Clock.systemUTC())) {
      Applier a = target.applier();
      a.lastCommitted();
      a.apply(insert);
      assertThatThrownBy(a::commit)
          .isInstanceOf(KafkaApplyException.class)
          .hasMessageContaining("seqno " + insert.seqno())
          .hasMessageContaining("table d.t")
          .hasMessageContaining("topic big.d.t")
          .hasMessageContaining("max.message.bytes")
          .satisfies(e -> assertThat(((KafkaApplyException) e).isRetriable()).isFalse());
      a.rollback();
      a.close();
    }
    Path props = dir.resolve("bad.properties");
    Files.writeString(props, "linger.ms=soon\n");
    try (KafkaTarget target =
        (KafkaTarget)
            new KafkaTargetType()
                .open(
                    config("cf").set("target.kafka.properties", "bad.properties"),
                    Clock.systemUTC())) {
      assertThatThrownBy(() -> target.applier().lastCommitted())
          .isInstanceOf(KafkaApplyException.class)
          .hasMessageContaining("linger.ms")
          .hasMessageContaining("bad.properties")
          .satisfies(e -> assertThat(((KafkaApplyException) e).isRetriable()).isFalse());
    }
  }

  @Test
  void aTopicTheBrokerRefusesAndAReservedPropertyAreClearErrors() throws Exception {
    try (KafkaTarget target =
        (KafkaTarget)
            new KafkaTargetType()
                .open(
                    config("rf").set("target.kafka.replication-factor", "3"), Clock.systemUTC())) {
      assertThatThrownBy(() -> target.applier().lastCommitted())
          .isInstanceOf(KafkaApplyException.class)
          .hasMessageContaining("rf.ferry_rf.position")
          .hasMessageContaining("target.kafka.replication-factor");
    }
    Path props = dir.resolve("kafka.properties");
    Files.writeString(props, "acks=1\nlinger.ms=10\n");
    TestConfig bad = config("pp").set("target.kafka.properties", "kafka.properties");
    assertThat(new KafkaTargetType().check(bad))
        .singleElement()
        .asString()
        .contains("target.kafka.properties", "acks", "Ferry sets itself");
    assertThatThrownBy(() -> new KafkaTargetType().open(bad, Clock.systemUTC()))
        .isInstanceOf(TargetException.class);
    Files.writeString(props, "partitioner.class=org.example.P\n");
    assertThat(
            new KafkaTargetType()
                .check(config("pc").set("target.kafka.properties", "kafka.properties")))
        .singleElement()
        .asString()
        .contains("partitioner.class", "Ferry sets itself");
    assertThat(
            new KafkaTargetType()
                .check(
                    config("lt")
                        .set("target.kafka.transaction-timeout", "5s")
                        .set("apply.block-commit-latency", "5s")))
        .singleElement()
        .asString()
        .contains("apply.block-commit-latency", "target.kafka.transaction-timeout");
    assertThat(new KafkaTargetType().check(new TestConfig("x", dir)))
        .singleElement()
        .asString()
        .contains("target.kafka.bootstrap-servers is required");
  }
}
