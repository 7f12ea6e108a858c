package io.ferry.filters;

import static io.ferry.filters.ColumnFilterFixtures.roundTrip;
import static io.ferry.filters.ColumnFilterFixtures.settings;
import static io.ferry.filters.ColumnFilterFixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowImage;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.value.Text;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizeUpdatesFilterTest {
  private static final List<ColumnSpec> COLS =
      List.of(
          ColumnSpec.of("id", SqlType.INT).asKey(),
          ColumnSpec.of("name", SqlType.VARCHAR).withCharset("utf8mb4"),
          ColumnSpec.of("price", SqlType.DECIMAL).withLength(8, 2),
          ColumnSpec.of("photo", SqlType.BLOB));

  private static OptimizeUpdatesFilter filter(String... settings) {
    return (OptimizeUpdatesFilter)
        new OptimizeUpdatesFactory()
            .create(settings(new OptimizeUpdatesFactory(), "slim", settings));
  }

  private static Row update(long id, String n0, String p0, String n1, String p1) {
    byte[] photo = {1, 2, 3};
    return Row.of(
        new Object[] {id, Text.of(n0), new BigDecimal(p0), photo},
        new Object[] {id, Text.of(n1), new BigDecimal(p1), photo.clone()});
  }

  private static RowChanges run(ColumnMask after, Row... rows) {
    return new RowChanges(
        "shop",
        "goods",
        Action.UPDATE,
        COLS,
        RowImage.FULL,
        ColumnMask.all(4),
        after,
        List.of(rows));
  }

  private static Row masked(Row row, int... after) {
    Object[] a = new Object[4];
    for (int i : after) {
      a[i] = row.after(i);
    }
    return Row.of(row.beforeImage().toArray(), a);
  }

  @Test
  void rowsAreSplitIntoRunsThatShareTheirChangedColumnsInOrder() {
    Row r1 = update(1, "a", "1.00", "b", "1.00"); // name changed
    Row r2 = update(2, "c", "2.00", "d", "2.00"); // name changed
    Row r3 = update(3, "e", "3.00", "e", "3.50"); // price changed
    Row r4 = update(4, "f", "4.00", "g", "4.00"); // name changed
    RowChanges in = RowChanges.full("shop", "goods", Action.UPDATE, COLS, List.of(r1, r2, r3, r4));
    Transaction out = filter().filter(tx("shop", in));

    ColumnMask name = ColumnMask.of(4, 0, 1);
    ColumnMask price = ColumnMask.of(4, 0, 2);
    assertThat(out.changes())
        .containsExactly(
            run(name, masked(r1, 0, 1), masked(r2, 0, 1)),
            run(price, masked(r3, 0, 2)),
            run(name, masked(r4, 0, 1)));
    assertThat(roundTrip(out)).isEqualTo(out);
  }

  @Test
  void keysGoTooWhenNotKeptAndAnUnchangedRowCarriesNothing() {
    Row same = update(1, "a", "1.00", "a", "1.00");
    Row priced = update(2, "a", "1.00", "a", "2.00");
    RowChanges in = RowChanges.full("shop", "goods", Action.UPDATE, COLS, List.of(same, priced));
    Transaction out = filter("keep-keys", "false").filter(tx("shop", in));
    assertThat(out.changes())
        .containsExactly(
            run(ColumnMask.of(4), masked(same)), run(ColumnMask.of(4, 2), masked(priced, 2)));
    assertThat(roundTrip(out)).isEqualTo(out);
  }

  @Test
  void minimalImagesInsertsAndFullyChangedRowsStayTheSameObject() {
    Row all = update(1, "a", "1.00", "b", "2.00");
    Row changedPhoto =
        Row.of(
            new Object[] {1L, Text.of("a"), BigDecimal.ONE, new byte[] {1}},
            new Object[] {1L, Text.of("b"), BigDecimal.TEN, new byte[] {2}});
    RowChanges full = RowChanges.full("shop", "goods", Action.UPDATE, COLS, List.of(changedPhoto));
    RowChanges minimal =
        new RowChanges(
            "shop",
            "goods",
            Action.UPDATE,
            COLS,
            RowImage.MINIMAL,
            ColumnMask.of(4, 0),
            ColumnMask.of(4, 1),
            List.of(
                Row.of(
                    new Object[] {1L, null, null, null},
                    new Object[] {null, Text.of("a"), null, null})));
    RowChanges insert =
        RowChanges.full(
            "shop", "goods", Action.INSERT, COLS, List.of(Row.insert(all.afterImage().toArray())));
    Transaction in = tx("shop", full, minimal, insert);
    assertThat(filter().filter(in)).isSameAs(in);
  }

  @Test
  void noblobImagesCompareOnlyWhatTheBeforeImageCarries() {
    // NOBLOB: the unchanged blob is in neither image; the after image carries it when it changed
    RowChanges noblob =
        new RowChanges(
            "shop",
            "goods",
            Action.UPDATE,
            COLS,
            RowImage.NOBLOB,
            ColumnMask.of(4, 0, 1, 2),
            ColumnMask.of(4, 0, 1, 2, 3),
            List.of(
                Row.of(
                    new Object[] {1L, Text.of("a"), BigDecimal.ONE, null},
                    new Object[] {1L, Text.of("a"), BigDecimal.ONE, new byte[] {9}})));
    Transaction out = filter().filter(tx("shop", noblob));
    RowChanges rc = (RowChanges) out.changes().get(0);
    assertThat(rc.afterColumns()).isEqualTo(ColumnMask.of(4, 0, 3));
    assertThat(rc.image()).isEqualTo(RowImage.NOBLOB);
    assertThat(rc.rows().get(0).afterImage().get(1)).isNull();
    assertThat((byte[]) rc.rows().get(0).after(3)).containsExactly(9);
    assertThat(roundTrip(out)).isEqualTo(out);
  }
}
