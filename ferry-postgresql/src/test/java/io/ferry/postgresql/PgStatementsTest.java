package io.ferry.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Change;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Statements in the log, by target.ddl: DDL translated and committed with its position, stopped
 * with the statement and seqno, or passed over and counted; statement-logged DML refused with the
 * advice to use row format. Never silently.
 */
class PgStatementsTest {
  @RegisterExtension static final SandboxExtension PG = SandboxExtension.postgresql(1);

  private static Transaction tx(long seqno, String schema, String... sql) {
    List<Change> changes =
        java.util.Arrays.stream(sql)
            .map(s -> (Change) SqlStatement.of(s, schema, List.of()))
            .toList();
    return new Transaction(
        new TransactionHeader(seqno, 1, 0, true, null, "1", "svc", schema, 0, 0, Map.of()),
        changes);
  }

  private static PgTargetSettings target(String service) {
    SandboxServer pg = PG.server(1);
    return PgTargetSettings.of(
        service, pg.host(), pg.port(), pg.defaultDatabase(), pg.app().user(), pg.app().password());
  }

  @Test
  void translatedDdlCommitsWithItsPositionOrNotAtAll() throws Exception {
    try (PgApplier a = new PgApplier(target("ddl1"), Clock.systemUTC())) {
      a.lastCommitted();
      a.apply(tx(0, "d1", "CREATE DATABASE d1"));
      a.apply(tx(1, "d1", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5))"));
      a.commit();
      a.apply(tx(2, "d1", "ALTER TABLE t ADD COLUMN w INT"));
      a.rollback(); // the DDL goes with the block
      assertThat(a.lastCommitted().seqno()).isEqualTo(1);
      a.apply(tx(2, "d1", "ALTER TABLE t ADD COLUMN w INT", "GRANT SELECT ON d1.* TO x"));
      a.commit();
      assertThat(a.stats().ddl()).isEqualTo(3);
      assertThat(a.stats().ddlIgnored()).isEqualTo(1);
    }
    try (Connection c = PG.server(1).connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT string_agg(column_name, ',' ORDER BY ordinal_position)"
                    + " FROM information_schema.columns WHERE table_schema = 'd1'"
                    + " AND table_name = 't'")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("id,v,w");
    }
  }

  @Test
  void stopIgnoreAndStatementDml() {
    try (PgApplier a =
        new PgApplier(target("ddl2").withDdl(PgTargetSettings.DdlPolicy.STOP), Clock.systemUTC())) {
      a.lastCommitted();
      assertThatThrownBy(() -> a.apply(tx(7, "d2", "CREATE TABLE t (id INT)")))
          .isInstanceOf(PgApplyException.class)
          .hasMessageContaining("seqno 7")
          .hasMessageContaining("CREATE TABLE t (id INT)")
          .hasMessageContaining("target.ddl = stop")
          .hasMessageContaining("skip seqno 7");
      a.rollback();
    }
    try (PgApplier a =
        new PgApplier(
            target("ddl3").withDdl(PgTargetSettings.DdlPolicy.IGNORE), Clock.systemUTC())) {
      a.lastCommitted();
      a.apply(tx(0, "d3", "CREATE TABLE t (id INT)"));
      a.commit();
      assertThat(a.stats().ddlIgnored()).isEqualTo(1);
      assertThatThrownBy(() -> a.apply(tx(1, "d3", "INSERT INTO t VALUES (1)")))
          .isInstanceOf(PgApplyException.class)
          .hasMessageContaining("binlog_format = ROW")
          .hasMessageContaining("seqno 1");
      a.rollback();
    }
    try (PgApplier a = new PgApplier(target("ddl4"), Clock.systemUTC())) {
      a.lastCommitted();
      assertThatThrownBy(() -> a.apply(tx(3, "d4", "CREATE TABLE t2 SELECT * FROM t1")))
          .isInstanceOf(PgApplyException.class)
          .hasMessageContaining("seqno 3")
          .hasMessageContaining("target.ddl = ignore");
      a.rollback();
    }
  }
}
