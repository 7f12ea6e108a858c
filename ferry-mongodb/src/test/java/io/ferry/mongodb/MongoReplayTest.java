package io.ferry.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.target.Target;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crash between the data and the position: a block's writes reach MongoDB, the applier dies before
 * its position does, a new applier replays from the old position; the documents must equal the
 * source's rows (MariaDB's own SELECT), whatever the block held: inserts, updates, key changes,
 * deletes, and DDL (CREATE with a unique key, ADD/DROP COLUMN, RENAME, TRUNCATE, DROP).
 */
class MongoReplayTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  private static final List<SourceOracle.Col> T_COLS =
      List.of(
          new SourceOracle.Col("k", SourceOracle.Kind.INT32, 0),
          new SourceOracle.Col("c", SourceOracle.Kind.TEXT, 0),
          new SourceOracle.Col("amount", SourceOracle.Kind.DECIMAL, 0));

  @Test
  void replayAfterACrashBeforeThePositionEndsInTheSourceRows() throws Exception {
    SandboxServer source = DB.server(1);
    BinlogPosition start = Binlog.head(source);
    Random random = new Random(14);
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE rp");
      for (String t : List.of("t1", "t2")) {
        st.execute(
            "CREATE TABLE rp."
                + t
                + " (id INT PRIMARY KEY, k INT NOT NULL, c VARCHAR(40), amount DECIMAL(12,2),"
                + " UNIQUE KEY uk (k))");
      }
      for (int i = 0; i < 300; i++) {
        String t = random.nextBoolean() ? "rp.t1" : "rp.t2";
        int id = random.nextInt(60);
        switch (random.nextInt(5)) {
          case 0, 1 ->
              st.execute(
                  "INSERT INTO "
                      + t
                      + " VALUES ("
                      + id
                      + ", "
                      + (id + 1000 * i)
                      + ", 'v"
                      + i
                      + "', "
                      + i
                      + ".25) ON DUPLICATE KEY UPDATE c = 'dup"
                      + i
                      + "', amount = amount + 1");
          case 2 ->
              st.execute(
                  "UPDATE IGNORE " + t + " SET c = CONCAT(c, '+'), k = k + 1 WHERE id = " + id);
          case 3 ->
              st.execute(
                  "UPDATE IGNORE " + t + " SET id = id + 100 WHERE id = " + id); // a key change
          default -> st.execute("DELETE FROM " + t + " WHERE id = " + id);
        }
        if (i == 150) {
          st.execute("ALTER TABLE rp.t2 ADD COLUMN extra INT DEFAULT 7");
          st.execute("ALTER TABLE rp.t2 DROP COLUMN extra");
          st.execute("CREATE TABLE rp.gone (id INT PRIMARY KEY)");
          st.execute("INSERT INTO rp.gone VALUES (1), (2)");
          st.execute("TRUNCATE TABLE rp.gone");
          st.execute("INSERT INTO rp.gone VALUES (3)");
          st.execute("RENAME TABLE rp.gone TO rp.moved");
        }
      }
      st.execute("CREATE TABLE rp.done (id INT PRIMARY KEY)");
      st.execute("INSERT INTO rp.done VALUES (1)");
    }
    List<Transaction> txs = Binlog.until(source, start, "rp");
    assertThat(txs).hasSizeGreaterThan(150);

    try (InJvmMongo mongo = new InJvmMongo();
        MongoClient client = MongoClients.create(mongo.uri)) {
      MongoSettings settings = MongoSettings.of("replay", mongo.uri);
      List<Long> crashes = new ArrayList<>();
      try (Target target = MongoTargetType.open(settings, Clock.systemUTC())) {
        int next = 0;
        int round = 0;
        while (next < txs.size()) {
          Applier applier = target.applier();
          long resume = applier.lastCommitted().nextSeqno();
          next = (int) resume;
          // a few committed blocks of 10, then a block whose writes land but whose position not
          for (int block = 0; block < 3 && next < txs.size(); block++) {
            for (int i = 0; i < 10 && next < txs.size(); i++) {
              applier.apply(txs.get(next++));
              if (applier.needsCommit()) {
                break;
              }
            }
            applier.commit();
          }
          for (int i = 0; i < 5 + round % 7 && next < txs.size(); i++) {
            applier.apply(txs.get(next++));
            if (applier.needsCommit()) {
              break; // a DDL block: its statement ran, its position not
            }
          }
          applier.flush();
          crashes.add(applier.lastCommitted().seqno());
          applier.abort(); // the crash: the position of these writes never arrives
          applier.close();
          round++;
          if (next >= txs.size()) {
            Applier last = target.applier();
            next = (int) last.lastCommitted().nextSeqno();
            while (next < txs.size()) {
              last.apply(txs.get(next++));
              if (last.needsCommit()) {
                last.commit();
              }
            }
            last.commit();
            assertThat(last.lastCommitted().seqno()).isEqualTo(txs.size() - 1);
            last.close();
          }
        }
      }
      assertThat(crashes).hasSizeGreaterThan(5);

      try (Connection c = source.connect(source.root(), "");
          Statement st = c.createStatement()) {
        for (String t : List.of("t1", "t2")) {
          Map<BsonValue, BsonDocument> expected = SourceOracle.documents(st, "rp." + t, T_COLS);
          assertThat(expected).isNotEmpty();
          SourceOracle.assertSame(
              "rp." + t,
              expected,
              SourceOracle.list(
                  client.getDatabase("rp").getCollection(t, BsonDocument.class).find()));
        }
        SourceOracle.assertSame(
            "rp.moved",
            SourceOracle.documents(st, "rp.moved", List.of()),
            SourceOracle.list(
                client.getDatabase("rp").getCollection("moved", BsonDocument.class).find()));
      }
      List<String> names = SourceOracle.list(client.getDatabase("rp").listCollectionNames());
      assertThat(names).contains("t1", "t2", "moved").doesNotContain("gone");
      List<String> indexes =
          SourceOracle.list(client.getDatabase("rp").getCollection("t1").listIndexes()).stream()
              .map(d -> d.getString("name"))
              .toList();
      assertThat(indexes).contains("ferry_uk_k");
    }
  }

  @Test
  void aStatementLoggedChangeStopsWithWhatToDo() throws Exception {
    SandboxServer source = DB.server(1);
    BinlogPosition start = Binlog.head(source);
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE sb");
      st.execute("CREATE TABLE sb.t (id INT PRIMARY KEY, v INT)");
      st.execute("SET SESSION binlog_format = 'STATEMENT'");
      st.execute("INSERT INTO sb.t VALUES (1, 1)");
      st.execute("SET SESSION binlog_format = 'ROW'");
      st.execute("CREATE TABLE sb.done (id INT PRIMARY KEY)");
      st.execute("INSERT INTO sb.done VALUES (1)");
    }
    List<Transaction> txs = Binlog.until(source, start, "sb");
    try (InJvmMongo mongo = new InJvmMongo();
        Target target =
            MongoTargetType.open(MongoSettings.of("sbr", mongo.uri), Clock.systemUTC());
        Applier applier = target.applier()) {
      applier.lastCommitted();
      assertThatThrownBy(
              () -> {
                for (Transaction tx : txs) {
                  applier.apply(tx);
                  applier.commit();
                }
              })
          .isInstanceOf(MongoApplyException.class)
          .hasMessageContaining("statement-logged change (INSERT INTO sb.t VALUES (1, 1))")
          .hasMessageContaining("binlog_format = ROW")
          .hasMessageContaining("skip seqno")
          .satisfies(e -> assertThat(((MongoApplyException) e).isRetriable()).isFalse());
    }
  }

  @Test
  void ddlPolicyAndOneDatabaseLayout() throws Exception {
    SandboxServer source = DB.server(1);
    BinlogPosition start = Binlog.head(source);
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE dp");
      st.execute("CREATE TABLE dp.t (id INT PRIMARY KEY, v VARCHAR(10))");
      st.execute("INSERT INTO dp.t VALUES (1, 'a'), (2, 'b')");
      st.execute("CREATE TABLE dp.done (id INT PRIMARY KEY)");
      st.execute("INSERT INTO dp.done VALUES (1)");
    }
    List<Transaction> txs = Binlog.until(source, start, "dp");
    try (InJvmMongo mongo = new InJvmMongo();
        MongoClient client = MongoClients.create(mongo.uri)) {
      MongoSettings base = MongoSettings.of("dp", mongo.uri).withLayout(false, "all");
      try (Target target = MongoTargetType.open(base.withDdl("stop"), Clock.systemUTC());
          Applier applier = target.applier()) {
        applier.lastCommitted();
        assertThatThrownBy(
                () -> {
                  for (Transaction tx : txs) {
                    applier.apply(tx);
                  }
                })
            .isInstanceOf(MongoApplyException.class)
            .hasMessageContaining("is DDL that is not applied")
            .hasMessageContaining("target.ddl = stop")
            .hasMessageContaining("CREATE DATABASE dp");
      }
      try (Target target = MongoTargetType.open(base.withDdl("ignore"), Clock.systemUTC());
          Applier applier = target.applier()) {
        applier.lastCommitted();
        for (Transaction tx : txs) {
          applier.apply(tx);
          applier.commit();
        }
        assertThat(target.stats().get("applier")).containsEntry("ddlIgnored", 3L);
      }
      assertThat(SourceOracle.list(client.listDatabaseNames())).doesNotContain("dp");
      try (Connection c = source.connect(source.root(), "");
          Statement st = c.createStatement()) {
        SourceOracle.assertSame(
            "all.dp.t",
            SourceOracle.documents(
                st, "dp.t", List.of(new SourceOracle.Col("v", SourceOracle.Kind.TEXT, 0))),
            SourceOracle.list(
                client.getDatabase("all").getCollection("dp.t", BsonDocument.class).find()));
      }
    }
  }
}
