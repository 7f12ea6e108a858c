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

  @Test
  void whichImageIsTested() {
    RowChanges upd = changes(Action.UPDATE, update(1, "test", "real"), update(2, "real", "test"));
    RowChanges del = changes(Action.DELETE, Row.delete(3L, Text.of("test")));
    RowChanges ins = changes(Action.INSERT, Row.insert(4L, Text.of("test")));
    Transaction t = tx(1, upd, del, ins);
    FilterSettings s = base().with(DropRowsFilterFactory.EQUALS, "test");

    // after-else-before: after images of inserts and updates, before images of deletes
    assertThat(filter(s).filter(t).changes())
        .containsExactly(upd.withRows(List.of(update(1, "test", "real"))));
    assertThat(filter(s.with(DropRowsFilterFactory.IMAGE, "after")).filter(t).changes())
        .containsExactly(upd.withRows(List.of(update(1, "test", "real"))), del);
    assertThat(filter(s.with(DropRowsFilterFactory.IMAGE, "before")).filter(t).changes())
        .containsExactly(upd.withRows(List.of(update(2, "real", "test"))), ins);
    assertThat(filter(s.with(DropRowsFilterFactory.IMAGE, "either")).filter(t)).isNull();
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
  void aColumnTheImageDoesNotCarryNeverMatches() {
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
    Transaction t = tx(1, minimal);
    assertThat(filter(base().with(DropRowsFilterFactory.NOT_EQUALS, "x")).filter(t)).isSameAs(t);
    assertThat(filter(base().with(DropRowsFilterFactory.EQUALS, "NULL")).filter(t)).isSameAs(t);
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
