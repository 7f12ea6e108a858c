package io.ferry.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Fragments;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.RetryPolicy;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.BinlogExtractor;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.mysql.StartPosition;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crash safety of the PostgreSQL applier: blocks abandoned midway (rolled back, the connection
 * aborted, the server killed) leave PostgreSQL's data and position in agreement, and resuming from
 * the position brings it to exactly the source's rows; a row that is not where the source says is
 * an error naming the table, the row and the seqno.
 */
class PgCrashSafetyTest {
  @RegisterExtension static final SandboxExtension MARIADB = SandboxExtension.mariadb(1);
  @RegisterExtension static final SandboxExtension PG = SandboxExtension.postgresql(1);

  private static final String TABLES =
      "CREATE TABLE %1$s.t (id INT PRIMARY KEY, v VARCHAR(40), n BIGINT);"
          + "CREATE TABLE %1$s.k (a INT, b VARCHAR(10))";

  /** Random transactions on the source: inserts, updates (some of the key), deletes. */
  private static void load(SandboxServer source, String schema, int transactions, long seed)
      throws Exception {
    Random r = new Random(seed);
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement()) {
      for (int i = 0; i < transactions; i++) {
        st.execute("BEGIN");
        int statements = 1 + r.nextInt(5);
        for (int s = 0; s < statements; s++) {
          int id = r.nextInt(200);
          switch (r.nextInt(6)) {
            case 0, 1 ->
                st.execute(
                    "INSERT IGNORE INTO "
                        + schema
                        + ".t VALUES ("
                        + id
                        + ", 'v"
                        + i
                        + "', "
                        + s
                        + ")");
            case 2 ->
                st.execute(
                    "UPDATE " + schema + ".t SET v = 'u" + i + "', n = n + 1 WHERE id = " + id);
            case 3 -> st.execute("DELETE FROM " + schema + ".t WHERE id = " + id);
            case 4 ->
                st.execute(
                    "UPDATE IGNORE " + schema + ".t SET id = " + (id + 200) + " WHERE id = " + id);
            default ->
                st.execute(
                    "INSERT INTO "
                        + schema
                        + ".k VALUES ("
                        + (id % 5)
                        + ", "
                        + (id % 3 == 0 ? "NULL" : "'k" + (id % 4) + "'")
                        + ")");
          }
        }
        if (r.nextInt(7) == 0) {
          st.execute("DELETE FROM " + schema + ".k WHERE a = " + r.nextInt(5) + " LIMIT 1");
        }
        st.execute("COMMIT");
      }
    }
  }

  /**
   * The source's transactions since {@code start}, whole, numbered from 0: {@code count} of them,
   * or all there are (count &lt; 0).
   */
  private static List<Transaction> extract(SandboxServer source, BinlogPosition start, int count)
      throws Exception {
    List<Transaction> out = new ArrayList<>();
    try (BinlogExtractor x =
        new BinlogExtractor(
            PgDirect.source(source),
            ExtractorSettings.defaults().withStart(new StartPosition.At(start)),
            Clock.systemUTC())) {
      x.seek(Checkpoint.NONE);
      List<Transaction> fragments = new ArrayList<>();
      while (count < 0 || out.size() < count) {
        ReplEvent e = x.next(count < 0 ? 3 : 20, TimeUnit.SECONDS);
        if (e == null && count < 0) {
          return out;
        }
        assertThat(e).as("a transaction within 20 s after " + out.size()).isNotNull();
        fragments.add((Transaction) e);
        if (((Transaction) e).lastFrag()) {
          Transaction whole = Fragments.join(fragments);
          fragments.clear();
          out.add(whole.withHeader(whole.header().withSeqno(out.size(), 1)));
        }
      }
    }
    return out;
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

  /** Every row of both tables equal on the source and in PostgreSQL. */
  private static void assertSame(SandboxServer source, SandboxServer pg, String schema)
      throws Exception {
    try (Connection s = source.connect(source.root(), "");
        Statement ss = s.createStatement();
        Connection p = pg.connect();
        Statement ps = p.createStatement()) {
      for (String q :
          List.of("SELECT id, v, n FROM " + schema + ".t", "SELECT a, b FROM " + schema + ".k")) {
        List<String> expected = rows(ss, q);
        assertThat(expected).as(q + " on MariaDB").isNotEmpty();
        assertThat(rows(ps, q)).as(q + " in PostgreSQL").isEqualTo(expected);
      }
    }
  }

  @Test
  void abandonedBlocksLeaveDataAndPositionInAgreement() throws Exception {
    SandboxServer source = MARIADB.server(1);
    SandboxServer pg = PG.server(1);
    BinlogPosition start = PgDirect.head(source);
    PgDirect.sql(source, "CREATE DATABASE crash1");
    for (String ddl : String.format(TABLES, "crash1").split(";", -1)) {
      PgDirect.sql(source, ddl);
    }
    load(source, "crash1", 300, 1);
    List<Transaction> txs = extract(source, start, -1);
    assertThat(txs).hasSizeGreaterThan(250);
    PgTargetSettings target = PgDirect.target(pg, "crash1");

    try (PgApplier a = new PgApplier(target, Clock.systemUTC())) {
      assertThat(a.lastCommitted().isNone()).isTrue();
      for (int i = 0; i <= 100; i++) {
        a.apply(txs.get(i));
      }
      a.commit();
      for (int i = 101; i <= 150; i++) {
        a.apply(txs.get(i));
      }
      a.flush(); // sent, not committed
      a.rollback(); // the stage's retry
      assertThat(a.lastCommitted().seqno()).isEqualTo(100);
      for (int i = 101; i <= 180; i++) {
        a.apply(txs.get(i));
      }
      a.flush();
      a.abort(); // a crash mid-block: the connection goes, the block with it
    }
    try (PgApplier b = new PgApplier(target, Clock.systemUTC())) {
      Checkpoint resume = b.lastCommitted();
      assertThat(resume.seqno()).isEqualTo(100);
      for (int i = (int) resume.nextSeqno(); i < txs.size(); i++) {
        b.apply(txs.get(i));
        if (i % 17 == 0) {
          b.commit();
        }
      }
      b.commit();
      assertThat(b.lastCommitted().seqno()).isEqualTo(txs.size() - 1);
    }
    assertSame(source, pg, "crash1");

    // a row PostgreSQL lacks is a divergence, not a replay: the error names table, row and seqno
    try (Connection p = pg.connect();
        Statement ps = p.createStatement()) {
      ps.execute("DELETE FROM crash1.t");
    }
    BinlogPosition more = PgDirect.head(source);
    PgDirect.sql(source, "UPDATE crash1.t SET v = 'drift' ORDER BY id LIMIT 1");
    Transaction update = extract(source, more, 1).get(0);
    Transaction numbered = update.withHeader(update.header().withSeqno(txs.size(), 1));
    try (PgApplier c = new PgApplier(target, Clock.systemUTC())) {
      c.lastCommitted();
      assertThatThrownBy(
              () -> {
                c.apply(numbered);
                c.commit();
              })
          .isInstanceOf(PgApplyException.class)
          .hasMessageContaining("seqno " + txs.size())
          .hasMessageContaining("crash1.t")
          .hasMessageContaining("the row to update is not in PostgreSQL")
          .hasMessageContaining("row: id=")
          .satisfies(e -> assertThat(((PgApplyException) e).isRetriable()).isFalse());
      c.rollback();
      assertThat(c.lastCommitted().seqno()).isEqualTo(txs.size() - 1);
    }
  }

  @Test
  void killedServerAndAbortedConnectionsResumeWithNothingLostOrTwice() throws Exception {
    SandboxServer source = MARIADB.server(1);
    SandboxServer pg = PG.server(1);
    BinlogPosition start = PgDirect.head(source);
    PgDirect.prepareSync(source);
    PgDirect.sql(source, "CREATE DATABASE crash2");
    for (String ddl : String.format(TABLES, "crash2").split(";", -1)) {
      PgDirect.sql(source, ddl);
    }
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger batches = new AtomicInteger();
    Thread writer =
        new Thread(
            () -> {
              try {
                for (int i = 0; !done.get(); i++) {
                  load(source, "crash2", 20, 100 + i);
                  batches.incrementAndGet();
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    RetryPolicy retry =
        new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(90));
    try (PgDirect direct =
        PgDirect.start(
            source,
            PgDirect.target(pg, "crash2"),
            start,
            new BlockCommit(25, Duration.ofMillis(200)),
            retry)) {
      writer.start();
      String sandbox = PG.sandbox().name();
      for (int round = 0; round < 3; round++) {
        Thread.sleep(1500);
        PG.sandboxes().killServer(sandbox, 1); // kill -9 of the postmaster
        Thread.sleep(500);
        PG.sandboxes().startServer(sandbox, 1);
        Thread.sleep(1000);
        direct.applier.abort(); // a connection broken mid-statement
      }
      Thread.sleep(1000);
      done.set(true);
      writer.join(60_000);
      assertThat(batches.get()).isGreaterThan(3);
      direct.sync(source, pg, Duration.ofMinutes(2));
      assertThat(direct.pipeline.status().get(0).retries()).isGreaterThanOrEqualTo(3);
    }
    assertSame(source, pg, "crash2");
  }
}
