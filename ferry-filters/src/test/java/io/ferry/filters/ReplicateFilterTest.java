package io.ferry.filters;

import static io.ferry.filters.RoutingTx.annotation;
import static io.ferry.filters.RoutingTx.heartbeat;
import static io.ferry.filters.RoutingTx.insert;
import static io.ferry.filters.RoutingTx.row;
import static io.ferry.filters.RoutingTx.sql;
import static io.ferry.filters.RoutingTx.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Change;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplicateFilterTest {
  private static Filter filter(String doList, String ignore) {
    FilterSettings s =
        FilterSettings.defaults("app-only", "replicate")
            .with(ReplicateFilterFactory.DO, doList)
            .with(ReplicateFilterFactory.IGNORE, ignore);
    return new ReplicateFilterFactory().create(s);
  }

  private static final Filter APP_ONLY = filter("app.*, shop.orders", "app.secret*");

  /** Whether a statement alone in a transaction passes APP_ONLY. */
  private static boolean passes(Filter f, String defaultSchema, String text) {
    Transaction t = tx(7, sql(defaultSchema, text));
    Transaction out = f.filter(t);
    if (out != null) {
      assertThat(out).isSameAs(t);
    }
    return out != null;
  }

  @Test
  void rowsOfTablesNotReplicatedAreDropped() {
    RowChanges app = insert("app", "users");
    RowChanges orders = insert("shop", "orders", row(1, "a"), row(2, "b"));
    Transaction t =
        tx(
            1,
            insert("scratch", "t"),
            app,
            insert("shop", "customers"),
            orders,
            insert("app", "secret_keys"));

    Transaction out = APP_ONLY.filter(t);

    assertThat(out.changes()).containsExactly(app, orders);
    assertThat(out.header()).isEqualTo(t.header());
  }

  @Test
  void aStatementOnASchemaWithADotInItsNameIsRoutedByThatSchema() {
    Filter noDots = filter("*", "`my.db`");
    assertThat(passes(noDots, "app", "INSERT INTO `my.db`.t VALUES (1)")).isFalse();
    assertThat(passes(noDots, "my.db", "UPDATE t SET a = 1")).isFalse();
    assertThat(passes(noDots, "app", "INSERT INTO my.t VALUES (1)")).isTrue();
    Filter onlyDots = filter("`my.db`.t", "");
    assertThat(passes(onlyDots, "app", "INSERT INTO `my.db`.t VALUES (1)")).isTrue();
    assertThat(passes(onlyDots, "app", "INSERT INTO `my.db`.u VALUES (1)")).isFalse();
  }

  @Test
  void aTransactionLeftWithoutChangesIsDropped() {
    assertThat(APP_ONLY.filter(tx(1, insert("scratch", "t"), insert("shop", "customers"))))
        .isNull();
  }

  @Test
  void anUnchangedTransactionIsTheSameObject() {
    Transaction t =
        tx(1, annotation("insert into users"), insert("app", "users"), sql("app", "DELETE FROM t"));
    assertThat(APP_ONLY.filter(t)).isSameAs(t);
  }

  @Test
  void heartbeatsAndEmptyTransactionsPass() {
    Transaction hb = heartbeat(3, "hb-1");
    Transaction empty = new Transaction(RoutingTx.header(4, "#global"), List.of());
    assertThat(APP_ONLY.filter(hb)).isSameAs(hb);
    assertThat(APP_ONLY.filter(empty)).isSameAs(empty);
  }

  @ParameterizedTest(name = "[{index}] {0}: {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // DDL on a schema that is not replicated
        "-      | CREATE TABLE scratch.t (id INT PRIMARY KEY)                         | false",
        "app    | CREATE TABLE scratch.t (id INT PRIMARY KEY)                         | false",
        "-      | CREATE DATABASE scratch                                             | false",
        "-      | CREATE DATABASE IF NOT EXISTS `scratch` CHARACTER SET utf8mb4        | false",
        "-      | DROP DATABASE scratch                                               | false",
        "-      | DROP SCHEMA IF EXISTS scratch                                       | false",
        "scratch| ALTER DATABASE CHARACTER SET latin1                                 | false",
        "scratch| CREATE TABLE t (id INT)                                             | false",
        "-      | CREATE TABLE scratch.t LIKE app.users                               | false",
        "-      | CREATE TABLE scratch.t (id INT, FOREIGN KEY (id) REFERENCES app.u (id))| false",
        "-      | CREATE INDEX i ON scratch.t (a)                                     | false",
        "-      | DROP INDEX i ON scratch.t                                           | false",
        "-      | CREATE DEFINER=`root`@`localhost` VIEW scratch.v AS SELECT 1        | false",
        "-      | CREATE DEFINER=`root`@`%` PROCEDURE scratch.p() BEGIN END            | false",
        "-      | CREATE DEFINER=`root`@`localhost` TRIGGER scratch.tr BEFORE INSERT ON scratch.t FOR EACH ROW SET @a = 1 | false",
        "-      | DROP TRIGGER IF EXISTS scratch.tr                                   | false",
        "-      | TRUNCATE TABLE scratch.t                                            | false",
        "-      | CREATE TEMPORARY TABLE scratch.tmp (a INT)                          | false",
        "-      | OPTIMIZE TABLE scratch.t                                            | false",
        "-      | CREATE TABLE shop.customers (id INT)                                | false",
        "-      | ALTER TABLE app.secret_keys ADD COLUMN b INT                        | false",
        // DDL of replicated tables and schemas
        "-      | CREATE TABLE app.users (id INT)                                     | true",
        "-      | CREATE DATABASE app                                                 | true",
        "-      | DROP DATABASE shop                                                  | true",
        "-      | ALTER TABLE shop.orders ADD COLUMN note TEXT                        | true",
        "shop   | ALTER TABLE orders ADD COLUMN note TEXT                             | true",
        "-      | CREATE TABLE app.t2 AS SELECT * FROM scratch.x                      | true",
        "-      | CREATE DEFINER=`root`@`localhost` TRIGGER app.tr BEFORE INSERT ON app.t FOR EACH ROW SET @a = 1 | true",
        "-      | ANALYZE TABLE app.users                                             | true",
        // statements naming several tables: kept when any is replicated
        "-      | DROP TABLE scratch.a, scratch.b                                     | false",
        "-      | DROP TABLE IF EXISTS app.a, scratch.b                               | true",
        "-      | RENAME TABLE app.a TO scratch.a                                     | true",
        "-      | RENAME TABLE scratch.a TO scratch.b, shop.x TO shop.y               | false",
        "-      | ALTER TABLE scratch.a RENAME TO app.a                               | true",
        "-      | UPDATE app.a JOIN scratch.b ON a.id = b.id SET a.x = b.y            | true",
        "-      | UPDATE scratch.a JOIN shop.customers c ON a.id = c.id SET a.x = 1   | false",
        // every table a multi-table DELETE names counts (which rows it deletes is in the data)
        "scratch| DELETE s FROM scratch.s JOIN app.users u ON s.id = u.id             | true",
        "scratch| DELETE s FROM scratch.s JOIN scratch.u ON s.id = u.id               | false",
        // DML without USE
        "-      | INSERT INTO app.users VALUES (1, 'x')                               | true",
        "-      | INSERT INTO scratch.t VALUES (1)                                    | false",
        "-      | SET STATEMENT max_statement_time=10 FOR INSERT INTO scratch.t VALUES (1) | false",
        "-      | LOAD DATA INFILE 'x' INTO TABLE scratch.t                           | false",
        // DML through the default schema
        "app    | INSERT INTO users VALUES (1, 'x')                                   | true",
        "scratch| INSERT INTO t VALUES (1)                                            | false",
        "scratch| INSERT INTO app.users SELECT * FROM t                               | true",
        // tables cannot be told: the default schema decides, without one the statement is kept
        "scratch| CALL do_it()                                                        | false",
        "app    | CALL do_it()                                                        | true",
        "scratch| GRANT SELECT ON *.* TO 'u'@'%'                                      | false",
        "-      | GRANT SELECT ON *.* TO 'u'@'%'                                      | true",
        "-      | CREATE USER 'u'@'%'                                                 | true",
        "-      | INSERT INTO t VALUES (1)                                            | true",
        "-      | FLUSH PRIVILEGES                                                    | true",
        // transaction control is never dropped for its tables
        "scratch| SAVEPOINT s1                                                        | true",
        "scratch| ROLLBACK TO SAVEPOINT s1                                            | true",
        "scratch| XA COMMIT 'x1'                                                      | true",
      })
  void statementsByTheTablesTheyChange(String defaultSchema, String text, boolean kept) {
    assertThat(passes(APP_ONLY, defaultSchema, text)).isEqualTo(kept);
  }

  @Test
  void unknownStatementsWithoutDefaultSchemaMayBeDropped() {
    FilterSettings s =
        FilterSettings.defaults("strict", "replicate")
            .with(ReplicateFilterFactory.DO, "app")
            .with(ReplicateFilterFactory.UNKNOWN_STATEMENTS, "drop");
    Filter strict = new ReplicateFilterFactory().create(s);
    assertThat(passes(strict, null, "GRANT SELECT ON *.* TO 'u'@'%'")).isFalse();
    assertThat(passes(strict, "app", "GRANT SELECT ON *.* TO 'u'@'%'")).isTrue();
    assertThat(passes(strict, null, "SAVEPOINT a")).isTrue();
  }

  @Test
  void anIgnoredTableDoesNotDropItsSchema() {
    Filter f = filter("", "app.audit, scratch");
    assertThat(passes(f, null, "DROP DATABASE app")).isTrue();
    assertThat(passes(f, null, "DROP DATABASE scratch")).isFalse();
    assertThat(passes(f, null, "CREATE TABLE app.audit (id INT)")).isFalse();
    assertThat(passes(f, null, "CREATE TABLE app.users (id INT)")).isTrue();
    assertThat(passes(f, null, "CREATE TABLE other.users (id INT)")).isTrue();
  }

  @Test
  void mixedTransactionKeepsWhatIsReplicatedInOrder() {
    SqlStatement keep = sql("app", "UPDATE users SET name = 'x' WHERE id = 1");
    SqlStatement savepoint = sql("scratch", "SAVEPOINT a");
    RowChanges rows = insert("app", "users");
    Transaction t =
        tx(
            2,
            sql("scratch", "INSERT INTO t VALUES (1)"),
            keep,
            savepoint,
            insert("scratch", "t"),
            rows);
    assertThat(APP_ONLY.filter(t).changes()).containsExactly(keep, savepoint, rows);
  }

  @Test
  void annotationsGoWithTheRowsTheyAnnotate() {
    var dropped = annotation("insert into scratch.t values (1)");
    var kept = annotation("insert into app.users values (1, 'x')");
    var mixed = annotation("update app.users, scratch.t set ...");
    RowChanges users = insert("app", "users");
    RowChanges users2 = insert("app", "users", row(5, "five"));
    SqlStatement statement = sql("app", "DELETE FROM users");
    var beforeStatement = annotation("no rows follow");
    Transaction t =
        tx(
            3,
            dropped,
            insert("scratch", "t"),
            insert("scratch", "u"),
            kept,
            users,
            mixed,
            insert("scratch", "t"),
            users2,
            beforeStatement,
            statement);

    assertThat(APP_ONLY.filter(t).changes())
        .containsExactly(kept, users, mixed, users2, beforeStatement, statement);
  }

  @Test
  void aTransactionLeftWithOnlyAnnotationsIsDropped() {
    assertThat(APP_ONLY.filter(tx(3, annotation("insert into scratch.t"), insert("scratch", "t"))))
        .isNull();
  }

  @Test
  void fragmentsAreFilteredOnTheirOwn() {
    var note = annotation("insert into app.users ...");
    RowChanges users1 = insert("app", "users", row(1, "a"));
    RowChanges users2 = insert("app", "users", row(2, "b"));
    Transaction f0 = fragment(0, false, insert("scratch", "t"), insert("scratch", "u"));
    Transaction f1 = fragment(1, false, users1, insert("scratch", "t"), note);
    Transaction f2 = fragment(2, true, users2);
    Transaction f3 = fragment(3, true, insert("scratch", "t"));

    assertThat(APP_ONLY.filter(f0)).isNull(); // the stage leaves an empty fragment in its place
    // the annotation ends fragment 1; its rows are in fragment 2, so it is kept
    Transaction out1 = APP_ONLY.filter(f1);
    assertThat(out1.changes()).containsExactly(users1, note);
    assertThat(out1.header()).isEqualTo(f1.header());
    assertThat(APP_ONLY.filter(f2)).isSameAs(f2);
    assertThat(APP_ONLY.filter(f3)).isNull();
  }

  private static Transaction fragment(int fragno, boolean last, Change... changes) {
    return new Transaction(
        RoutingTx.header(9, "#global").withFragment(fragno, last), List.of(changes));
  }

  @Test
  void configurationErrors() {
    assertThatThrownBy(() -> filter("app, shop.", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter.app-only.do: 'shop.' is not a name pattern: write schema, schema.table or"
                + " schema.table.column (* and ? are wildcards; quote a name with a dot in"
                + " `backquotes`)");
    assertThatThrownBy(() -> filter("", "app.users.password"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter.app-only.ignore: 'app.users.password' has too many parts: write schema or"
                + " schema.table (a column pattern filters no table)");
    assertThatThrownBy(() -> filter("`app", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("filter.app-only.do: '`app': a backquote is not closed");
  }

  @Test
  void emptyListsReplicateEverything() {
    Filter all = new ReplicateFilterFactory().create(FilterSettings.defaults("all", "replicate"));
    Transaction t = tx(1, insert("x", "y"), sql(null, "DROP DATABASE z"));
    assertThat(all.filter(t)).isSameAs(t);
  }
}
