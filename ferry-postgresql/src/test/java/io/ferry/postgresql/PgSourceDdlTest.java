package io.ferry.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.pipeline.PipelineFailure;
import io.ferry.core.pipeline.RetryPolicy;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real MariaDB's binlog applied to PostgreSQL through a direct pipeline whose extractor hands out
 * large transactions in small fragments, unjoined: fragmented groups (committed and rolled back),
 * DDL that changes rows without row events (ADD COLUMN ... DEFAULT), DDL that passes over, CREATE
 * OR REPLACE TABLE, DDL on a ferry_* schema, and partition DDL that must stop. PostgreSQL's rows
 * are compared with the source's.
 */
class PgSourceDdlTest {
  @RegisterExtension static final SandboxExtension MARIADB = SandboxExtension.mariadb(1);
  @RegisterExtension static final SandboxExtension PG = SandboxExtension.postgresql(1);

  private static final Duration SYNC = Duration.ofSeconds(60);

  /**
   * Marks the last fragment of a fragmented transaction of one schema as ending in ROLLBACK, as the
   * binlog reader marks a group the source logged with ROLLBACK (only its last fragment says so).
   * MariaDB in row format logs no such group of row events itself (only statement-logged groups end
   * in ROLLBACK), so the test takes a real fragmented transaction and ends it that way.
   */
  private static final class RollBackFragmented implements Filter {
    private final String shard;
    final AtomicInteger maxFragno = new AtomicInteger();

    RollBackFragmented(String shard) {
      this.shard = shard;
    }

    @Override
    public Transaction filter(Transaction tx) {
      if (!shard.equals(tx.header().shard())) {
        return tx;
      }
      maxFragno.accumulateAndGet(tx.fragno(), Math::max);
      if (tx.fragno() > 0 && tx.lastFrag()) {
        return tx.withHeader(tx.header().withOption(TransactionOptions.ROLLBACK, "true"));
      }
      return tx;
    }
  }

