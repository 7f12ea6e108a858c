package io.ferry.filters;

import static io.ferry.filters.RoutingTx.annotation;
import static io.ferry.filters.RoutingTx.insert;
import static io.ferry.filters.RoutingTx.sql;
import static io.ferry.filters.RoutingTx.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterSettings;
import io.ferry.filters.StatementScope.TableName;
import org.junit.jupiter.api.Test;

class DropTempFilterTest {
  private static DropTempFilter filter(String schemas) {
    return (DropTempFilter)
        new DropTempFilterFactory()
            .create(
                FilterSettings.defaults("no-temp", "drop-temp")
                    .with(DropTempFilterFactory.SCHEMAS, schemas));
  }

  @Test
  void temporaryTablesAreTrackedFromCreateToDrop() {
    DropTempFilter f = filter("");
    SqlStatement create = sql("app", "CREATE TEMPORARY TABLE t1 (id INT)");
    SqlStatement fill = sql("app", "INSERT INTO t1 SELECT id FROM users");
    SqlStatement use = sql("app", "INSERT INTO app.totals SELECT COUNT(*) FROM t1");
    SqlStatement both = sql("app", "UPDATE t1 JOIN users u ON t1.id = u.id SET u.flag = 1");
    SqlStatement real = sql("app", "INSERT INTO users VALUES (1, 'x')");

    assertThat(f.filter(tx(1, create))).isNull();
    assertThat(f.temporaryTables()).containsExactly(new TableName("app", "t1"));
    assertThat(f.filter(tx(2, fill))).isNull();
    assertThat(f.filter(tx(3, sql(null, "UPDATE app.t1 SET id = id + 1")))).isNull();
    Transaction t = tx(4, use, both, real);
    assertThat(f.filter(t)).isSameAs(t); // each writes a table that is not temporary
    assertThat(f.filter(tx(5, sql("app", "DROP TEMPORARY TABLE IF EXISTS `t1`")))).isNull();
    assertThat(f.temporaryTables()).isEmpty();
    Transaction after = tx(6, fill);
    assertThat(f.filter(after)).isSameAs(after); // t1 is a real table again as far as we know
  }

  @Test
  void aTransactionKeepsWhatIsNotTemporary() {
    DropTempFilter f = filter("");
    SqlStatement create = sql("app", "CREATE OR REPLACE TEMPORARY TABLE tmp (a INT)");
    SqlStatement fill = sql("app", "INSERT INTO tmp VALUES (1)");
    RowChanges rows = insert("app", "users");
    SqlStatement real = sql("app", "DELETE FROM users WHERE id = 1");
    assertThat(f.filter(tx(1, create, fill, rows, real)).changes()).containsExactly(rows, real);
  }

  @Test
  void scratchSchemasAreDroppedWhole() {
    DropTempFilter f = filter("tmp_*, scratch");
    RowChanges app = insert("app", "users");
    var note = annotation("insert into scratch.t ...");
    Transaction t =
        tx(
            1,
            app,
            note,
            insert("scratch", "t"),
            insert("tmp_1", "x"),
            sql(null, "CREATE DATABASE tmp_2"),
            sql(null, "DROP DATABASE IF EXISTS scratch"),
            sql(null, "CREATE TABLE scratch.t (id INT)"),
            sql("scratch", "INSERT INTO t VALUES (1)"),
            sql("scratch", "CALL refill()"));
    assertThat(f.filter(t).changes()).containsExactly(app);
    assertThat(f.filter(tx(2, insert("scratch", "t")))).isNull();

    SqlStatement mixed = sql(null, "RENAME TABLE scratch.t TO app.t");
    Transaction kept = tx(3, mixed, sql(null, "CREATE DATABASE app"));
    assertThat(f.filter(kept)).isSameAs(kept);
  }

  @Test
  void heartbeatsPass() {
    Transaction hb = RoutingTx.heartbeat(1, "x");
    assertThat(filter("scratch").filter(hb)).isSameAs(hb);
  }

  @Test
  void schemasAreSchemaPatterns() {
    assertThatThrownBy(() -> filter("scratch, tmp.t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter.no-temp.schemas: 'tmp.t' has too many parts: write schema patterns only"
                + " (tmp_*, scratch)");
  }
}
