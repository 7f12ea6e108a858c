package io.ferry.filters;

import static io.ferry.filters.ColumnFilterFixtures.context;
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
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.SchemaView;
import io.ferry.core.value.SqlDateTime;
import io.ferry.core.value.Text;
import io.ferry.filters.ColumnFilterFixtures.FixedSchemaView;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class PkeyFilterTest {
  private static final ColumnSpec ID = ColumnSpec.of("id", SqlType.BIGINT).asKey();
  private static final ColumnSpec STATUS =
      ColumnSpec.of("status", SqlType.VARCHAR).withCharset("utf8mb4");
  private static final ColumnSpec TOTAL = ColumnSpec.of("total", SqlType.DECIMAL).withLength(10, 2);
  private static final ColumnSpec AT = ColumnSpec.of("at", SqlType.DATETIME);
  private static final SqlDateTime NOON = new SqlDateTime(2024, 5, 1, 12, 0, 0, 0);

  private static PkeyFilter filter(SchemaView view, String... settings) {
    PkeyFilter f =
        (PkeyFilter) new PkeyFactory().create(settings(new PkeyFactory(), "keys", settings));
    f.prepare(context(view));
    return f;
  }

  private static RowChanges orders(Action action, List<ColumnSpec> cols, Row... rows) {
    return RowChanges.full("shop", "orders", action, cols, List.of(rows));
  }

  @Test
  void updatesAndDeletesKeepOnlyFlaggedKeyColumnsInTheirBeforeImages() {
    List<ColumnSpec> cols = List.of(ID, STATUS, TOTAL, AT);
    RowChanges update =
        orders(
            Action.UPDATE,
            cols,
            Row.of(
                new Object[] {7L, Text.of("new"), new BigDecimal("9.90"), NOON},
                new Object[] {7L, Text.of("paid"), new BigDecimal("9.90"), NOON}));
    RowChanges delete = orders(Action.DELETE, cols, Row.delete(8L, Text.of("old"), null, NOON));
    RowChanges insert =
        orders(Action.INSERT, cols, Row.insert(9L, Text.of("new"), BigDecimal.ONE, NOON));
    Transaction out = filter(SchemaView.NONE).filter(tx("shop", update, delete, insert));

    ColumnMask key = ColumnMask.of(4, 0);
    RowChanges narrowedUpdate =
        new RowChanges(
            "shop",
            "orders",
            Action.UPDATE,
            cols,
            RowImage.MINIMAL,
            key,
            ColumnMask.all(4),
            List.of(
                Row.of(
                    new Object[] {7L, null, null, null},
                    new Object[] {7L, Text.of("paid"), new BigDecimal("9.90"), NOON})));
    RowChanges narrowedDelete =
        new RowChanges(
            "shop",
            "orders",
            Action.DELETE,
            cols,
            RowImage.MINIMAL,
            key,
            null,
            List.of(Row.delete(8L, null, null, null)));
    assertThat(out.changes()).containsExactly(narrowedUpdate, narrowedDelete, insert);
    assertThat(out.changes().get(2)).isSameAs(insert);
    assertThat(roundTrip(out)).isEqualTo(out);
  }

  @Test
  void withoutFlagsTheSchemaViewsKeyIsUsedAndFlagged() {
    ColumnSpec code = ColumnSpec.of("code", SqlType.CHAR).withCharset("ascii");
    ColumnSpec region = ColumnSpec.of("region", SqlType.INT);
    ColumnSpec name = ColumnSpec.of("name", SqlType.VARCHAR).withCharset("utf8mb4");
    FixedSchemaView view =
        new FixedSchemaView()
            .table("shop", "stores", List.of("region", "code", "name"), List.of("code", "region"));
    RowChanges delete =
        RowChanges.full(
            "shop",
            "stores",
            Action.DELETE,
            List.of(region, code, name),
            List.of(Row.delete(3L, Text.of("AB"), Text.of("Main St"))));
    Transaction out = filter(view).filter(tx("shop", delete));

    List<ColumnSpec> flagged =
        List.of(
            new ColumnSpec("region", SqlType.INT, null, false, true, null, true, 0, 0, List.of()),
            new ColumnSpec("code", SqlType.CHAR, null, false, true, "ascii", true, 0, 0, List.of()),
            name);
    assertThat(out.changes())
        .containsExactly(
            new RowChanges(
                "shop",
                "stores",
                Action.DELETE,
                flagged,
                RowImage.MINIMAL,
                ColumnMask.of(3, 0, 1),
                null,
                List.of(Row.delete(3L, Text.of("AB"), null))));
    assertThat(roundTrip(out)).isEqualTo(out);
  }

  @Test
  void unnamedColumnsTakeTheViewsKeyByPosition() {
    ColumnSpec a = ColumnSpec.of(null, SqlType.INT);
    ColumnSpec b = ColumnSpec.of(null, SqlType.INT);
    FixedSchemaView view =
        new FixedSchemaView().table("shop", "pairs", List.of("x", "y"), List.of("y"));
    RowChanges delete =
        RowChanges.full("shop", "pairs", Action.DELETE, List.of(a, b), List.of(Row.delete(1L, 2L)));
    RowChanges rc = (RowChanges) filter(view).filter(tx("shop", delete)).changes().get(0);
    assertThat(rc.beforeColumns()).isEqualTo(ColumnMask.of(2, 1));
    assertThat(rc.columns().get(1).key()).isTrue();
    assertThat(rc.columns().get(1).name()).isNull();
    assertThat(rc.rows()).containsExactly(Row.delete(null, 2L));
  }

  @Test
  void withoutAKeyTheChangePassesWithAWarningOnceOrFails() {
    ColumnSpec line = ColumnSpec.of("line", SqlType.TEXT).withCharset("utf8mb4");
    RowChanges delete =
        RowChanges.full(
            "shop", "log", Action.DELETE, List.of(line), List.of(Row.delete(Text.of("x"))));
    FixedSchemaView view = new FixedSchemaView().table("shop", "log", List.of("line"), List.of());
    PkeyFilter keep = filter(view);
    Transaction in = tx("shop", delete, delete);
    assertThat(keep.filter(in)).isSameAs(in);
    assertThat(keep.warnings().given()).containsExactly("shop.log/key");

    PkeyFilter fail = filter(view, "on-no-key", "fail");
    assertThatThrownBy(() -> fail.filter(in))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "filter keys: no key is known for shop.log (no column of the row change is flagged as"
                + " key and the schema view of service east gives none) at seqno 42: give the"
                + " table a primary key, or set filter.keys.on-no-key = keep to pass its changes"
                + " with whole before images");
  }

  @Test
  void imagesAlreadyKeyOnlyOrLackingTheKeyStayAsTheyAre() {
    List<ColumnSpec> cols = List.of(ID, STATUS);
    RowChanges minimal =
        new RowChanges(
            "shop",
            "orders",
            Action.DELETE,
            cols,
            RowImage.MINIMAL,
            ColumnMask.of(2, 0),
            null,
            List.of(Row.delete(7L, null)));
    RowChanges lacking =
        new RowChanges(
            "shop",
            "other",
            Action.DELETE,
            cols,
            RowImage.MINIMAL,
            ColumnMask.of(2, 1),
            null,
            List.of(Row.delete(null, Text.of("x"))));
    PkeyFilter f = filter(SchemaView.NONE);
    Transaction in = tx("shop", minimal, lacking);
    assertThat(f.filter(in)).isSameAs(in);
    assertThat(f.warnings().given()).containsExactly("shop.other/image");
  }

  @Test
  void ddlMakesTheViewForgetItsSchema() {
    FixedSchemaView view = new FixedSchemaView();
    Transaction ddl =
        tx("shop", SqlStatement.of("ALTER TABLE orders ADD PRIMARY KEY (id)", "shop", List.of()));
    assertThat(filter(view).filter(ddl)).isSameAs(ddl);
    assertThat(view.forgotten).containsExactly("shop.*");
  }

  @Test
  void onNoKeyTakesKeepOrFail() {
    assertThatThrownBy(() -> PkeyFactory.ON_NO_KEY.type().parse("skip"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'skip' is not one of keep, fail");
  }
}