  private static List<String> rows(Statement st, String query) throws Exception {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(query)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(rs.getString(i)).append('|');
        }
        out.add(b.toString());
      }
    }
    out.sort(null);
    return out;
  }

  private static List<String> source(String query) throws Exception {
    SandboxServer s = MARIADB.server(1);
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      return rows(st, query);
    }
  }

  private static List<String> pg(String query) throws Exception {
    try (Connection c = PG.server(1).connect();
        Statement st = c.createStatement()) {
      return rows(st, query);
    }
  }

  private static String bigInsert(String table, int from, int count) {
    StringBuilder b = new StringBuilder("INSERT INTO " + table + " VALUES ");
    for (int i = 0; i < count; i++) {
      b.append(i == 0 ? "" : ", ").append("(").append(from + i).append(", REPEAT('r', 900))");
    }
    return b.toString();
  }

  @Test
  void fragmentedGroupsCommittedAndRolledBack() throws Exception {
    SandboxServer source = MARIADB.server(1);
    BinlogPosition start = PgDirect.head(source);
    PgDirect.prepareSync(source);
    RollBackFragmented marker = new RollBackFragmented("fragrb");
    try (PgDirect d =
        PgDirect.start(
            source,
            PgDirect.target(PG.server(1), "frag"),
            ExtractorSettings.defaults().withFragmentBytes(8 * 1024),
            List.of(marker),
            start,
            BlockCommit.DEFAULT,
            RetryPolicy.NEVER)) {
      PgDirect.sql(
          source,
          "CREATE DATABASE frag",
          "CREATE TABLE frag.t (id INT PRIMARY KEY, v VARCHAR(1000))",
          "CREATE DATABASE fragrb",
          "CREATE TABLE fragrb.t (id INT PRIMARY KEY, v VARCHAR(1000))",
          "INSERT INTO frag.t VALUES (1, 'a'), (2, 'b')",
          "INSERT INTO fragrb.t VALUES (1, 'a'), (2, 'b')");
      d.sync(source, PG.server(1), SYNC);
      // what fragrb.t holds before the group the test ends in ROLLBACK
      List<String> beforeRollback = source("SELECT id, v FROM fragrb.t");
      PgDirect.sql(
          source,
          "BEGIN",
          bigInsert("fragrb.t", 100, 60),
          "UPDATE fragrb.t SET v = 'changed' WHERE id <= 2",
          bigInsert("fragrb.t", 200, 60),
          "COMMIT",
          "BEGIN",
          bigInsert("frag.t", 100, 60),
          "UPDATE frag.t SET v = 'changed' WHERE id <= 2",
          bigInsert("frag.t", 200, 60),
          "DELETE FROM frag.t WHERE id BETWEEN 150 AND 155",
          "COMMIT");
      d.sync(source, PG.server(1), SYNC);
      assertThat(marker.maxFragno.get()).as("the group came in fragments").isGreaterThan(3);
      assertThat(pg("SELECT id, v FROM fragrb.t")).isEqualTo(beforeRollback);
      List<String> committed = source("SELECT id, v FROM frag.t");
      assertThat(committed).hasSize(2 + 120 - 6);
      assertThat(pg("SELECT id, v FROM frag.t")).isEqualTo(committed);
    }
  }

  @Test
  void ddlThatChangesRowsPassesOverOrReplaces() throws Exception {
    SandboxServer source = MARIADB.server(1);
    BinlogPosition start = PgDirect.head(source);
    PgDirect.prepareSync(source);
    String service = "ddlsrc";
    try (PgDirect d =
        PgDirect.start(
            source,
            PgDirect.target(PG.server(1), service),
            start,
            BlockCommit.DEFAULT,
            RetryPolicy.NEVER)) {
      PgDirect.sql(
          source,
          "CREATE DATABASE dd",
          "CREATE TABLE dd.t (id INT PRIMARY KEY, v INT, s VARCHAR(20))",
          "INSERT INTO dd.t VALUES (1, 1, 'one'), (2, NULL, 'two'), (3, 3, NULL)",
          // the source back-fills the three rows without row events
          "ALTER TABLE dd.t ADD COLUMN c INT NOT NULL DEFAULT 7,"
              + " ADD COLUMN q VARCHAR(5) DEFAULT 'x''y', ADD COLUMN z INT NOT NULL",
          "INSERT INTO dd.t (id, v, z) VALUES (4, 4, 44)",
          "CREATE TABLE dd.p (id INT PRIMARY KEY, tid INT,"
              + " CONSTRAINT fk0 FOREIGN KEY (tid) REFERENCES dd.t (id))",
          "ALTER TABLE dd.p ADD CONSTRAINT fk1 FOREIGN KEY (tid) REFERENCES dd.t (id)",
          "ALTER TABLE dd.p ADD FOREIGN KEY (tid) REFERENCES dd.t (id)",
          "ALTER TABLE dd.t ADD FULLTEXT INDEX ft (s)",
          "CREATE FULLTEXT INDEX ft2 ON dd.t (q)",
          "ALTER TABLE dd.t ADD CONSTRAINT ck CHECK (c > 0)",
          "ALTER TABLE dd.t ALTER COLUMN v SET DEFAULT 3",
          "INSERT INTO dd.p VALUES (1, 1)",
          "INSERT INTO dd.t (id, z) VALUES (5, 55)",
          "ALTER TABLE dd.t RENAME TO dd.t2, ADD COLUMN x INT DEFAULT 5",
          "CREATE OR REPLACE TABLE dd.r (id INT PRIMARY KEY)",
          "INSERT INTO dd.r VALUES (1)",
          "CREATE OR REPLACE TABLE dd.r (id INT PRIMARY KEY, w VARCHAR(3))",
          "INSERT INTO dd.r VALUES (2, 'w')",
          // a ferry_* schema (say a hub's catalog) under this service's own catalog name
          "CREATE DATABASE ferry_" + service,
          "CREATE TABLE ferry_" + service + ".position (id INT)",
          "DROP DATABASE ferry_" + service);
      d.sync(source, PG.server(1), SYNC);
      for (String q :
          List.of(
              "SELECT id, v, s, c, q, z, x FROM dd.t2",
              "SELECT id, tid FROM dd.p",
              "SELECT id, w FROM dd.r")) {
        List<String> expected = source(q);
        assertThat(expected).as(q).isNotEmpty();
        assertThat(pg(q)).as(q).isEqualTo(expected);
      }
      assertThat(pg("SELECT seqno FROM ferry_" + service + ".position")).hasSize(1);
      assertThat(d.applier.lastCommitted().seqno()).isPositive();

      // partition maintenance deletes rows without row events: the service stops, saying so
      PgDirect.sql(
          source,
          "CREATE TABLE dd.pt (id INT PRIMARY KEY) PARTITION BY RANGE (id)"
              + " (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN MAXVALUE)",
          "INSERT INTO dd.pt VALUES (1), (20)");
      d.sync(source, PG.server(1), SYNC);
      PgDirect.sql(source, "ALTER TABLE dd.pt DROP PARTITION p0");
      PipelineFailure f = d.awaitFailure();
      assertThat(f.message())
          .contains("DROP PARTITION")
          .contains("without row events")
          .contains("seqno")
          .contains("skip seqno");
      assertThat(pg("SELECT id FROM dd.pt")).containsExactly("1|", "20|");
    }
  }
}
