package io.ferry.filters;

import static io.ferry.filters.RoutingTx.annotation;
import static io.ferry.filters.RoutingTx.insert;
import static io.ferry.filters.RoutingTx.sql;
import static io.ferry.filters.RoutingTx.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SessionVariable;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterSettings;
import io.ferry.filters.StatementScope.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class DropTempFilterTest {
  private static DropTempFilter filter(String schemas) {
    return filter(schemas, "fail");
  }

  private static DropTempFilter filter(String schemas, String onTempSource) {
    return (DropTempFilter)
        new DropTempFilterFactory()
            .create(
                FilterSettings.defaults("no-temp", "drop-temp")
                    .with(DropTempFilterFactory.SCHEMAS, schemas)
                    .with(DropTempFilterFactory.ON_TEMP_SOURCE, onTempSource));
  }

  /** A statement of session (pseudo_thread_id) {@code thread}, as the extractor logs it. */
  private static SqlStatement stmt(long thread, String schema, String text) {
    return SqlStatement.of(
        text,
        schema,
        List.of(
            new SessionVariable("timestamp", 1_714_566_896L),
            new SessionVariable("pseudo_thread_id", thread)));
  }

  @Test
  void temporaryTablesAreTrackedFromCreateToDrop() {
    DropTempFilter f = filter("", "keep");
    SqlStatement create = sql("app", "CREATE TEMPORARY TABLE t1 (id INT)");
    SqlStatement fill = sql("app", "INSERT INTO t1 SELECT id FROM users");
    SqlStatement use = sql("app", "INSERT INTO app.totals SELECT COUNT(*) FROM t1");
    SqlStatement both = sql("app", "UPDATE t1 JOIN users u ON t1.id = u.id SET u.flag = 1");
    SqlStatement real = sql("app", "INSERT INTO users VALUES (1, 'x')");

    assertThat(f.filter(tx(1, create))).isNull();
    assertThat(f.temporaryTables(7L)).containsExactly(new TableName("app", "t1"));
    assertThat(f.filter(tx(2, fill))).isNull();
    assertThat(f.filter(tx(3, sql(null, "UPDATE app.t1 SET id = id + 1")))).isNull();
    Transaction t = tx(4, use, both, real);
    assertThat(f.filter(t)).isSameAs(t); // each writes a table that is not temporary
    assertThat(f.filter(tx(5, sql("app", "DROP TEMPORARY TABLE IF EXISTS `t1`")))).isNull();
    assertThat(f.temporaryTables(7L)).isEmpty();
    Transaction after = tx(6, fill);
    assertThat(f.filter(after)).isSameAs(after); // t1 is a real table again as far as we know
  }

  @Test
  void aStageThatReadsAgainAfterARetryGetsTheSameAnswers() {
    DropTempFilter f = filter("");
    assertThat(f.filter(tx(1, stmt(7, "app", "CREATE TEMPORARY TABLE notes (id INT)")))).isNull();
    Transaction write = tx(2, stmt(7, "app", "INSERT INTO notes VALUES (1)"));
    assertThat(f.filter(write)).isNull();
    assertThat(f.filter(tx(3, stmt(7, "app", "DROP TEMPORARY TABLE notes")))).isNull();
    assertThat(f.temporaryTables(7L)).isEmpty();
    // the block of 2..3 was rolled back (a deadlock on the target): the stage reads 2 again
    assertThat(f.filter(write)).isNull();
    assertThat(f.temporaryTables(7L)).containsExactly(new TableName("app", "notes"));
    assertThat(f.filter(tx(3, stmt(7, "app", "DROP TEMPORARY TABLE notes")))).isNull();
    Transaction real = tx(4, stmt(7, "app", "INSERT INTO notes VALUES (2)"));
    assertThat(f.filter(real)).isSameAs(real); // after the drop, notes is the real table
  }

  @Test
  void anotherSessionsTemporaryTableDoesNotHideTheRealTable() {
    DropTempFilter f = filter("");
    assertThat(f.filter(tx(1, stmt(7, "app", "CREATE TEMPORARY TABLE orders (id INT)")))).isNull();
    // session 8 writes the real app.orders while session 7 has a temporary one of that name
    Transaction real = tx(2, stmt(8, "app", "INSERT INTO orders VALUES (1)"));
    assertThat(f.filter(real)).isSameAs(real);
    assertThat(f.filter(tx(3, stmt(7, "app", "INSERT INTO orders VALUES (1)")))).isNull();
    // session 8's DROP TEMPORARY TABLE (at its disconnect) does not forget session 7's
    assertThat(f.filter(tx(4, stmt(8, "app", "DROP /*!40005 TEMPORARY */ TABLE IF EXISTS orders"))))
        .isNull();
    assertThat(f.temporaryTables(7L)).containsExactly(new TableName("app", "orders"));
    assertThat(f.temporaryTables(8L)).isEmpty();
    assertThat(f.filter(tx(5, stmt(7, "app", "DELETE FROM orders")))).isNull();
  }

  @Test
  void withoutAPseudoThreadIdEverySessionsTemporaryTablesCount() {
    DropTempFilter f = filter("");
    assertThat(f.filter(tx(1, stmt(7, "app", "CREATE TEMPORARY TABLE t (id INT)")))).isNull();
    SqlStatement noSession = SqlStatement.of("INSERT INTO t VALUES (1)", "app", List.of());
    assertThat(f.filter(tx(2, noSession))).isNull();
    SqlStatement dropIt = SqlStatement.of("DROP TEMPORARY TABLE t", "app", List.of());
    assertThat(f.filter(tx(3, dropIt))).isNull();
    assertThat(f.temporaryTables(7L)).isEmpty();
  }

  @Test
  void everyStatementThatChangesOnlyTemporaryTablesOfItsSessionIsDropped() {
    DropTempFilter f = filter("");
    assertThat(f.filter(tx(1, stmt(7, "app", "CREATE TEMPORARY TABLE tmp (id INT)")))).isNull();
    for (String stmt :
        List.of(
            "ALTER TABLE tmp ADD COLUMN b INT",
            "TRUNCATE tmp",
            "TRUNCATE TABLE app.tmp",
            "CREATE INDEX ix ON tmp (id)",
            "DROP INDEX ix ON tmp",
            "OPTIMIZE TABLE tmp",
            "INSERT INTO tmp SELECT id FROM users",
            "REPLACE INTO tmp VALUES (1)",
            "UPDATE tmp SET id = 2",
            "DELETE FROM tmp")) {
      assertThat(f.filter(tx(2, stmt(7, "app", stmt)))).as(stmt).isNull();
    }
    // a rename moves the name; the new one is temporary, the old one no longer
    assertThat(f.filter(tx(3, stmt(7, "app", "RENAME TABLE tmp TO tmp2")))).isNull();
    assertThat(f.temporaryTables(7L)).containsExactly(new TableName("app", "tmp2"));
    assertThat(f.filter(tx(4, stmt(7, "app", "ALTER TABLE tmp2 RENAME TO tmp3")))).isNull();
    assertThat(f.temporaryTables(7L)).containsExactly(new TableName("app", "tmp3"));
    // DROP TABLE without TEMPORARY drops the temporary table of that name
    assertThat(f.filter(tx(5, stmt(7, "app", "DROP TABLE tmp3")))).isNull();
    assertThat(f.temporaryTables(7L)).isEmpty();
    Transaction real = tx(6, stmt(7, "app", "DROP TABLE tmp3"));
    assertThat(f.filter(real)).isSameAs(real);
  }

  @Test
  void aStatementThatWritesARealTableFromATemporaryOneStopsTheService() {
    DropTempFilter f = filter("");
    assertThat(f.filter(tx(1, stmt(7, "app", "CREATE TEMPORARY TABLE t1 (id INT)")))).isNull();
    assertThatThrownBy(
            () ->
                f.filter(tx(9, stmt(7, "app", "INSERT INTO app.totals\n SELECT COUNT(*) FROM t1"))))
        .isInstanceOf(RoutingFailure.class)
        .hasMessage(
            "filter no-temp (drop-temp): seqno 9: the statement 'INSERT INTO app.totals SELECT"
                + " COUNT(*) FROM t1' of session 7 (pseudo_thread_id) changes a table that is not"
                + " temporary and names the temporary table app.t1, which the filter drops: on the"
                + " target it would fail or write other data. Log that session's statements as rows"
                + " (SET SESSION binlog_format = ROW before it creates temporary tables, or"
                + " binlog_format = ROW on the source: MariaDB's MIXED logs temporary tables as"
                + " statements), or set filter.no-temp.on-temp-source = keep to pass such"
                + " statements, then skip or repair this seqno");
    for (String stmt :
        List.of(
            "UPDATE t1 JOIN users u ON t1.id = u.id SET u.flag = 1",
            "DELETE u FROM users u JOIN t1 ON t1.id = u.id",
            "CREATE TABLE app.copy AS SELECT * FROM t1",
            "CREATE TABLE copy LIKE t1",
            "INSERT INTO users SELECT * FROM x, app.t1 WHERE x.id = t1.id")) {
      assertThatThrownBy(() -> f.filter(tx(10, stmt(7, "app", stmt))))
          .as(stmt)
          .isInstanceOf(RoutingFailure.class);
    }
    // another session's statement reading its own real t1 is fine
    Transaction other = tx(11, stmt(8, "app", "INSERT INTO app.totals SELECT COUNT(*) FROM t1"));
    assertThat(f.filter(other)).isSameAs(other);
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
