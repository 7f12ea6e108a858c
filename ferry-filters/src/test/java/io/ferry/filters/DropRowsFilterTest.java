package io.ferry.filters;

import static io.ferry.filters.RoutingTx.COLUMNS;
import static io.ferry.filters.RoutingTx.annotation;
import static io.ferry.filters.RoutingTx.insert;
import static io.ferry.filters.RoutingTx.row;
import static io.ferry.filters.RoutingTx.sql;
import static io.ferry.filters.RoutingTx.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowImage;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.filter.SchemaView;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.value.Text;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DropRowsFilterTest {
  private static FilterSettings base() {
    return FilterSettings.defaults("no-test-rows", "drop-rows")
        .with(DropRowsFilterFactory.TABLE, "app.users, shop")
        .with(DropRowsFilterFactory.COLUMN, "NAME");
  }

  private static Filter filter(FilterSettings s) {
    return new DropRowsFilterFactory().create(s);
  }

  private static Row update(long id, String before, String after) {
    return Row.of(new Object[] {id, Text.of(before)}, new Object[] {id, Text.of(after)});
  }

  private static RowChanges changes(Action action, Row... rows) {
    return RowChanges.full("app", "users", action, COLUMNS, List.of(rows));
  }

  @Test
  void dropsRowsWhoseValueEqualsOneOfTheValues() {
    Filter f = filter(base().with(DropRowsFilterFactory.EQUALS, "test, demo , NULL"));
    RowChanges rows =
        insert("app", "users", row(1, "test"), row(2, "real"), row(3, null), row(4, "demo"));
    RowChanges other = insert("app", "orders", row(1, "test"));
    Transaction t = tx(1, annotation("insert ..."), rows, other);

    Transaction out = f.filter(t);

    assertThat(out.changes())
        .containsExactly(annotation("insert ..."), rows.withRows(List.of(row(2, "real"))), other);
  }

  @Test
  void aChangeLeftWithoutRowsGoesAndSoDoesAnEmptyTransaction() {
    Filter f = filter(base().with(DropRowsFilterFactory.EQUALS, "test"));
    var note = annotation("insert into app.users ...");
    RowChanges shop = insert("shop", "x", row(9, "real"));
    assertThat(f.filter(tx(1, shop, note, insert("app", "users", row(1, "test")))).changes())
        .containsExactly(shop);
    assertThat(f.filter(tx(2, note, insert("shop", "x", row(1, "test"))))).isNull();
    Transaction statement = tx(3, sql("app", "INSERT INTO users VALUES (1, 'test')"));
    assertThat(f.filter(statement)).isSameAs(statement); // statements are not rows
    Transaction untouched = tx(4, insert("app", "users", row(1, "real")));
    assertThat(f.filter(untouched)).isSameAs(untouched);
  }

  private static RowChanges deletes(Row... rows) {
    return RowChanges.full("app", "users", Action.DELETE, COLUMNS, List.of(rows));
  }

  private static RowChanges inserts(Row... rows) {
    return RowChanges.full("app", "users", Action.INSERT, COLUMNS, List.of(rows));
  }

  @Test
  void whichImageIsTested() {
    RowChanges upd = changes(Action.UPDATE, update(1, "test", "real"), update(2, "real", "test"));
    RowChanges del = changes(Action.DELETE, Row.delete(3L, Text.of("test")));
    RowChanges ins = changes(Action.INSERT, Row.insert(4L, Text.of("test")));
    Transaction t = tx(1, upd, del, ins);
    FilterSettings s = base().with(DropRowsFilterFactory.EQUALS, "test");

    // after-else-before: after images of inserts, before images of deletes, both of updates: row
    // 1 arrives on the target (an insert), row 2 leaves it (a delete)
    List<RowChanges> moved =
        List.of(inserts(Row.insert(1L, Text.of("real"))), deletes(Row.delete(2L, Text.of("real"))));
    assertThat(filter(s).filter(t).changes()).containsExactlyElementsOf(moved);
    assertThat(filter(s.with(DropRowsFilterFactory.IMAGE, "either")).filter(t).changes())
        .containsExactlyElementsOf(moved);
    // after and before test one image only
    assertThat(filter(s.with(DropRowsFilterFactory.IMAGE, "after")).filter(t).changes())
        .containsExactly(upd.withRows(List.of(update(1, "test", "real"))), del);
    assertThat(filter(s.with(DropRowsFilterFactory.IMAGE, "before")).filter(t).changes())
        .containsExactly(upd.withRows(List.of(update(2, "real", "test"))), ins);
  }

  @Test
  void anUpdateThatMovesARowAcrossTheRuleBecomesADeleteOrAnInsertInOrder() {
    // kind 'web' -> 'debug' leaves the target; 'debug' -> 'web' arrives on it
    RowChanges upd =
        changes(
            Action.UPDATE,
            update(1, "web", "api"),
            update(2, "debug", "debug"),
            update(3, "web", "web"),
            update(4, "web", "debug"),
            update(5, "debug", "web"),
            update(6, "debug", "api"),
            update(7, "api", "web"));
    Transaction t = tx(1, annotation("update users ..."), upd);
    Filter f = filter(base().with(DropRowsFilterFactory.EQUALS, "debug"));

    assertThat(f.filter(t).changes())
        .containsExactly(
            annotation("update users ..."),
            upd.withRows(List.of(update(1, "web", "api"), update(3, "web", "web"))),
            deletes(Row.delete(4L, Text.of("web"))),
            inserts(Row.insert(5L, Text.of("web")), Row.insert(6L, Text.of("api"))),
            upd.withRows(List.of(update(7, "api", "web"))));

    Transaction kept = tx(2, changes(Action.UPDATE, update(1, "web", "api")));
    assertThat(f.filter(kept)).isSameAs(kept);
    assertThat(
            f.filter(tx(3, annotation("x"), changes(Action.UPDATE, update(2, "debug", "debug")))))
        .isNull();
  }

  @Test
  void anUpdateThatLeavesTheColumnOutOfItsAfterImageDidNotChangeIt() {
    // MINIMAL images, or optimize-updates upstream: the after image carries what changed only
    List<ColumnSpec> cols =
        List.of(
            ColumnSpec.of("id", SqlType.BIGINT).asKey(),
            ColumnSpec.of("name", SqlType.VARCHAR),
            ColumnSpec.of("v", SqlType.VARCHAR));
    RowChanges slim =
        new RowChanges(
            "app",
            "users",
            Action.UPDATE,
            cols,
            RowImage.FULL,
            ColumnMask.all(3),
            ColumnMask.of(3, 0, 2),
            List.of(
                Row.of(
                    new Object[] {1L, Text.of("web"), Text.of("a")},
                    new Object[] {1L, null, Text.of("b")}),
                Row.of(
                    new Object[] {2L, Text.of("debug"), Text.of("a")},
                    new Object[] {2L, null, Text.of("b")})));
    Filter f = filter(base().with(DropRowsFilterFactory.EQUALS, "debug"));
    // the kept row's update passes as it is, the debug row's update is dropped: no stop
    assertThat(f.filter(tx(14, slim)).changes())
        .containsExactly(slim.withRows(slim.rows().subList(0, 1)));
    // and a debug row whose other column changes into a kept name becomes a whole insert
    RowChanges back =
        new RowChanges(
            "app",
            "users",
            Action.UPDATE,
            cols,
            RowImage.FULL,
            ColumnMask.all(3),
            ColumnMask.of(3, 0, 1),
            List.of(
                Row.of(
                    new Object[] {2L, Text.of("debug"), Text.of("a")},
                    new Object[] {2L, Text.of("web"), null})));
    assertThat(f.filter(tx(15, back)).changes())
        .containsExactly(
            RowChanges.full(
                "app",
                "users",
                Action.INSERT,
                cols,
                List.of(Row.insert(2L, Text.of("web"), Text.of("a")))));
  }

  @Test
  void aRowMovedIntoTheKeptSetNeedsTheWholeAfterImage() {
    // binlog_row_image = NOBLOB: an update's after image lacks the BLOB column it did not change
    List<ColumnSpec> cols =
        List.of(
            ColumnSpec.of("id", SqlType.BIGINT).asKey(),
            ColumnSpec.of("name", SqlType.VARCHAR),
            ColumnSpec.of("body", SqlType.BLOB));
    RowChanges noblob =
        new RowChanges(
            "app",
            "users",
            Action.UPDATE,
            cols,
            RowImage.NOBLOB,
            ColumnMask.of(3, 0, 1),
            ColumnMask.of(3, 0, 1),
            List.of(
                Row.of(
                    new Object[] {9L, Text.of("web"), null},
                    new Object[] {9L, Text.of("debug"), null}),
                Row.of(
                    new Object[] {7L, Text.of("debug"), null},
                    new Object[] {7L, Text.of("web"), null})));
    Filter f = filter(base().with(DropRowsFilterFactory.EQUALS, "debug"));
    assertThatThrownBy(() -> f.filter(tx(12, noblob)))
        .isInstanceOf(RoutingFailure.class)
        .hasMessage(
            "filter no-test-rows (drop-rows): seqno 12, table app.users: an update moves the row"
                + " (id='7') from a dropped to a kept value of column name ('debug' to 'web'), so"
                + " the target must get it as an insert, but its images carry only columns {0,1}"
                + " and {0,1} of 3 (row image NOBLOB). Log full row images on the source"
                + " (binlog_row_image = FULL) and put drop-rows before filters that narrow images"
                + " (pkey); for the rows logged already, insert the row on the target by hand and"
                + " skip this seqno");
    // kept -> dropped needs only the before image's key
    assertThat(f.filter(tx(13, noblob.withRows(noblob.rows().subList(0, 1)))).changes())
        .containsExactly(
            new RowChanges(
                "app",
                "users",
                Action.DELETE,
                cols,
                RowImage.NOBLOB,
                ColumnMask.of(3, 0, 1),
                null,
                List.of(Row.delete(9L, Text.of("web"), null))));
  }

  @Test
  void matchesAndNotEquals() {
    RowChanges rows = insert("app", "users", row(1, "test-1"), row(2, "real"), row(3, null));
    Transaction t = tx(1, rows);
    assertThat(filter(base().with(DropRowsFilterFactory.MATCHES, "test-\\d+")).filter(t).changes())
        .containsExactly(rows.withRows(List.of(row(2, "real"), row(3, null))));
    // not-equals keeps only the listed values; NULL is listed or not like any value
    assertThat(filter(base().with(DropRowsFilterFactory.NOT_EQUALS, "real")).filter(t).changes())
        .containsExactly(rows.withRows(List.of(row(2, "real"))));
    assertThat(
            filter(base().with(DropRowsFilterFactory.NOT_EQUALS, "real,NULL")).filter(t).changes())
        .containsExactly(rows.withRows(List.of(row(2, "real"), row(3, null))));
  }

  @Test
  void numbersCompareByTheirTextForm() {
    List<ColumnSpec> cols =
        List.of(ColumnSpec.of("id", SqlType.BIGINT), ColumnSpec.of("price", SqlType.DECIMAL));
    RowChanges rows =
        RowChanges.full(
            "shop",
            "items",
            Action.INSERT,
            cols,
            List.of(
                Row.insert(1L, new java.math.BigDecimal("0.00")),
                Row.insert(2L, new java.math.BigDecimal("0")),
                Row.insert(3L, new java.math.BigDecimal("12.50"))));
    FilterSettings s =
        base()
            .with(DropRowsFilterFactory.COLUMN, "price")
            .with(DropRowsFilterFactory.EQUALS, "0.00");
    assertThat(filter(s).filter(tx(1, rows)).changes())
        .containsExactly(rows.withRows(rows.rows().subList(1, 3)));
  }

  @Test
  void aColumnTheImageDoesNotCarryStopsTheServiceUnlessOnMissingIsKeep() {
    // binlog_row_image = MINIMAL: the before image carries the key only
    RowChanges minimal =
        new RowChanges(
            "app",
            "users",
            Action.DELETE,
            COLUMNS,
            RowImage.MINIMAL,
            ColumnMask.of(2, 0),
            null,
            List.of(Row.delete(1L, null)));
    Transaction t = tx(5, minimal);
    assertThatThrownBy(() -> filter(base().with(DropRowsFilterFactory.EQUALS, "x")).filter(t))
        .isInstanceOf(RoutingFailure.class)
        .hasMessage(
            "filter no-test-rows (drop-rows): seqno 5, table app.users: the before image of a row"
                + " DELETE does not carry column name (binlog_row_image = MINIMAL), so the filter"
                + " cannot tell whether the row is dropped. Set binlog_row_image = FULL on the"
                + " source, or filter.no-test-rows.on-missing = keep to pass such rows untested")
        .satisfies(e -> assertThat(((RoutingFailure) e).seqno()).isEqualTo(5));
    FilterSettings keep = base().with(DropRowsFilterFactory.ON_MISSING, "keep");
    assertThat(filter(keep.with(DropRowsFilterFactory.NOT_EQUALS, "x")).filter(t)).isSameAs(t);
    assertThat(filter(keep.with(DropRowsFilterFactory.EQUALS, "NULL")).filter(t)).isSameAs(t);
    // MINIMAL update: the after image carries the changed column, the before image does not
    RowChanges upd =
        new RowChanges(
            "app",
            "users",
            Action.UPDATE,
            COLUMNS,
            RowImage.MINIMAL,
            ColumnMask.of(2, 0),
            ColumnMask.of(2, 1),
            List.of(Row.of(new Object[] {1L, null}, new Object[] {null, Text.of("x")})));
    assertThatThrownBy(
            () -> filter(base().with(DropRowsFilterFactory.EQUALS, "x")).filter(tx(6, upd)))
        .isInstanceOf(RoutingFailure.class)
        .hasMessageContaining("seqno 6, table app.users: the before image of a row UPDATE");
    // image = after does not test deletes' before images, so they pass whatever they carry
    Filter after =
        filter(
            base()
                .with(DropRowsFilterFactory.EQUALS, "x")
                .with(DropRowsFilterFactory.IMAGE, "after"));
    assertThat(after.filter(t)).isSameAs(t);
  }

  @Test
  void columnsTheEventDoesNotNameAreFoundInTheSchemaView() {
    List<ColumnSpec> unnamed =
        List.of(ColumnSpec.of(null, SqlType.BIGINT), ColumnSpec.of(null, SqlType.VARCHAR));
    RowChanges rows =
        RowChanges.full(
            "app",
            "users",
            Action.INSERT,
            unnamed,
            List.of(Row.insert(1L, Text.of("test")), Row.insert(2L, Text.of("real"))));
    Transaction t = tx(1, rows);
    Filter f = filter(base().with(DropRowsFilterFactory.EQUALS, "test"));
    assertThat(f.filter(t)).isSameAs(t); // no name, no schema view: the rows pass

    SchemaView view =
        (schema, table) ->
            Optional.of(
                new SchemaView.TableView(schema, table, List.of("id", "name"), List.of("id")));
    f.prepare(
        new FilterContext("svc", "master", FilterContext.Side.EXTRACT, view, Clock.systemUTC()));
    assertThat(f.filter(t).changes()).containsExactly(rows.withRows(rows.rows().subList(1, 2)));
  }

  @Test
  void configurationErrors() {
    FilterSettings none = FilterSettings.defaults("f", "drop-rows");
    assertThatThrownBy(() -> filter(none.with(DropRowsFilterFactory.EQUALS, "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter f (drop-rows): set filter.f.table and filter.f.column (which rows of which"
                + " tables)");
    assertThatThrownBy(() -> filter(base()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter no-test-rows (drop-rows): set exactly one of filter.no-test-rows.equals,"
                + " filter.no-test-rows.matches and filter.no-test-rows.not-equals; none is set");
    assertThatThrownBy(
            () ->
                filter(
                    base()
                        .with(DropRowsFilterFactory.EQUALS, "a")
                        .with(DropRowsFilterFactory.NOT_EQUALS, "b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter no-test-rows (drop-rows): set exactly one of filter.no-test-rows.equals,"
                + " filter.no-test-rows.matches and filter.no-test-rows.not-equals;"
                + " filter.no-test-rows.equals and filter.no-test-rows.not-equals are");
    assertThatThrownBy(() -> filter(base().with(DropRowsFilterFactory.MATCHES, "(unclosed")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter.no-test-rows.matches: '(unclosed' is not a regular expression: Unclosed"
                + " group");
    assertThatThrownBy(() -> filter(base().with(DropRowsFilterFactory.EQUALS, " , ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("filter.no-test-rows.equals: give at least one value (NULL for SQL NULL)");
    assertThatThrownBy(
            () ->
                filter(
                    base()
                        .with(DropRowsFilterFactory.TABLE, "app.users.name")
                        .with(DropRowsFilterFactory.EQUALS, "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter.no-test-rows.table: 'app.users.name' has too many parts: write schema or"
                + " schema.table patterns");
  }
}
