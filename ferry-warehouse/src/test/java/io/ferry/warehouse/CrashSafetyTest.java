package io.ferry.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.target.TargetKeys;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch abandoned midway (rolled back, failed in the middle of its merge, its session killed, its
 * staged files left behind by a process that died) is staged again from the log: the store ends
 * with exactly the source's rows, nothing lost and nothing twice.
 */
class CrashSafetyTest {
  @RegisterExtension static final SandboxExtension MARIADB = SandboxExtension.mariadb(1);
  @RegisterExtension static final SandboxExtension PG = SandboxExtension.postgresql(1);

  @TempDir Path dir;

  private List<Transaction> first;
  private List<Transaction> second;

  /** Two batches of a workload on two tables; the second touches rows of the first. */
  private void workload(SandboxServer src) throws Exception {
    BinlogPosition start = Harness.head(src);
    Harness.sql(
        src,
        "DROP DATABASE IF EXISTS crash",
        "CREATE DATABASE crash",
        "CREATE TABLE crash.a (id INT PRIMARY KEY, v VARCHAR(20), n INT)",
        "CREATE TABLE crash.b (id INT PRIMARY KEY, label VARCHAR(20))");
    for (int i = 0; i < 20; i++) {
      Harness.sql(
          src,
          "INSERT INTO crash.a VALUES (" + i + ", 'v" + i + "', " + i + ")",
          "INSERT INTO crash.b VALUES (" + i + ", 'label" + i + "')");
    }
    Harness.marker(src);
    first = Harness.read(src, start, 1);
    BinlogPosition next = Harness.head(src);
    for (int i = 0; i < 20; i++) {
      Harness.sql(
          src,
          "UPDATE crash.a SET n = n + 100, v = 'u" + i + "' WHERE id = " + i,
          "DELETE FROM crash.b WHERE id = " + i % 7,
          "INSERT INTO crash.b VALUES (" + (100 + i) + ", 'new" + i + "')",
          "UPDATE crash.a SET id = id + 1000 WHERE id = " + (i * 3 % 20));
    }
    Harness.marker(src);
    second = Harness.read(src, next, first.size() + 1);
  }

  private static void assertSameRows(SandboxServer src, WarehouseTarget target) throws Exception {
    try (Connection w = target.dialect().connect();
        Connection s = src.connect(src.root(), "")) {
      for (String q :
          List.of(
              "SELECT id, v, n FROM crash.a ORDER BY id",
              "SELECT id, label FROM crash.b ORDER BY id")) {
        assertThat(Harness.rows(w, q)).isNotEmpty().isEqualTo(Harness.rows(s, q));
      }
    }
  }

  private void assertNoStagedFiles() throws Exception {
    try (Stream<Path> left = Files.list(dir.resolve("warehouse-staging").resolve("crash"))) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void duckdbBatchRolledBackOrLeftByADeadProcessIsStagedAgain() throws Exception {
    SandboxServer src = MARIADB.server(1);
    workload(src);
    try (WarehouseTarget target = Harness.open(Harness.duckdb("crash", dir))) {
      Applier a = target.applier();
      Harness.applyAll(a, first);
      Checkpoint done = a.lastCommitted();
      assertThat(done.seqno()).isEqualTo(first.size());

      // 1. half a batch, rolled back: nothing of it stays, its files are gone
      for (Transaction t : second.subList(0, second.size() / 2)) {
        a.apply(t);
      }
      a.rollback();
      assertNoStagedFiles();
      assertThat(a.lastCommitted()).isEqualTo(done);

      // 2. a merge that fails in its middle: crash.a merged, then crash.b's insert breaks a key
      try (Connection c = target.dialect().connect();
          Statement st = c.createStatement()) {
        st.execute("INSERT INTO crash.b VALUES (999, 'new5')");
        st.execute("CREATE UNIQUE INDEX b_label ON crash.b (label)");
        c.commit();
      }
      // (the marker's CREATE TABLE IF NOT EXISTS ends the batch: the merge runs there)
      assertThatThrownBy(
              () -> {
                for (Transaction t : second) {
                  a.apply(t);
                }
                a.commit();
              })
          .isInstanceOf(WarehouseException.class)
          .hasMessageContaining("crash.b");
      a.rollback();
      try (Connection c = target.dialect().connect();
          Statement st = c.createStatement()) {
        st.execute("DROP INDEX crash.b_label");
        st.execute("DELETE FROM crash.b WHERE id = 999");
        c.commit();
        // the merged rows of crash.a went with the failed transaction
        assertThat(Harness.rows(c, "SELECT count(*) FROM crash.a WHERE n >= 100").get(0).get(0))
            .isEqualTo("0");
      }

      // 3. a process that dies with staged files: the next start removes them, stages again
      for (Transaction t : second.subList(0, second.size() - 3)) {
        a.apply(t);
      }
      Files.writeString(dir.resolve("warehouse-staging/crash/batch-99.csv"), "junk,\"\n");
      // (the dead process's applier is never used again)
      Applier b = target.applier();
      assertThat(b.lastCommitted()).isEqualTo(done);
      assertNoStagedFiles();
      for (Transaction t : second) {
        b.apply(t);
      }
      b.commit();
      assertThat(b.lastCommitted().seqno()).isEqualTo(first.size() + second.size());
      b.close();
      a.close();
      assertNoStagedFiles();
      assertSameRows(src, target);
    }
  }

  @Test
  void postgresqlBatchWhoseSessionIsKilledBeforeCommitIsStagedAgain() throws Exception {
    SandboxServer src = MARIADB.server(1);
    try (Connection c = PG.server(1).connect();
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS crash CASCADE");
      st.execute("DROP SCHEMA IF EXISTS marker CASCADE");
      st.execute("CREATE SCHEMA crash");
      st.execute("CREATE TABLE crash.a (id integer PRIMARY KEY, v varchar(20), n integer)");
      st.execute("CREATE TABLE crash.b (id integer PRIMARY KEY, label varchar(20))");
      st.execute("CREATE SCHEMA marker");
      st.execute("CREATE TABLE marker.done (id integer PRIMARY KEY)");
    }
    workload(src);
    try (WarehouseTarget target =
        Harness.open(
            Harness.postgresql("crash", dir, PG.server(1)).set(TargetKeys.DDL, "ignore"))) {
      Applier a = target.applier();
      Harness.applyAll(a, first);
      Checkpoint done = a.lastCommitted();
      for (Transaction t : second) {
        a.apply(t);
      }
      SandboxServer pg = PG.server(1);
      try (Connection c = pg.connect(pg.root(), pg.defaultDatabase());
          Statement st = c.createStatement()) {
        st.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name ="
                + " 'ferry warehouse'");
      }
      assertThatThrownBy(a::commit)
          .isInstanceOf(WarehouseException.class)
          .satisfies(e -> assertThat(((WarehouseException) e).isRetriable()).isTrue());
      a.rollback();
      assertNoStagedFiles();
      // what a stage does on a retriable failure: resume after the last commit
      assertThat(a.lastCommitted()).isEqualTo(done);
      for (Transaction t : second) {
        a.apply(t);
      }
      a.commit();
      a.close();
      assertSameRows(src, target);
    }
  }
}
