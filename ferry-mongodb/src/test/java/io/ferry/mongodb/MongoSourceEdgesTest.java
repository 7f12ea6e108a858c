package io.ferry.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.target.Target;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the source logs beyond plain row changes: partial row images, transactions the source rolled
 * back, keys below the millisecond, partition maintenance that drops rows unlogged, and renames
 * that swap names (run once, and replayed after a crash). Real MariaDB binlogs, the in-JVM MongoDB
 * server, documents compared with MariaDB's own SELECT.
 */
class MongoSourceEdgesTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  private interface Sql {
    void run(Statement st) throws Exception;
  }

  /** Runs the statements on the source and reads them back from its binlog. */
  private static List<Transaction> logged(String db, Sql sql) throws Exception {
    SandboxServer source = DB.server(1);
    BinlogPosition start = Binlog.head(source);
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + db);
      sql.run(st);
      st.execute("CREATE TABLE " + db + ".done (id INT PRIMARY KEY)");
      st.execute("INSERT INTO " + db + ".done VALUES (1)");
    }
    return Binlog.until(source, start, db);
  }

  private static void applyAll(Applier applier, List<Transaction> txs) {
    applier.lastCommitted();
    for (Transaction tx : txs) {
      applier.apply(tx);
      applier.commit();
    }
  }

  private static Statement source(Connection[] holder) throws Exception {
    SandboxServer s = DB.server(1);
    holder[0] = s.connect(s.root(), "");
    return holder[0].createStatement();
  }

  @Test
  void aMinimalRowImageStopsInsteadOfDeletingTheDocument() throws Exception {
    List<Transaction> txs =
        logged(
            "mi",
            st -> {
              st.execute("CREATE TABLE mi.t (id INT PRIMARY KEY, a INT, b VARCHAR(10))");
              st.execute("INSERT INTO mi.t VALUES (1, 1, 'x'), (2, 2, 'y')");
              st.execute("SET SESSION binlog_row_image = 'MINIMAL'");
              st.execute("UPDATE mi.t SET a = 10 WHERE id = 1");
              st.execute("SET SESSION binlog_row_image = 'FULL'");
            });
    try (InJvmMongo mongo = new InJvmMongo();
        MongoClient client = MongoClients.create(mongo.uri);
        Target target = MongoTargetType.open(MongoSettings.of("mi", mongo.uri), Clock.systemUTC());
        Applier applier = target.applier()) {
      assertThatThrownBy(() -> applyAll(applier, txs))
          .isInstanceOf(MongoApplyException.class)
          .hasMessageContaining("table mi.t")
          .hasMessageContaining("MINIMAL row image")
          .hasMessageContaining("binlog_row_image = FULL")
          .hasMessageContaining("skip seqno");
      applier.rollback();
      // the documents are still those of the rows before the update, none deleted or cut
      List<BsonDocument> docs =
          SourceOracle.list(client.getDatabase("mi").getCollection("t", BsonDocument.class).find());
      assertThat(docs).hasSize(2);
      assertThat(docs).allSatisfy(d -> assertThat(d.keySet()).contains("id", "a", "b"));
    }
  }

  @Test
  void aTransactionTheSourceRolledBackStops() throws Exception {
    List<Transaction> txs =
        logged(
            "rb",
            st -> {
              st.execute("CREATE TABLE rb.t (id INT PRIMARY KEY, u VARCHAR(40)) ENGINE = InnoDB");
              st.execute("CREATE TABLE rb.m (id INT PRIMARY KEY, u VARCHAR(40)) ENGINE = MyISAM");
              st.execute("INSERT INTO rb.t VALUES (1, 'a')");
              st.execute("INSERT INTO rb.m VALUES (1, 'a')");
              // statement format logs a rollback after a MyISAM change as the transaction with
              // ROLLBACK at its end (row format logs only the MyISAM rows, on their own)
              st.execute("SET SESSION binlog_format = 'STATEMENT'");
              st.execute("BEGIN");
              st.execute("INSERT INTO rb.t VALUES (2, 'undone')");
              st.execute("INSERT INTO rb.m VALUES (2, 'kept')");
              st.execute("ROLLBACK");
              st.execute("SET SESSION binlog_format = 'ROW'");
            });
    try (InJvmMongo mongo = new InJvmMongo();
        MongoClient client = MongoClients.create(mongo.uri);
        Target target = MongoTargetType.open(MongoSettings.of("rb", mongo.uri), Clock.systemUTC());
        Applier applier = target.applier()) {
      assertThatThrownBy(() -> applyAll(applier, txs))
          .isInstanceOf(MongoApplyException.class)
          .hasMessageContaining("ROLLBACK")
          .hasMessageContaining("skip seqno")
          .satisfies(e -> assertThat(((MongoApplyException) e).isRetriable()).isFalse());
      applier.rollback();
      try (Connection c = DB.server(1).connect(DB.server(1).root(), "");
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM rb.t")) {
        rs.next(); // the source undid the insert of id 2; the target must not have it either
        assertThat(client.getDatabase("rb").getCollection("t").countDocuments())
            .isEqualTo(rs.getInt(1));
      }
    }
  }

  @Test
  void keysThatDifferBelowTheMillisecondStayApart() throws Exception {
    List<Transaction> txs =
        logged(
            "us",
            st -> {
              st.execute("CREATE TABLE us.d (k DATETIME(6) PRIMARY KEY, v INT)");
              st.execute("CREATE TABLE us.s (k TIMESTAMP(6) PRIMARY KEY, v INT)");
              for (String t : List.of("us.d", "us.s")) {
                st.execute(
                    "INSERT INTO "
                        + t
                        + " VALUES ('2024-01-01 00:00:00.000100', 1),"
                        + " ('2024-01-01 00:00:00.000200', 2), ('2024-01-01 00:00:00.000300', 3),"
                        + " ('2024-01-01 00:00:01', 4)");
                st.execute("DELETE FROM " + t + " WHERE v = 3");
              }
            });
    try (InJvmMongo mongo = new InJvmMongo();
        MongoClient client = MongoClients.create(mongo.uri);
        Target target = MongoTargetType.open(MongoSettings.of("us", mongo.uri), Clock.systemUTC());
        Applier applier = target.applier()) {
      applyAll(applier, txs);
      Connection[] c = new Connection[1];
      try (Statement st = source(c)) {
        st.execute("SET time_zone = '+00:00'");
        for (String t : List.of("d", "s")) {
          List<BsonValue> expected = new ArrayList<>();
          try (ResultSet rs = st.executeQuery("SELECT CAST(k AS CHAR) FROM us." + t)) {
            while (rs.next()) {
              expected.add(new BsonString(rs.getString(1)));
            }
          }
          List<BsonValue> ids =
              SourceOracle.list(
                      client.getDatabase("us").getCollection(t, BsonDocument.class).find())
                  .stream()
                  .map(d -> d.get("_id"))
                  .toList();
          assertThat(ids).as("us." + t).containsExactlyInAnyOrderElementsOf(expected);
        }
      } finally {
        c[0].close();
      }
    }
  }

  @Test
  void partitionMaintenanceThatDropsRowsIsNotPassedOver() throws Exception {
    List<Transaction> txs =
        logged(
            "pa",
            st -> {
              st.execute(
                  "CREATE TABLE pa.t (id INT PRIMARY KEY) PARTITION BY RANGE (id)"
                      + " (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN"
                      + " MAXVALUE)");
              st.execute("INSERT INTO pa.t VALUES (1), (20)");
              st.execute("ALTER TABLE pa.t TRUNCATE PARTITION p1");
              st.execute("ALTER TABLE pa.t DROP PARTITION p0");
            });
    try (InJvmMongo mongo = new InJvmMongo()) {
      try (Target target =
              MongoTargetType.open(MongoSettings.of("pa", mongo.uri), Clock.systemUTC());
          Applier applier = target.applier()) {
        assertThatThrownBy(() -> applyAll(applier, txs))
            .isInstanceOf(MongoApplyException.class)
            .hasMessageContaining("TRUNCATE PARTITION on pa.t")
            .hasMessageContaining("without logging them")
            .hasMessageContaining("skip seqno");
        applier.rollback();
      }
      try (Target target =
              MongoTargetType.open(
                  MongoSettings.of("pi", mongo.uri).withDdl("ignore"), Clock.systemUTC());
          Applier applier = target.applier()) {
        applyAll(applier, txs);
        assertThat(target.stats().get("applier")).containsEntry("ddlIgnored", 5L);
      }
    }
  }

  @Test
  void swappingRenamesEndAsOnTheSourceAndAReplayStops() throws Exception {
    List<Transaction> txs =
        logged(
            "sw",
            st -> {
              st.execute("CREATE TABLE sw.a (id INT PRIMARY KEY, x VARCHAR(10), y VARCHAR(10))");
              st.execute("CREATE TABLE sw.b (id INT PRIMARY KEY, x VARCHAR(10), y VARCHAR(10))");
              st.execute("INSERT INTO sw.a VALUES (1, 'x1', 'a1'), (2, 'x2', 'a2')");
              st.execute("INSERT INTO sw.b VALUES (7, 'x7', 'b7')");
              st.execute("ALTER TABLE sw.a RENAME COLUMN x TO y, RENAME COLUMN y TO x");
              st.execute("RENAME TABLE sw.a TO sw.tmp, sw.b TO sw.a, sw.tmp TO sw.b");
            });
    List<SourceOracle.Col> cols =
        List.of(
            new SourceOracle.Col("x", SourceOracle.Kind.TEXT, 0),
            new SourceOracle.Col("y", SourceOracle.Kind.TEXT, 0));
    try (InJvmMongo mongo = new InJvmMongo();
        MongoClient client = MongoClients.create(mongo.uri)) {
      // once, without a crash: the documents are the source's rows
      try (Target target =
              MongoTargetType.open(MongoSettings.of("sw", mongo.uri), Clock.systemUTC());
          Applier applier = target.applier()) {
        applyAll(applier, txs);
      }
      Connection[] c = new Connection[1];
      try (Statement st = source(c)) {
        Map<BsonValue, BsonDocument> b = SourceOracle.documents(st, "sw.b", cols);
        assertThat(b).hasSize(2);
        SourceOracle.assertSame(
            "sw.b",
            b,
            SourceOracle.list(
                client.getDatabase("sw").getCollection("b", BsonDocument.class).find()));
      } finally {
        c[0].close();
      }
      client.getDatabase("sw").drop();

      // the table swap runs, the replicator dies before its position: the replay must not swap back
      int swap = txs.size() - 3; // the RENAME TABLE, then done's CREATE and INSERT
      assertThat(((SqlStatement) txs.get(swap).changes().get(0)).text()).contains("RENAME TABLE");
      try (Target target =
          MongoTargetType.open(MongoSettings.of("sx", mongo.uri), Clock.systemUTC())) {
        Applier first = target.applier();
        applyAll(first, txs.subList(0, swap));
        first.apply(txs.get(swap));
        first.abort();
        first.close();
        Applier second = target.applier();
        assertThat(second.lastCommitted().seqno()).isEqualTo(swap - 1);
        assertThatThrownBy(() -> second.apply(txs.get(swap)))
            .isInstanceOf(MongoApplyException.class)
            .hasMessageContaining("seqno " + swap)
            .hasMessageContaining("was running on")
            .hasMessageContaining("skip seqno " + swap);
        second.rollback();
        second.close();
      }
      // what the first run left is the swap done once: a holds b's rows, b holds a's
      try (Statement st = source(c)) {
        SourceOracle.assertSame(
            "sw.a after the crash",
            SourceOracle.documents(st, "sw.a", cols),
            SourceOracle.list(
                client.getDatabase("sw").getCollection("a", BsonDocument.class).find()));
      } finally {
        c[0].close();
      }
    }
  }
}
