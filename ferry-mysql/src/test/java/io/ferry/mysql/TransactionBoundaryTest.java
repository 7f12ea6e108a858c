package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.Shards;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Transaction boundaries, shards, positions and fragments, as the source committed them. */
class TransactionBoundaryTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  private static long rows(Transaction t) {
    return t.changes().stream()
        .filter(c -> c instanceof RowChanges)
        .mapToLong(c -> ((RowChanges) c).rows().size())
        .sum();
  }

  @Test
  void boundariesShardsAndPositions() throws Exception {
    check(DB.server(1));
  }

  /** The whole check against one server (also run against MariaDB 11.4). */
  static void check(SandboxServer s) throws Exception {
    BinlogPosition start = Extraction.head(s);
    Extraction.sql(
        s,
        "CREATE DATABASE bnd",
        "CREATE DATABASE other",
        "CREATE TABLE bnd.inno (id INT PRIMARY KEY, v INT) ENGINE=InnoDB",
        "CREATE TABLE bnd.my (id INT PRIMARY KEY) ENGINE=MyISAM",
        "CREATE TABLE other.t (id INT PRIMARY KEY) ENGINE=InnoDB",
        "BEGIN",
        "INSERT INTO bnd.inno VALUES (1, 1)",
        "INSERT INTO bnd.inno VALUES (2, 2), (3, 3)",
        "COMMIT",
        "INSERT INTO bnd.my VALUES (1)",
        "BEGIN",
        "INSERT INTO bnd.inno VALUES (4, 4)",
        "INSERT INTO other.t VALUES (1)",
        "COMMIT",
        "BEGIN",
        "INSERT INTO bnd.inno VALUES (99, 99)",
        "ROLLBACK",
        "XA START 'ferry1'",
        "INSERT INTO bnd.inno VALUES (5, 5)",
        "XA END 'ferry1'",
        "XA PREPARE 'ferry1'",
        "XA COMMIT 'ferry1'",
        "CREATE TABLE bnd.done (id INT)");
    List<Transaction> txs = Extraction.until(s, start, Extraction.marker("bnd"));
    // CREATE x2, CREATE TABLE x3, the InnoDB transaction, MyISAM, two-schema, XA prepare, XA
    // commit, CREATE TABLE done
    assertThat(txs).hasSize(11);
    Transaction multi = txs.get(5);
    assertThat(rows(multi)).isEqualTo(3);
    assertThat(multi.header().shard()).isEqualTo("bnd");
    assertThat(multi.changes().get(0)).isInstanceOf(RowsQuery.class);
    assertThat(multi.commitRequired()).isFalse();
    Transaction myisam = txs.get(6);
    assertThat(rows(myisam)).isEqualTo(1);
    assertThat(myisam.commitRequired()).isTrue();
    Transaction twoSchemas = txs.get(7);
    assertThat(twoSchemas.header().shard()).isEqualTo(Shards.GLOBAL);
    Transaction prepared = txs.get(8);
    assertThat(prepared.header().option("xa")).isEqualTo("prepared");
    assertThat(rows(prepared)).isEqualTo(1);
    Transaction xaCommit = txs.get(9);
    assertThat(xaCommit.changes()).hasSize(1);
    assertThat(((SqlStatement) xaCommit.changes().get(0)).text()).startsWith("XA COMMIT");
    assertThat(txs.get(2).commitRequired()).as("DDL commits").isTrue();
    assertThat(txs.get(4).header().shard())
        .as("DDL shard: the schema it changes")
        .isEqualTo("other");

    long lastSeq = 0;
    long lastOffset = 0;
    for (Transaction t : txs) {
      BinlogPosition p = (BinlogPosition) t.header().nativePosition();
      MariaDbGtid gtid = (MariaDbGtid) p.gtid();
      assertThat(gtid.sequence()).isGreaterThan(lastSeq);
      assertThat(p.offset()).isGreaterThan(lastOffset);
      assertThat(t.header().sourceId()).isEqualTo(Long.toString(s.serverId()));
      assertThat(t.header().sourceCommitMicros()).isGreaterThan(1_600_000_000_000_000L);
      lastSeq = gtid.sequence();
      lastOffset = p.offset();
    }
  }

  @Test
  void largeTransactionsComeInFragmentsAndResumeAfterTheLastOne() throws Exception {
    SandboxServer s = DB.server(1);
    Extraction.sql(
        s, "CREATE DATABASE frag", "CREATE TABLE frag.t (id INT PRIMARY KEY, pad VARCHAR(1000))");
    BinlogPosition start = Extraction.head(s);
    Extraction.sql(
        s,
        "INSERT INTO frag.t SELECT seq, REPEAT('x', 1000) FROM frag.seq_1_to_3000",
        "INSERT INTO frag.t VALUES (100000, 'after')");
    ExtractorSettings small =
        ExtractorSettings.defaults()
            .withFragmentBytes(64 << 10)
            .withStart(new StartPosition.At(start));
    List<Transaction> fragments = new ArrayList<>();
    Checkpoint afterBig;
    try (BinlogExtractor x = new BinlogExtractor(Extraction.source(s), small, Clock.systemUTC())) {
      x.seek(Checkpoint.NONE);
      Transaction t;
      do {
        t = (Transaction) x.next(20, TimeUnit.SECONDS);
        fragments.add(t);
      } while (!t.lastFrag());
      afterBig = t.checkpoint();
    }
    assertThat(fragments.size()).isGreaterThan(20);
    for (int i = 0; i < fragments.size(); i++) {
      assertThat(fragments.get(i).fragno()).isEqualTo(i);
      assertThat(fragments.get(i).header().nativePosition()).isInstanceOf(BinlogPosition.class);
    }
    assertThat(fragments.stream().mapToLong(TransactionBoundaryTest::rows).sum()).isEqualTo(3000);
    // Resuming after the big transaction's checkpoint reads the next transaction, nothing twice.
    try (BinlogExtractor x = new BinlogExtractor(Extraction.source(s), small, Clock.systemUTC())) {
      x.seek(afterBig);
      ReplEvent next = x.next(20, TimeUnit.SECONDS);
      RowChanges rc =
          (RowChanges)
              ((Transaction) next)
                  .changes().stream()
                      .filter(c -> c instanceof RowChanges)
                      .findFirst()
                      .orElseThrow();
      assertThat(rc.rows().get(0).after(0)).isEqualTo(100000L);
    }
  }
}
