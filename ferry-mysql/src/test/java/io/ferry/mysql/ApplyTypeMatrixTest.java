package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Change;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.apply.ApplySql;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The type matrix through the applier: every family's rows, inserted, updated and deleted on a
 * source, replayed on a target by a direct pipeline, read back identical through the same exact SQL
 * expressions (CAST, HEX, BIN, ENUM index). The SQL {@code thl list --sql} prints for the same
 * transactions ({@link ApplySql}), run in one session on a third server, gives the same rows.
 */
class ApplyTypeMatrixTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(3);

  @Test
  void everyValueIsWrittenExactly() throws Exception {
    SandboxServer source = DB.server(1);
    SandboxServer target = DB.server(2);
    BinlogPosition start = Extraction.head(source);
    try (DirectService direct = DirectService.start(source, target, "matrix", start)) {
      try (Connection c = source.connect(source.root(), "");
          Statement st = c.createStatement()) {
        TypeMatrix.writeForApply(st, "amatrix");
      }
      direct.sync(source, target, Duration.ofSeconds(60));
      assertThat(direct.applier.stats().keylessTables()).isEmpty();
    }
    replayAsPrinted(source, start, DB.server(3));
    compare(source, target);
    compare(source, DB.server(3));
  }

  /** Runs the SQL the CLI prints for everything the source logged since {@code start}. */
  private static void replayAsPrinted(SandboxServer source, BinlogPosition start, SandboxServer to)
      throws Exception {
    List<Transaction> txs =
        Extraction.until(
            source,
            start,
            t -> t.changes().stream().anyMatch(c -> c.toString().contains("ferry_test_sync")));
    try (Connection c = to.connect(to.root(), "");
        Statement st = c.createStatement()) {
      st.execute(ApplySql.rowSession());
      for (Transaction tx : txs) {
        for (Change change : tx.changes()) {
          List<String> sql =
              change instanceof RowChanges rc
                  ? ApplySql.rows(rc)
                  : change instanceof SqlStatement s ? ApplySql.statement(s) : List.of();
          for (String one : sql) {
            try {
              st.execute(one);
            } catch (java.sql.SQLException e) {
              // as the applier does: USE of a schema the statement itself creates
              if (!(one.startsWith("USE ") && e.getErrorCode() == 1049)) {
                throw e;
              }
            }
          }
        }
      }
    }
  }

  private static void compare(SandboxServer source, SandboxServer target) throws Exception {
    try (Connection s = source.connect(source.root(), "");
        Statement ss = s.createStatement();
        Connection t = target.connect(target.root(), "");
        Statement ts = t.createStatement()) {
      ss.execute("SET SESSION time_zone = '+00:00'");
      ts.execute("SET SESSION time_zone = '+00:00'");
      for (Map.Entry<String, List<TypeMatrix.Col>> family : TypeMatrix.families().entrySet()) {
        String table = "amatrix." + family.getKey();
        List<List<String>> expected = TypeMatrix.snapshot(ss, table, family.getValue());
        assertThat(expected).as(table + " on the source").isNotEmpty();
        assertThat(TypeMatrix.snapshot(ts, table, family.getValue()))
            .as(table + " on the target")
            .isEqualTo(expected);
      }
    }
  }
}
