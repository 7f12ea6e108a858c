package io.ferry.filters;

import static io.ferry.filters.ColumnFilterFixtures.fragment;
import static io.ferry.filters.ColumnFilterFixtures.roundTrip;
import static io.ferry.filters.ColumnFilterFixtures.settings;
import static io.ferry.filters.ColumnFilterFixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowImage;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.value.Text;
import java.util.List;
import org.junit.jupiter.api.Test;

class DropColumnsFilterTest {
  private static final ColumnSpec ID = ColumnSpec.of("id", SqlType.BIGINT).asKey();
  private static final ColumnSpec NAME =
      ColumnSpec.of("name", SqlType.VARCHAR).withCharset("utf8mb4");
  private static final ColumnSpec SSN = ColumnSpec.of("ssn", SqlType.CHAR).withCharset("latin1");
  private static final ColumnSpec NOTE = ColumnSpec.of("note", SqlType.TEXT).withCharset("utf8mb4");
  private static final List<ColumnSpec> CUSTOMERS = List.of(ID, NAME, SSN, NOTE);

  private static Text latin1(String s) {
    return new Text(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), "latin1");
  }

  private final DropColumnsFilter filter = filter("shop.customers.ssn, shop.*.secret");

  private static DropColumnsFilter filter(String columns) {
    return (DropColumnsFilter)
        new DropColumnsFactory()
            .create(settings(new DropColumnsFactory(), "pii", "columns", columns));
  }

  @Test
  void removesTheColumnFromColumnsImagesAndMasksOfFullImages() {
    RowChanges update =
        RowChanges.full(
            "shop",
            "customers",
            Action.UPDATE,
            CUSTOMERS,
            List.of(
                Row.of(
                    new Object[] {7L, Text.of("Ann"), latin1("123-45"), null},
                    new Object[] {7L, Text.of("Anne"), latin1("123-45"), Text.of("vip")})));
    Transaction out = filter.filter(tx("shop", update));

    RowChanges expected =
        RowChanges.full(
            "shop",
            "customers",
            Action.UPDATE,
            List.of(ID, NAME, NOTE),
            List.of(
                Row.of(
                    new Object[] {7L, Text.of("Ann"), null},
                    new Object[] {7L, Text.of("Anne"), Text.of("vip")})));
    assertThat(out.changes()).containsExactly(expected);
    assertThat(out.header()).isEqualTo(tx("shop", update).header());
    assertThat(roundTrip(out)).isEqualTo(out);
  }

  @Test
  void minimalImagesKeepTheirMasksAtTheNewWidth() {
    // binlog_row_image=MINIMAL: before = key, after = the columns the statement set
    RowChanges update =
        new RowChanges(
            "shop",
            "customers",
            Action.UPDATE,
            CUSTOMERS,
            RowImage.MINIMAL,
            ColumnMask.of(4, 0),
            ColumnMask.of(4, 1, 2),
            List.of(
                Row.of(
                    new Object[] {7L, null, null, null},
                    new Object[] {null, Text.of("Anne"), latin1("999"), null})));
    Transaction out = filter.filter(tx("shop", update));

    RowChanges expected =
        new RowChanges(
            "shop",
            "customers",
            Action.UPDATE,
            List.of(ID, NAME, NOTE),
            RowImage.MINIMAL,
            ColumnMask.of(3, 0),
            ColumnMask.of(3, 1),
            List.of(
                Row.of(new Object[] {7L, null, null}, new Object[] {null, Text.of("Anne"), null})));
    assertThat(out.changes()).containsExactly(expected);
    assertThat(roundTrip(out)).isEqualTo(out);
  }

  @Test
  void anUpdateOfOnlyDroppedColumnsIsRemovedOtherChangesStay() {
    RowChanges ssnOnly =
        new RowChanges(
            "shop",
            "customers",
            Action.UPDATE,
            CUSTOMERS,
            RowImage.MINIMAL,
            ColumnMask.of(4, 0),
            ColumnMask.of(4, 2),
            List.of(
                Row.of(
                    new Object[] {7L, null, null, null},
                    new Object[] {null, null, latin1("1"), null})));
    RowsQuery query = new RowsQuery("UPDATE customers SET ssn = '1' WHERE id = 7");
    Transaction out = filter.filter(tx("shop", query, ssnOnly));
    assertThat(out.changes()).containsExactly(query);
    assertThat(roundTrip(out)).isEqualTo(out);
  }

  @Test
  void droppingAKeyColumnClearsTheOtherKeyFlagsAndWarnsOnce() {
    ColumnSpec region = ColumnSpec.of("region", SqlType.INT).asKey();
    List<ColumnSpec> cols = List.of(ColumnSpec.of("secret", SqlType.INT).asKey(), region, NAME);
    RowChanges delete =
        RowChanges.full(
            "shop", "vault", Action.DELETE, cols, List.of(Row.delete(1L, 2L, Text.of("x"))));
    Transaction out = filter.filter(tx("shop", delete, delete));

    // region stays NOT NULL (asKey made it so) but is no longer flagged: half a key locates nothing
    ColumnSpec regionNoKey =
        new ColumnSpec("region", SqlType.INT, null, false, false, null, false, 0, 0, List.of());
    RowChanges expected =
        RowChanges.full(
            "shop",
            "vault",
            Action.DELETE,
            List.of(regionNoKey, NAME),
            List.of(Row.delete(2L, Text.of("x"))));
    assertThat(out.changes()).containsExactly(expected, expected);
    assertThat(filter.warnings().given()).containsExactly("shop.vault/key");
    assertThat(roundTrip(out)).isEqualTo(out);
  }

  @Test
  void aBeforeImageLeftEmptyPassesWithAWarning() {
    List<ColumnSpec> cols = List.of(ColumnSpec.of("secret", SqlType.INT).asKey(), NAME);
    RowChanges delete =
        new RowChanges(
            "shop",
            "keys",
            Action.DELETE,
            cols,
            RowImage.MINIMAL,
            ColumnMask.of(2, 0),
            null,
            List.of(Row.delete(5L, null)));
    Transaction out = filter.filter(tx("shop", delete));
    RowChanges rc = (RowChanges) out.changes().get(0);
    assertThat(rc.beforeColumns()).isEqualTo(ColumnMask.of(1));
    assertThat(rc.rows()).containsExactly(Row.delete(new Object[] {null}));
    assertThat(filter.warnings().given()).containsExactly("shop.keys/key", "shop.keys/before");
  }

  @Test
  void aChangeLeftWithoutColumnsIsRemoved() {
    DropColumnsFilter all = filter("shop.customers.*");
    RowChanges insert =
        RowChanges.full(
            "shop",
            "customers",
            Action.INSERT,
            CUSTOMERS,
            List.of(Row.insert(1L, Text.of("a"), latin1("b"), null)));
    Transaction out = all.filter(tx("shop", insert));
    assertThat(out.changes()).isEmpty();
    assertThat(out.seqno()).isEqualTo(42);
    assertThat(roundTrip(out)).isEqualTo(out);
  }

  @Test
  void nothingToDropReturnsTheSameTransaction() {
    RowChanges insert =
        RowChanges.full(
            "shop",
            "orders",
            Action.INSERT,
            List.of(ID, NAME),
            List.of(Row.insert(1L, Text.of("a"))));
    Transaction in = tx("shop", new RowsQuery("INSERT ..."), insert);
    assertThat(filter.filter(in)).isSameAs(in);
  }

  @Test
  void everyFragmentIsFilteredAndKeepsItsHeader() {
    RowChanges insert =
        RowChanges.full(
            "shop",
            "customers",
            Action.INSERT,
            CUSTOMERS,
            List.of(Row.insert(1L, Text.of("a"), latin1("b"), null)));
    Transaction first = fragment(0, false, "#global", insert);
    Transaction out = filter.filter(first);
    assertThat(out.header()).isEqualTo(first.header());
    assertThat(((RowChanges) out.changes().get(0)).columns()).containsExactly(ID, NAME, NOTE);
  }

  @Test
  void columnsMustBeThreePartPatterns() {
    assertThatThrownBy(() -> DropColumnsFactory.COLUMNS.type().parse("shop.customers"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'shop.customers' is not a schema.table.column pattern: write it like"
                + " shop.customers.ssn, *.*.password");
    assertThatThrownBy(() -> DropColumnsFactory.COLUMNS.type().parse(" , "))
        .hasMessage(
            "no pattern given: list one or more schema.table.column patterns, like"
                + " shop.customers.ssn, *.*.password");
    assertThatThrownBy(
            () -> new DropColumnsFactory().create(FilterSettings.defaults("pii", "drop-columns")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter.pii.columns is required: list the columns to drop, like filter.pii.columns"
                + " = shop.customers.ssn, *.*.password");
  }
}
