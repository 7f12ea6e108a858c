package io.ferry.filters;

import static io.ferry.filters.ColumnFilterFixtures.context;
import static io.ferry.filters.ColumnFilterFixtures.roundTrip;
import static io.ferry.filters.ColumnFilterFixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowImage;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.value.EnumValue;
import io.ferry.core.value.Text;
import io.ferry.filters.ColumnFilterFixtures.FixedSchemaView;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColnamesFilterTest {
  // binlog_row_metadata=MINIMAL: types, no names, no key flags
  private static final List<ColumnSpec> UNNAMED =
      List.of(
          ColumnSpec.of(null, SqlType.INT),
          ColumnSpec.of(null, SqlType.VARCHAR).withCharset("utf8mb4"),
          ColumnSpec.of(null, SqlType.ENUM));

  private final FixedSchemaView view =
      new FixedSchemaView().table("shop", "items", List.of("id", "title", "kind"), List.of("id"));
  private final ColnamesFilter filter = filter(view);

  private static ColnamesFilter filter(FixedSchemaView view) {
    ColnamesFilter f =
        (ColnamesFilter) new ColnamesFactory().create(FilterSettings.defaults("names", "colnames"));
    f.prepare(context(view));
    return f;
  }

  private static RowChanges items(List<ColumnSpec> cols) {
    return new RowChanges(
        "shop",
        "items",
        Action.UPDATE,
        cols,
        RowImage.MINIMAL,
        ColumnMask.of(cols.size(), 0),
        ColumnMask.of(cols.size(), 1, 2),
        List.of(
            Row.of(
                new Object[] {5L, null, null},
                new Object[] {null, Text.of("pen"), new EnumValue(2, null)})));
  }

  @Test
  void namesAndKeyFlagsComeFromTheView() {
    Transaction out = filter.filter(tx("shop", items(UNNAMED)));
    List<ColumnSpec> named =
        List.of(
            new ColumnSpec("id", SqlType.INT, null, false, true, null, true, 0, 0, List.of()),
            ColumnSpec.of("title", SqlType.VARCHAR).withCharset("utf8mb4"),
            ColumnSpec.of("kind", SqlType.ENUM));
    assertThat(out.changes()).containsExactly(items(named));
    assertThat(roundTrip(out)).isEqualTo(out);
    // the same column list object for every change of the table (the THL encodes it once)
    RowChanges again = (RowChanges) filter.filter(tx("shop", items(UNNAMED))).changes().get(0);
    assertThat(again.columns()).isSameAs(((RowChanges) out.changes().get(0)).columns());
  }

  @Test
  void namedAndKeyedChangesPassWithoutAskingTheView() {
    List<ColumnSpec> cols =
        List.of(
            ColumnSpec.of("id", SqlType.INT).asKey(),
            ColumnSpec.of("title", SqlType.VARCHAR),
            ColumnSpec.of("kind", SqlType.ENUM));
    Transaction in = tx("shop", items(cols));
    assertThat(filter.filter(in)).isSameAs(in);
    assertThat(view.lookups).isZero();
  }

  @Test
  void aViewOfAnotherWidthOrNoTableLeavesTheChangeWarningOnce() {
    List<ColumnSpec> two = UNNAMED.subList(0, 2);
    RowChanges narrow =
        RowChanges.full("shop", "items", Action.INSERT, two, List.of(Row.insert(1L, Text.of("a"))));
    RowChanges missing =
        RowChanges.full("shop", "gone", Action.INSERT, two, List.of(Row.insert(1L, Text.of("a"))));
    Transaction in = tx("shop", narrow, missing, narrow);
    assertThat(filter.filter(in)).isSameAs(in);
    assertThat(filter.warnings().given()).containsExactly("shop.items/width", "shop.gone/table");
  }

  @Test
  void aNameThatDisagreesWithTheViewLeavesTheChange() {
    List<ColumnSpec> cols =
        List.of(
            ColumnSpec.of("id", SqlType.INT),
            ColumnSpec.of("name", SqlType.VARCHAR),
            ColumnSpec.of("kind", SqlType.ENUM));
    Transaction in = tx("shop", items(cols));
    assertThat(filter.filter(in)).isSameAs(in);
    assertThat(filter.warnings().given()).containsExactly("shop.items/names");
  }

  @Test
  void ddlMakesTheViewForgetTheSchemaAndWarnAgain() {
    RowChanges narrow =
        RowChanges.full(
            "shop", "items", Action.INSERT, UNNAMED.subList(0, 1), List.of(Row.insert(1L)));
    filter.filter(tx("shop", narrow));
    assertThat(filter.warnings().given()).containsExactly("shop.items/width");

    Transaction dml = tx("shop", SqlStatement.of("UPDATE items SET id = 2", "shop", List.of()));
    assertThat(filter.filter(dml)).isSameAs(dml);
    assertThat(view.forgotten).isEmpty();

    Transaction ddl =
        tx("shop", SqlStatement.of("ALTER TABLE shop.items DROP COLUMN kind", "other", List.of()));
    assertThat(filter.filter(ddl)).isSameAs(ddl);
    assertThat(view.forgotten).containsExactly("shop.*");
    assertThat(filter.warnings().given()).isEmpty();
  }

  @Test
  void aStatementOfUnknownScopeForgetsEverySchemaAsked() {
    filter.filter(tx("shop", items(UNNAMED)));
    Transaction unknown =
        tx("#global", SqlStatement.of("BEGIN NOT ATOMIC SELECT 1; END", "crm", List.of()));
    filter.filter(unknown);
    assertThat(view.forgotten).containsExactly("shop.*", "crm.*");
  }
}
