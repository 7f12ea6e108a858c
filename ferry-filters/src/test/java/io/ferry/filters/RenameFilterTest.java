package io.ferry.filters;

import static io.ferry.filters.RoutingTx.COLUMNS;
import static io.ferry.filters.RoutingTx.SESSION;
import static io.ferry.filters.RoutingTx.annotation;
import static io.ferry.filters.RoutingTx.insert;
import static io.ferry.filters.RoutingTx.row;
import static io.ferry.filters.RoutingTx.sql;
import static io.ferry.filters.RoutingTx.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenameFilterTest {
  @TempDir Path dir;

  private static FilterSettings rules(String rules) {
    return FilterSettings.defaults("ren", "rename").with(RenameFilterFactory.RULES, rules);
  }

  private static RenameFilter filter(FilterSettings s) {
    return (RenameFilter) new RenameFilterFactory().create(s);
  }

  private static RenameFilter filter(String rules) {
    return filter(rules(rules));
  }

  private static RowChanges moved(RowChanges rc, String schema, String table) {
    return new RowChanges(
        schema,
        table,
        rc.action(),
        rc.columns(),
        rc.image(),
        rc.beforeColumns(),
        rc.afterColumns(),
        rc.rows());
  }

  @Test
  void rowChangesAreRenamed() {
    RenameFilter f =
        filter(
            "app=app2, app.users=crm.customers, *.audit=*.audit_log,"
                + " app.users.name=app.users.full_name, *.*.id=*.*.ID");
    RowChanges users = insert("app", "users", row(1, "x"));
    RowChanges orders = insert("app", "orders");
    RowChanges audit = insert("shop", "audit");
    RowChanges appAudit = insert("app", "audit");
    RowChanges other = RowChanges.full("x", "y", Action.INSERT, List.of(), List.of());
    var note = annotation("insert into app.users values (1, 'x')");
    Transaction t = tx(1, note, users, orders, audit, appAudit, other);

    Transaction out = f.filter(t);

    List<ColumnSpec> renamedColumns =
        List.of(
            ColumnSpec.of("ID", SqlType.BIGINT).asKey(),
            ColumnSpec.of("full_name", SqlType.VARCHAR).withCharset("utf8mb4"));
    List<ColumnSpec> idOnly = List.of(renamedColumns.get(0), COLUMNS.get(1));
    assertThat(out.changes())
        .containsExactly(
            note, // annotations keep the source's text
            new RowChanges(
                "crm",
                "customers",
                Action.INSERT,
                renamedColumns,
                users.image(),
                null,
                users.afterColumns(),
                users.rows()),
            withColumns(moved(orders, "app2", "orders"), idOnly),
            withColumns(moved(audit, "shop", "audit_log"), idOnly),
            // a table rule beats a schema rule: *.audit keeps the schema it matched
            withColumns(moved(appAudit, "app", "audit_log"), idOnly),
            other);
    assertThat(out.changes().get(5)).isSameAs(other);
    assertThat(out.header()).isEqualTo(t.header());
  }

  private static RowChanges withColumns(RowChanges rc, List<ColumnSpec> columns) {
    return new RowChanges(
        rc.schema(),
        rc.table(),
        rc.action(),
        columns,
        rc.image(),
        rc.beforeColumns(),
        rc.afterColumns(),
        rc.rows());
  }

  @Test
  void theMostSpecificRuleWins() {
    RenameFilter f = filter("*.users=*.customers, app.*=other.*, app.users=app.people");
    assertThat(
            f.filter(
                    tx(
                        1,
                        insert("app", "users"),
                        insert("app", "x"),
                        insert("shop", "users"),
                        insert("shop", "x")))
                .changes())
        .extracting(c -> ((RowChanges) c).schema() + "." + ((RowChanges) c).table())
        .containsExactly("app.people", "other.x", "shop.customers", "shop.x");
  }

  @Test
  void nothingRenamedIsTheSameObject() {
    Transaction t =
        tx(1, insert("shop", "orders"), sql("shop", "DELETE FROM orders"), sql(null, "COMMIT"));
    assertThat(filter("app=app2").filter(t)).isSameAs(t);
    Transaction hb = RoutingTx.heartbeat(2, "hb");
    assertThat(filter("app=app2").filter(hb)).isSameAs(hb);
  }

  @Test
  void statementsGetTheirDefaultSchemaRenamed() {
    RenameFilter f = filter("app=app2");
    SqlStatement s = sql("app", "INSERT INTO users VALUES (1, 'x')");
    SqlStatement out = (SqlStatement) f.filter(tx(1, s)).changes().get(0);
    assertThat(out)
        .isEqualTo(SqlStatement.of("INSERT INTO users VALUES (1, 'x')", "app2", SESSION));
    assertThat(f.warned()).isEmpty(); // named through the default schema: right on the target
    SqlStatement ddl = sql("app", "ALTER TABLE users ADD COLUMN b INT");
    assertThat(((SqlStatement) f.filter(tx(2, ddl)).changes().get(0)).defaultSchema())
        .isEqualTo("app2");
    SqlStatement useless = sql(null, "INSERT INTO shop.t VALUES (1)");
    Transaction t = tx(3, useless);
    assertThat(f.filter(t)).isSameAs(t);
    assertThat(f.warned()).isEmpty();
  }

  @Test
  void byDefaultAStatementNamingARenamedTableStopsTheService() {
    RenameFilter f = filter("app.users=app.customers");
    assertThatThrownBy(() -> f.filter(tx(7, sql("app", "INSERT INTO users VALUES (1)"))))
        .hasMessageContaining("seqno 7")
        .hasMessageContaining("INSERT INTO users VALUES (1)")
        .hasMessageContaining("filter.ren.statements = default-schema");
  }

  @Test
  void statementsNamingRenamedThingsAreWarnedAboutOncePerName() {
    RenameFilter f =
        filter(
            rules("app=app2, shop.orders=shop.purchases, crm.people.nm=crm.people.name")
                .with(RenameFilterFactory.STATEMENTS, "default-schema"));
    Transaction t =
        tx(
            1,
            sql("app", "INSERT INTO app.users VALUES (1)"),
            sql("app", "UPDATE app.users SET name = 'y'"),
            sql(null, "CREATE DATABASE app"),
            sql("shop", "DELETE FROM orders WHERE id = 1"),
            sql("crm", "UPDATE people SET nm = 'x'"),
            sql("app", "SELECT 1"));
    Transaction out = f.filter(t);
    assertThat(out.changes())
        .extracting(c -> ((SqlStatement) c).defaultSchema())
        .containsExactly("app2", "app2", null, "shop", "crm", "app2");
    assertThat(f.warned())
        .containsExactlyInAnyOrder("app.users", "app", "shop.orders", "crm.people");
  }

  @Test
  void failStopsAtTheFirstStatementItCannotRename() {
    RenameFilter f =
        filter(rules("app.users=app.customers").with(RenameFilterFactory.STATEMENTS, "fail"));
    Transaction fine = tx(1, sql("app", "INSERT INTO orders VALUES (1)"));
    assertThat(f.filter(fine)).isSameAs(fine);
    Transaction t = tx(42, sql("app", "INSERT   INTO users\n VALUES (1, 'x')"));
    assertThatThrownBy(() -> f.filter(t))
        .isInstanceOf(RoutingFailure.class)
        .hasMessage(
            "filter ren (rename): seqno 42: the dml statement 'INSERT INTO users VALUES (1, 'x')'"
                + " names app.users, which rule app.users=app.customers renames; Ferry does not"
                + " edit SQL text. Rename it on the target by hand and skip the transaction, or"
                + " set filter.ren.statements = default-schema to pass such statements with only"
                + " their default schema renamed")
        .extracting(e -> ((RoutingFailure) e).seqno())
        .isEqualTo(42L);
    Transaction ddl = tx(43, sql(null, "DROP DATABASE `app`"));
    RenameFilter schemas = filter(rules("app=app2").with(RenameFilterFactory.STATEMENTS, "fail"));
    assertThatThrownBy(() -> schemas.filter(ddl))
        .hasMessageStartingWith(
            "filter ren (rename): seqno 43: the ddl statement 'DROP DATABASE `app`' names app,"
                + " which rule app=app2 renames;");
  }

  @Test
  void rulesFromAFileResolvedAgainstTheConfigFile() throws Exception {
    Files.writeString(
        dir.resolve("renames.csv"),
        "# from,to\n\napp,app2\n  app.users , app.customers  \n# done\n",
        StandardCharsets.UTF_8);
    FilterSettings s =
        new FilterSettings(
            "ren",
            "rename",
            dir.resolve("service.conf"),
            Map.of(RenameFilterFactory.FILE.key(), Path.of("renames.csv")),
            Map.of());
    RenameFilter f = filter(s);
    assertThat(
            f.filter(tx(1, insert("app", "users"), insert("app", "x"))).changes().stream()
                .map(c -> ((RowChanges) c).schema() + "." + ((RowChanges) c).table())
                .toList())
        .containsExactly("app.customers", "app2.x");
  }

  @Test
  void fileErrors() throws Exception {
    Path conf = dir.resolve("service.conf");
    assertThatThrownBy(() -> filter(fileSettings(conf, "missing.csv")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter.ren.file: rename rules file " + dir.resolve("missing.csv") + " does not exist");
    Files.writeString(dir.resolve("bad.csv"), "app,app2\n# ok\napp.users\n");
    assertThatThrownBy(() -> filter(fileSettings(conf, "bad.csv")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            dir.resolve("bad.csv")
                + " line 3: 'app.users' is not a rename rule: write from,to (like"
                + " app.users,app.customers)");
    Files.writeString(dir.resolve("depth.csv"), "app,app2\napp.users,customers\n");
    assertThatThrownBy(() -> filter(fileSettings(conf, "depth.csv")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            dir.resolve("depth.csv")
                + " line 2: 'app.users=customers' renames a table to a schema; both sides must"
                + " be schema, schema.table or schema.table.column");
    Files.writeString(dir.resolve("twice.csv"), "app,app3\n");
    assertThatThrownBy(
            () ->
                filter(fileSettings(conf, "twice.csv").with(RenameFilterFactory.RULES, "app=app2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            dir.resolve("twice.csv")
                + " line 1: app is renamed twice: 'app=app2' (filter.ren.rules) and 'app=app3'");
    Path directory = Files.createDirectory(dir.resolve("a-directory"));
    assertThatThrownBy(() -> filter(fileSettings(conf, directory.getFileName().toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "filter.ren.file: cannot read rename rules file " + directory + ": ");
  }

  private static FilterSettings fileSettings(Path conf, String file) {
    return new FilterSettings(
        "ren", "rename", conf, Map.of(RenameFilterFactory.FILE.key(), Path.of(file)), Map.of());
  }

  @Test
  void ruleErrors() {
    assertThatThrownBy(() -> filter("app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter.ren.rules: 'app' is not a rename rule: write from=to, like app=app2,"
                + " app.users=app.customers or app.users.name=app.users.full_name");
    assertThatThrownBy(() -> filter("app_*=x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter.ren.rules: 'app_*=x': * stands for a whole name (like *.users=*.customers),"
                + " not part of one, and ? is not a wildcard here");
    assertThatThrownBy(() -> filter("app.t.c=app.u.c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter.ren.rules: 'app.t.c=app.u.c' renames a column and its table; a column rule"
                + " renames only the column (write the table's rename as a rule of its own)");
    assertThatThrownBy(() -> filter("a.b.c.d=x.y.z.w"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter.ren.rules: 'a.b.c.d=x.y.z.w' is not a rename rule: write from=to where both"
                + " are schema, schema.table or schema.table.column");
    assertThatThrownBy(() -> filter("app=app2, app=app3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter.ren.rules: app is renamed twice: 'app=app2' (filter.ren.rules) and"
                + " 'app=app3'");
    assertThatThrownBy(() -> filter(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter ren (rename): set filter.ren.rules or filter.ren.file (without rules the"
                + " filter renames nothing)");
  }

  @Test
  void quotedNamesWithDots() {
    RenameFilter f = filter("`my.db`=mydb");
    assertThat(((RowChanges) f.filter(tx(1, insert("my.db", "t"))).changes().get(0)).schema())
        .isEqualTo("mydb");
  }
}
