package io.ferry.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.position.BinlogPosition;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions the source partly undid after changing a non-transactional table (MyISAM): their log
 * holds row changes the source rolled back. The warehouse stops at them, naming the seqno, and
 * merges nothing of them (compared with the source's rows).
 */
class RollbackGroupsTest {
  @RegisterExtension static final SandboxExtension MARIADB = SandboxExtension.mariadb(1);

  @TempDir Path dir;

  private static final String[] SETUP = {
    "DROP DATABASE IF EXISTS rb",
    "CREATE DATABASE rb",
    "CREATE TABLE rb.t (id INT PRIMARY KEY, v VARCHAR(40)) ENGINE=InnoDB",
    "CREATE TABLE rb.m (id INT PRIMARY KEY) ENGINE=MyISAM",
    "INSERT INTO rb.t VALUES (100, 'before')",
  };

  private List<Transaction> workload(String... statements) throws Exception {
    SandboxServer src = MARIADB.server(1);
    Harness.sql(src, SETUP);
    BinlogPosition start = Harness.head(src);
    Harness.sql(src, statements);
    Harness.marker(src);
    return Harness.read(src, start, 1);
  }

  private void assertStopsAtAndMergesNothingOf(
      List<Transaction> txs, Transaction bad, String message) throws Exception {
    SandboxServer src = MARIADB.server(1);
    try (WarehouseTarget target = Harness.open(Harness.duckdb("rb", dir))) {
      Applier a = target.applier();
      a.lastCommitted();
      try (Connection w = target.dialect().connect();
          java.sql.Statement st = w.createStatement()) {
        st.execute("CREATE SCHEMA IF NOT EXISTS rb");
        st.execute("CREATE TABLE rb.t (id INTEGER PRIMARY KEY, v VARCHAR)");
        st.execute("CREATE TABLE rb.m (id INTEGER PRIMARY KEY)");
        w.commit();
      }
      for (Transaction t : txs) {
        if (t.seqno() == bad.seqno()) {
          assertThatThrownBy(() -> a.apply(t))
              .isInstanceOf(WarehouseException.class)
              .hasMessageContaining("seqno " + bad.seqno())
              .hasMessageContaining(message)
              .hasMessageContaining("skip seqno " + bad.seqno());
          a.rollback();
          break;
        }
        a.apply(t);
      }
      a.close();
      // nothing of the rolled-back transaction was merged: the store has none of its rows
      try (Connection w = target.dialect().connect();
          Connection s = src.connect(src.root(), "")) {
        assertThat(Harness.rows(w, "SELECT id, v FROM rb.t WHERE id <> 100 ORDER BY id")).isEmpty();
        assertThat(Harness.rows(s, "SELECT id FROM rb.t WHERE id = 1")).isEmpty();
      }
    }
  }

  /**
   * Row format: ROLLBACK TO SAVEPOINT after a MyISAM change is logged, with the InnoDB row it undid
   * before it. Without the stop the warehouse would keep row 1, which the source has not.
   */
  @Test
  void aRollbackToSavepointStops() throws Exception {
    List<Transaction> txs =
        workload(
            "BEGIN",
            "INSERT INTO rb.m VALUES (1)",
            "SAVEPOINT s",
            "INSERT INTO rb.t VALUES (1, 'undone')",
            "ROLLBACK TO SAVEPOINT s",
            "INSERT INTO rb.t VALUES (2, 'kept')",
            "COMMIT");
    Transaction bad =
        txs.stream()
            .filter(
                t ->
                    t.changes().stream()
                        .anyMatch(
                            c ->
                                c instanceof io.ferry.core.event.SqlStatement st
                                    && st.text().startsWith("ROLLBACK TO")))
            .findFirst()
            .orElseThrow();
    assertStopsAtAndMergesNothingOf(txs, bad, "rolled back part of this transaction");
  }

  /**
   * A group that changed MyISAM and ends in ROLLBACK is logged with the rollback flag (statement
   * format: in row format the server writes such a group only for ROLLBACK TO SAVEPOINT). The flag
   * alone stops the warehouse, before anything of the group is staged.
   */
  @Test
  void aGroupEndingInRollbackStops() throws Exception {
    List<Transaction> txs =
        workload(
            "SET SESSION binlog_format = 'STATEMENT'",
            "BEGIN",
            "INSERT INTO rb.t VALUES (1, 'undone')",
            "INSERT INTO rb.m VALUES (1)",
            "ROLLBACK",
            "SET SESSION binlog_format = 'ROW'");
    Transaction bad =
        txs.stream()
            .filter(t -> "true".equals(t.header().option(TransactionOptions.ROLLBACK)))
            .findFirst()
            .orElseThrow();
    assertStopsAtAndMergesNothingOf(txs, bad, "ended this transaction with ROLLBACK");
  }
}
