package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.PipelineFailure;
import io.ferry.core.pipeline.RetryPolicy;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.apply.ApplierSettings;
import io.ferry.mysql.apply.ApplyException;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Row apply: row images other than FULL, tables located by a unique key or by the whole before
 * image, changes kept out of the target's binlog, the catalog position, and a precise error when
 * the target has drifted.
 */
class ApplyRowsTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  @Test
  void imagesKeysAndTheCatalog() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    BinlogPosition start = Extraction.head(source);
    BinlogPosition targetHead = Extraction.head(target);
    try (DirectService direct = DirectService.start(source, target, "rows", start)) {
      Extraction.sql(
          source,
          "CREATE DATABASE r",
          "CREATE TABLE r.pk (id INT PRIMARY KEY, a VARCHAR(10), b INT, doc TEXT)",
          "CREATE TABLE r.uk (code VARCHAR(10) NOT NULL, n INT, UNIQUE KEY (code))",
          "CREATE TABLE r.nokey (a INT, b VARCHAR(10))",
          "INSERT INTO r.pk VALUES (1, 'one', 1, 'blob one'), (2, 'two', 2, 'blob two')",
          "INSERT INTO r.uk VALUES ('x', 1), ('y', 2)",
          "INSERT INTO r.nokey VALUES (1, 'a'), (1, 'a'), (2, NULL)",
          // rows the table's collation finds equal: trailing spaces, case
          "CREATE TABLE r.pad (n INT, c TEXT) DEFAULT CHARSET=utf8mb4"
              + " COLLATE=utf8mb4_general_ci",
          "INSERT INTO r.pad VALUES (1, ''), (1, '   '), (2, 'a'), (2, 'A')");
      try (Connection c = source.connect(source.root(), "");
          Statement st = c.createStatement()) {
        st.execute("SET SESSION binlog_row_image = 'MINIMAL'");
        st.execute("UPDATE r.pk SET b = 10 WHERE id = 1");
        st.execute("DELETE FROM r.pk WHERE id = 2");
        st.execute("UPDATE r.uk SET n = 20 WHERE code = 'y'");
        st.execute("SET SESSION binlog_row_image = 'NOBLOB'");
        st.execute("UPDATE r.pk SET a = 'uno' WHERE id = 1");
        st.execute("SET SESSION binlog_row_image = 'FULL'");
        // one of two identical rows, and a row with a NULL, located by the whole image
        st.execute("DELETE FROM r.nokey WHERE a = 1 LIMIT 1");
        st.execute("UPDATE r.nokey SET a = 3 WHERE b IS NULL");
        // each row event names one of two rows the collation confuses: only that one changes
        st.execute("UPDATE r.pad SET n = 10 WHERE c = BINARY '   '");
        st.execute("UPDATE r.pad SET n = 20 WHERE c = BINARY 'A'");
        st.execute("DELETE FROM r.pad WHERE c = BINARY ''");
      }
      direct.sync(source, target, Duration.ofSeconds(60));
      assertThat(direct.applier.stats().keylessTables())
          .containsExactlyInAnyOrder("r.nokey", "r.pad");
    }
    Compare.schema(source, target, "r");
    assertThat(Compare.rows(target, "r", "pad")).containsExactlyInAnyOrder("10|   ", "2|a", "20|A");
    assertThat(Compare.rows(target, "r", "pk")).containsExactly("1|uno|10|blob one");
    // the target's binlog has nothing of it: only the catalog schema's creation may be there
    try (Connection c = target.connect(target.root(), "");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SHOW BINLOG EVENTS IN '" + targetHead.file() + "' FROM " + targetHead.offset())) {
      while (rs.next()) {
        assertThat(rs.getString("Info")).doesNotContain("`r`").doesNotContain("r.pk");
      }
    }
    // the catalog holds the position of the last transaction
    try (Connection c = target.connect(target.root(), "");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT seqno, native_kind, native_position, last_frag FROM ferry_rows.position")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isGreaterThan(10);
      assertThat(rs.getString(2)).isEqualTo("binlog");
      assertThat(rs.getString(3)).startsWith(start.file() + ":");
      assertThat(rs.getBoolean(4)).isTrue();
    }
  }

  @Test
  void aDriftedTargetStopsTheServiceWithThePreciseErrorAndSkippingGoesOn() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    BinlogPosition start = Extraction.head(source);
    Extraction.sql(
        source,
        "CREATE DATABASE d",
        "CREATE TABLE d.t (id INT PRIMARY KEY, v VARCHAR(10))",
        "INSERT INTO d.t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    PipelineFailure failure;
    try (DirectService direct = DirectService.start(source, target, "drift", start)) {
      direct.sync(source, target, Duration.ofSeconds(60));
      Extraction.sql(target, "DELETE FROM d.t WHERE id = 2"); // by hand, on the replica
      Extraction.sql(source, "UPDATE d.t SET v = 'B' WHERE id = 2");
      failure = direct.awaitFailure();
    }
    assertThat(failure.cause()).isInstanceOf(ApplyException.class);
    ApplyException e = (ApplyException) failure.cause();
    assertThat(e.isRetriable()).isFalse();
    assertThat(e.table()).isEqualTo("d.t");
    assertThat(e.row()).isEqualTo("id=2");
    assertThat(e.statement()).isEqualTo("UPDATE `d`.`t` SET `id` = ?, `v` = ? WHERE `id` = ?");
    assertThat(failure.message())
        .contains("seqno " + e.seqno())
        .contains("binlog " + start.file() + ":")
        .contains("the row to update is not on the target")
        .contains("skip this transaction (online with skip seqno " + e.seqno() + ")");

    // Skip the transaction and go on: the next ones apply.
    Extraction.sql(source, "INSERT INTO d.t VALUES (4, 'd')");
    try (DirectService direct =
        DirectService.start(
            source,
            target,
            "drift",
            start,
            BlockCommit.DEFAULT,
            RetryPolicy.DEFAULT,
            io.ferry.core.pipeline.SkipSeqnos.parse(Long.toString(e.seqno())))) {
      direct.sync(source, target, Duration.ofSeconds(60));
    }
    assertThat(Compare.rows(target, "d", "t")).containsExactly("1|a", "3|c", "4|d");
  }

  @Test
  void aFailureAmongManyStatementsIsFoundRowByRowAndHugeRowsGoBinary() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    BinlogPosition start = Extraction.head(source);
    Extraction.sql(
        source,
        "CREATE DATABASE m",
        "CREATE TABLE m.t (id INT PRIMARY KEY, v INT)",
        "CREATE TABLE m.big (id INT PRIMARY KEY, b LONGBLOB)",
        "INSERT INTO m.big VALUES (1, REPEAT(X'5A', 3000000)), (2, X'00')");
    PipelineFailure failure;
    try (DirectService direct = DirectService.start(source, target, "many", start)) {
      direct.sync(source, target, Duration.ofSeconds(60));
      Compare.schema(source, target, "m");
      Extraction.sql(target, "SET sql_log_bin = 0", "INSERT INTO m.t VALUES (3, 0)");
      // One transaction of five statements: the third collides with the row added by hand.
      Extraction.sql(
          source,
          "BEGIN",
          "INSERT INTO m.t VALUES (1, 1)",
          "UPDATE m.big SET b = X'01' WHERE id = 2",
          "INSERT INTO m.t VALUES (3, 3)",
          "INSERT INTO m.t VALUES (4, 4)",
          "DELETE FROM m.big WHERE id = 2",
          "COMMIT");
      failure = direct.awaitFailure();
      assertThat(direct.pipeline.status().get(0).retries()).isPositive();
      assertThat(direct.pipeline.status().get(0).lastRetry())
          .contains("applying the block again one statement at a time");
    }
    ApplyException e = (ApplyException) failure.cause();
    assertThat(e.isRetriable()).isFalse();
    assertThat(e.errorCode()).isEqualTo(1062);
    assertThat(e.row()).isEqualTo("id=3, v=3");
    assertThat(e.statement()).isEqualTo("INSERT INTO `m`.`t` (`id`, `v`) VALUES (?, ?)");
    assertThat(e.seqno()).isPositive();
  }

  @Test
  void aFragmentedTransactionInterruptedHalfWayIsAppliedOnceAfterARestart() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    BinlogPosition start = Extraction.head(source);
    Extraction.sql(
        source, "CREATE DATABASE f", "CREATE TABLE f.t (id INT PRIMARY KEY, pad VARCHAR(1000))");
    try (DirectService direct = fragmentService(source, target, start)) {
      direct.sync(source, target, Duration.ofSeconds(60));
    }
    // On the target only: a trigger that fails the 2,500th row while a flag is set.
    Extraction.sql(
        target,
        "SET sql_log_bin = 0",
        "CREATE TABLE f.flag (on_ INT)",
        "INSERT INTO f.flag VALUES (1)",
        "CREATE TRIGGER f.stop BEFORE INSERT ON f.t FOR EACH ROW"
            + " IF NEW.id = 2500 AND (SELECT COUNT(*) FROM f.flag) > 0 THEN"
            + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'interrupted on purpose'; END IF");
    // One transaction of 3,000 rows, about 3 MB: several fragments.
    Extraction.sql(source, "INSERT INTO f.t SELECT seq, REPEAT('x', 1000) FROM f.seq_1_to_3000");
    PipelineFailure failure;
    try (DirectService direct = fragmentService(source, target, start)) {
      failure = direct.awaitFailure();
    }
    assertThat(failure.message()).contains("interrupted on purpose");
    assertThat(Compare.rows(target, "f", "t")).isEmpty();
    Extraction.sql(target, "DELETE FROM f.flag");
    try (DirectService direct = fragmentService(source, target, start)) {
      direct.sync(source, target, Duration.ofSeconds(60));
    }
    assertThat(Compare.rows(target, "f", "t")).hasSize(3000);
  }

  /** A service whose target triggers fire: this test stops it with one. */
  private static DirectService fragmentService(
      SandboxServer source, SandboxServer target, BinlogPosition start) {
    return DirectService.start(
        source,
        target,
        ApplierSettings.of("frag").withTriggersFire(true),
        ExtractorSettings.defaults(),
        start,
        BlockCommit.DEFAULT,
        RetryPolicy.DEFAULT);
  }

  @Test
  void aRestartedTargetIsRetriedAndNothingIsLostOrDoubled() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    BinlogPosition start = Extraction.head(source);
    Extraction.sql(source, "CREATE DATABASE k", "CREATE TABLE k.t (id INT PRIMARY KEY, v INT)");
    try (DirectService direct =
        DirectService.start(
            source,
            target,
            "retry",
            start,
            new BlockCommit(10, Duration.ofMillis(50)),
            new RetryPolicy(
                Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofMinutes(2)))) {
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 200; i++) {
          Extraction.sql(source, "INSERT INTO k.t VALUES (" + (round * 1000 + i) + ", " + i + ")");
        }
        db.sandboxes().killServer(db.sandbox().name(), 2);
        for (int i = 200; i < 400; i++) {
          Extraction.sql(source, "INSERT INTO k.t VALUES (" + (round * 1000 + i) + ", " + i + ")");
        }
        db.sandboxes().startServer(db.sandbox().name(), 2);
      }
      direct.sync(source, target, Duration.ofMinutes(2));
      assertThat(direct.pipeline.status().get(0).retries()).isPositive();
    }
    Compare.schema(source, target, "k");
    assertThat(Compare.rows(target, "k", "t")).hasSize(1200);
  }
}
