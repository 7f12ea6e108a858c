package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.PipelineFailure;
import io.ferry.core.pipeline.RetryPolicy;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.apply.ApplierSettings;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transaction semantics a replica must keep: statements that commit implicitly end the block and
 * are protected like DDL; changes to tables that cannot roll back are marked in doubt before the
 * first of them, whatever fragment shows them and whatever engine the source had; a group that
 * ended in ROLLBACK keeps what native replication keeps; savepoints stay in their transaction;
 * triggers do not fire for replicated rows; an error names the transaction that failed. Where a
 * crash matters, a retried lock wait on the target plays the crash: the open block is rolled back
 * and applied again, which shows what was committed without its position.
 */
class ApplyTransactionsTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(2);

  private static SandboxServer source() {
    return DB.server(1);
  }

  private static SandboxServer target() {
    return DB.server(2);
  }

  /**
   * Replicates {@code setup}, changes the target as {@code targetChanges} say, then applies the
   * script while another session holds the target's row {@code id} of {@code schema.t} for a few
   * seconds (the target's lock wait timeout is 1 s), so that the block that writes it fails, is
   * rolled back and applied again; then compares the schema with the source.
   */
  private static void replicateThroughARetry(
      String schema,
      int id,
      ExtractorSettings extractorSettings,
      List<String> setup,
      List<String> targetChanges,
      String... script)
      throws Exception {
    ApplierSettings settings = ApplierSettings.of("tx_" + schema);
    DirectService.replicate(source(), target(), settings, setup.toArray(String[]::new));
    Extraction.sql(target(), targetChanges.toArray(String[]::new));
    Extraction.sql(target(), "SET GLOBAL innodb_lock_wait_timeout = 1");
    BinlogPosition start = Extraction.head(source());
    Extraction.sql(source(), script);
    CountDownLatch locked = new CountDownLatch(1);
    Thread holder =
        new Thread(
            () -> {
              try (Connection c = target().connect(target().root(), "");
                  Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.execute("INSERT INTO " + schema + ".t (id) VALUES (" + id + ")");
                locked.countDown();
                Thread.sleep(3500);
                c.rollback();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    holder.start();
    try {
      assertThat(locked.await(60, TimeUnit.SECONDS)).isTrue();
      try (DirectService direct =
          DirectService.start(
              source(),
              target(),
              settings,
              extractorSettings,
              start,
              BlockCommit.DEFAULT,
              new RetryPolicy(
                  Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMinutes(2)))) {
        direct.sync(source(), target(), Duration.ofSeconds(60));
        assertThat(direct.pipeline.status().get(0).retries()).isPositive();
      }
    } finally {
      holder.join();
      Extraction.sql(target(), "SET GLOBAL innodb_lock_wait_timeout = 50");
    }
    Compare.schema(source(), target(), schema);
  }

  @Test
  void aStatementThatCommitsImplicitlyEndsTheBlock() throws Exception {
    replicateThroughARetry(
        "ic",
        3,
        ExtractorSettings.defaults(),
        List.of(
            "CREATE DATABASE ic",
            "CREATE TABLE ic.t (id INT PRIMARY KEY, v INT)",
            "CREATE TABLE ic.a (id INT PRIMARY KEY)"),
        List.of(),
        "INSERT INTO ic.t VALUES (1, 1)",
        "ANALYZE TABLE ic.a",
        "INSERT INTO ic.t VALUES (2, 2)",
        "OPTIMIZE TABLE ic.a",
        "INSERT INTO ic.t VALUES (3, 3)");
  }

  /**
   * A MyISAM transaction in fragments, interrupted on the target after some of its rows (a trigger
   * that fails one row while a flag is set), then restarted: its rows must be there once. Without
   * an in-doubt mark from the first fragment on, the rows applied before the failure stay (MyISAM
   * cannot roll back) and the restart inserts them again.
   */
  @Test
  void nonTransactionalChangesAreInDoubtFromTheFirstFragment() throws Exception {
    ApplierSettings settings = ApplierSettings.of("tx_nt").withTriggersFire(true);
    DirectService.replicate(
        source(),
        target(),
        settings,
        "CREATE DATABASE nt",
        "CREATE TABLE nt.t (id INT PRIMARY KEY, v INT)",
        "CREATE TABLE nt.m (id INT PRIMARY KEY, v TEXT) ENGINE=MyISAM");
    Extraction.sql(
        target(),
        "CREATE TABLE ferry_test_sync.flag (on_ INT)",
        "INSERT INTO ferry_test_sync.flag VALUES (1)",
        "CREATE TRIGGER nt.stop BEFORE INSERT ON nt.m FOR EACH ROW"
            + " IF NEW.id = 150 AND (SELECT COUNT(*) FROM ferry_test_sync.flag) > 0 THEN"
            + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'interrupted on purpose'; END IF");
    StringBuilder rows = new StringBuilder();
    for (int i = 1; i <= 200; i++) {
      rows.append(i == 1 ? "" : ", ").append('(').append(i).append(", REPEAT('m', 900))");
    }
    BinlogPosition start = Extraction.head(source());
    Extraction.sql(source(), "INSERT INTO nt.t VALUES (1, 1)", "INSERT INTO nt.m VALUES " + rows);
    ExtractorSettings small = ExtractorSettings.defaults().withFragmentBytes(16 * 1024);
    try (DirectService direct =
        DirectService.start(
            source(), target(), settings, small, start, BlockCommit.DEFAULT, RetryPolicy.DEFAULT)) {
      assertThat(direct.awaitFailure().message()).contains("interrupted on purpose");
    }
    assertThat(Compare.rows(target(), "nt", "m")).hasSizeBetween(1, 149);
    Extraction.sql(target(), "DROP TABLE ferry_test_sync.flag", "DROP TRIGGER nt.stop");
    DirectService.prepareSync(source(), target());
    try (DirectService direct =
        DirectService.start(
            source(), target(), settings, small, start, BlockCommit.DEFAULT, RetryPolicy.DEFAULT)) {
      direct.sync(source(), target(), Duration.ofSeconds(60));
    }
    Compare.schema(source(), target(), "nt");
  }

  @Test
  void theTargetsEngineDecidesWhatCannotRollBack() throws Exception {
    replicateThroughARetry(
        "eng",
        2,
        ExtractorSettings.defaults(),
        List.of(
            "CREATE DATABASE eng",
            "CREATE TABLE eng.t (id INT PRIMARY KEY, v INT)",
            "CREATE TABLE eng.m (id INT PRIMARY KEY, v INT)"),
        // the target keeps this table in MyISAM, where the source has InnoDB
        List.of("ALTER TABLE eng.m ENGINE = MyISAM"),
        "INSERT INTO eng.t VALUES (1, 1)",
        "BEGIN",
        "INSERT INTO eng.t VALUES (5, 5)",
        "INSERT INTO eng.m VALUES (1, 1), (2, 2)",
        "INSERT INTO eng.t VALUES (2, 2)",
        "COMMIT");
  }

  @Test
  void aStatementOnAMyIsamTableInsideAnInnoDbTransactionIsInDoubt() throws Exception {
    // statement-based: the group ends with XID (it changed InnoDB), only the statement's text says
    // that it also writes a MyISAM table
    replicateThroughARetry(
        "sbr",
        2,
        ExtractorSettings.defaults(),
        List.of(
            "CREATE DATABASE sbr",
            "CREATE TABLE sbr.t (id INT PRIMARY KEY, v INT)",
            "CREATE TABLE sbr.m (id INT PRIMARY KEY, v INT) ENGINE=MyISAM"),
        List.of(),
        "SET SESSION binlog_format = 'STATEMENT'",
        "INSERT INTO sbr.t VALUES (1, 1)",
        "BEGIN",
        "INSERT INTO sbr.t VALUES (5, 5)",
        "INSERT INTO sbr.m VALUES (1, 1), (2, 2)",
        "INSERT INTO sbr.t VALUES (2, 2)",
        "COMMIT",
        "SET SESSION binlog_format = 'ROW'");
  }

  @Test
  void aGroupThatEndsInRollbackKeepsWhatANativeReplicaKeeps() throws Exception {
    DirectService.replicate(
        source(),
        target(),
        ApplierSettings.of("tx_rb"),
        "CREATE DATABASE rb",
        "CREATE TABLE rb.t (id INT PRIMARY KEY, v INT)",
        "CREATE TABLE rb.m (id INT PRIMARY KEY, v INT) ENGINE=MyISAM",
        "INSERT INTO rb.t VALUES (1, 1)",
        "SET SESSION binlog_format = 'STATEMENT'",
        "BEGIN",
        "INSERT INTO rb.t VALUES (2, 2)",
        "INSERT INTO rb.m VALUES (1, 1)",
        "UPDATE rb.t SET v = 10 WHERE id = 1",
        "ROLLBACK",
        "INSERT INTO rb.t VALUES (3, 3)",
        "SET SESSION binlog_format = 'ROW'");
    Compare.schema(source(), target(), "rb");
    assertThat(Compare.rows(target(), "rb", "m")).containsExactly("1|1");
    assertThat(Compare.rows(target(), "rb", "t")).containsExactly("1|1", "3|3");
  }

  @Test
  void savepointsAndImplicitCommitsAreClassifiedAtExtraction() throws Exception {
    BinlogPosition start = Extraction.head(source());
    Extraction.sql(
        source(),
        "CREATE DATABASE cls",
        "CREATE TABLE cls.t (id INT PRIMARY KEY)",
        "BEGIN",
        "INSERT INTO cls.t VALUES (1)",
        "SAVEPOINT a",
        "INSERT INTO cls.t VALUES (2)",
        "ROLLBACK TO SAVEPOINT a",
        "INSERT INTO cls.t VALUES (3)",
        "COMMIT",
        "ANALYZE TABLE cls.t",
        "REPAIR TABLE cls.t",
        "CREATE TABLE cls.done (id INT)");
    List<Transaction> txs = Extraction.until(source(), start, Extraction.marker("cls"));
    Transaction withSavepoint =
        txs.stream().filter(t -> statement(t, "SAVEPOINT") != null).findFirst().orElseThrow();
    assertThat(withSavepoint.header().shard()).isEqualTo("cls");
    assertThat(withSavepoint.commitRequired()).isFalse();
    for (String maintenance : List.of("ANALYZE", "REPAIR")) {
      Transaction t =
          txs.stream().filter(x -> statement(x, maintenance) != null).findFirst().orElseThrow();
      assertThat(t.changes()).hasSize(1);
      assertThat(t.commitRequired()).as(maintenance).isTrue();
    }
  }

  private static SqlStatement statement(Transaction t, String prefix) {
    return t.changes().stream()
        .filter(c -> c instanceof SqlStatement st && st.text().startsWith(prefix))
        .map(SqlStatement.class::cast)
        .findFirst()
        .orElse(null);
  }

  @Test
  void guardedTriggersSkipReplicatedRowsAndStatementsFireThem() throws Exception {
    DirectService.replicate(
        source(),
        target(),
        ApplierSettings.of("tx_trg"),
        "CREATE DATABASE trg",
        "CREATE TABLE trg.t (id INT PRIMARY KEY, v INT)",
        "CREATE TABLE trg.audit (n INT AUTO_INCREMENT PRIMARY KEY, id INT, what VARCHAR(10))",
        "CREATE TRIGGER trg.t_ins AFTER INSERT ON trg.t FOR EACH ROW"
            + " IF @ferry_service IS NULL THEN"
            + " INSERT INTO trg.audit (id, what) VALUES (NEW.id, 'insert'); END IF",
        "CREATE TRIGGER trg.t_upd BEFORE UPDATE ON trg.t FOR EACH ROW"
            + " IF @ferry_service IS NULL THEN SET NEW.v = NEW.v + 100; END IF",
        "INSERT INTO trg.t VALUES (1, 1), (2, 2)",
        "UPDATE trg.t SET v = 5 WHERE id = 1",
        "SET SESSION binlog_format = 'STATEMENT'",
        "INSERT INTO trg.t VALUES (3, 3)",
        "UPDATE trg.t SET v = 6 WHERE id = 3",
        "SET SESSION binlog_format = 'ROW'");
    Compare.schema(source(), target(), "trg");
    assertThat(Compare.rows(target(), "trg", "audit")).hasSize(3);
  }

  @Test
  void anUnguardedTriggerStopsTheServiceBeforeItFires() throws Exception {
    DirectService.prepareSync(source(), target());
    BinlogPosition start = Extraction.head(source());
    Extraction.sql(
        source(),
        "CREATE DATABASE utg",
        "CREATE TABLE utg.t (id INT PRIMARY KEY)",
        "CREATE TABLE utg.audit (id INT)",
        "CREATE TRIGGER utg.t_ins AFTER INSERT ON utg.t FOR EACH ROW"
            + " INSERT INTO utg.audit VALUES (NEW.id)",
        "INSERT INTO utg.t VALUES (1)");
    PipelineFailure f = runUntilFailure(ApplierSettings.of("tx_utg"), start);
    assertThat(f.message())
        .contains("utg.t")
        .contains("t_ins")
        .contains("@ferry_service")
        .contains("apply.triggers=fire");
    assertThat(Compare.rows(target(), "utg", "audit")).isEmpty();

    // told to let them fire, the trigger's row arrives twice: from the trigger and from the log
    try (DirectService direct =
        DirectService.start(
            source(),
            target(),
            ApplierSettings.of("tx_utg").withTriggersFire(true),
            ExtractorSettings.defaults(),
            start,
            BlockCommit.DEFAULT,
            RetryPolicy.DEFAULT)) {
      direct.sync(source(), target(), Duration.ofSeconds(60));
    }
    assertThat(Compare.rows(target(), "utg", "audit")).containsExactly("1", "1");
  }

  @Test
  void anErrorNamesTheTransactionThatFailedNotTheNextOneOfTheBlock() throws Exception {
    ApplierSettings settings = ApplierSettings.of("tx_err");
    DirectService.replicate(
        source(),
        target(),
        settings,
        "CREATE DATABASE err",
        "CREATE TABLE err.t (id INT PRIMARY KEY, v INT)",
        "INSERT INTO err.t VALUES (1, 1), (2, 2)");
    Extraction.sql(target(), "DELETE FROM err.t WHERE id = 1");
    long last;
    try (Connection c = target().connect(target().root(), "");
        Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT seqno FROM ferry_tx_err.position")) {
      rs.next();
      last = rs.getLong(1);
    }
    BinlogPosition start = Extraction.head(source());
    Extraction.sql(
        source(),
        "UPDATE err.t SET v = 10 WHERE id = 1",
        "UPDATE err.t SET v = 20 WHERE id = 2",
        "INSERT INTO err.t VALUES (3, 3)");
    PipelineFailure f = runUntilFailure(settings, start);
    assertThat(f.seqno()).isEqualTo(last + 1);
    assertThat(f.message()).contains("cannot apply seqno " + (last + 1) + " ");
    assertThat(f.message()).contains("the row to update is not on the target");
  }

  /** Runs a service from a start position until it fails. */
  private static PipelineFailure runUntilFailure(ApplierSettings settings, BinlogPosition start)
      throws Exception {
    try (DirectService direct =
        DirectService.start(
            source(),
            target(),
            settings,
            ExtractorSettings.defaults(),
            start,
            BlockCommit.DEFAULT,
            RetryPolicy.DEFAULT)) {
      return direct.awaitFailure();
    }
  }
}
