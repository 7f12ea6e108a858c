package io.ferry.mysql.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import io.ferry.filters.DropColumnsFactory;
import io.ferry.filters.OptimizeUpdatesFilter;
import io.ferry.filters.PkeyFilter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the MariaDB/MySQL applier would run for the output of the column filters: the statements
 * {@link RowStatements} renders (the applier's own code), for target tables described as the
 * applier reads them from information_schema. No server: the text is the contract.
 */
class FilteredRowsStatementsTest {
  private static final List<ColumnSpec> COLS =
      List.of(
          ColumnSpec.of("id", SqlType.BIGINT).asKey(),
          ColumnSpec.of("status", SqlType.VARCHAR),
          ColumnSpec.of("qty", SqlType.INT));

  /** How the applier writes the strings 'paid' and 'new': exact bytes with their charset. */
  private static final String PAID = "_utf8mb4 X'70616964'";

  private static final String NEW = "_utf8mb4 X'6E6577'";

  private static TargetTable target(List<String> primaryKey, List<String> uniqueKey) {
    return new TargetTable(
        "shop",
        "orders",
        Set.of("id", "status", "qty"),
        Set.of(),
        primaryKey,
        uniqueKey,
        true,
        List.of());
  }

  private static RowChanges only(Filter f, RowChanges rc) {
    Transaction tx =
        new Transaction(
            new TransactionHeader(1, 1, 0, true, null, "1", "svc", "shop", 0, 0, null),
            List.of(rc));
    Transaction out = f.filter(tx);
    assertThat(out.changes()).hasSize(1);
    return (RowChanges) out.changes().get(0);
  }

  private static String sql(RowChanges rc, TargetTable t) {
    RowStatements.Shape s = RowStatements.forTarget(rc, t, RowStatements.names(rc), false);
    return RowStatements.render(s, rc.rows().get(0));
  }

  private static PkeyFilter pkey() {
    PkeyFilter f = new PkeyFilter("keys", false);
    f.prepare(FilterContext.offline("svc", FilterContext.Side.APPLY));
    return f;
  }

  private final RowChanges update =
      RowChanges.full(
          "shop",
          "orders",
          Action.UPDATE,
          COLS,
          List.of(Row.of(new Object[] {7L, "new", 2L}, new Object[] {7L, "paid", 2L})));

  @Test
  void keyOnlyBeforeImagesLocateByTheTargetsKeyOrTheCarriedColumns() {
    RowChanges narrowed = only(pkey(), update);
    assertThat(sql(narrowed, target(List.of("id"), List.of())))
        .isEqualTo(
            "UPDATE `shop`.`orders` SET `id` = 7, `status` = "
                + PAID
                + ", `qty` = 2 WHERE `id` = 7");
    assertThat(sql(narrowed, target(List.of(), List.of())))
        .isEqualTo(
            "UPDATE `shop`.`orders` SET `id` = 7, `status` = "
                + PAID
                + ", `qty` = 2"
                + " WHERE `id` <=> 7 LIMIT 1");
    assertThatThrownBy(() -> sql(narrowed, target(List.of(), List.of("status"))))
        .hasMessageContaining("the before image (MINIMAL) lacks the target's key columns [status]");
  }

  @Test
  void optimizedUpdatesSetOnlyWhatChanged() {
    RowChanges slim = only(new OptimizeUpdatesFilter("slim", true), update);
    assertThat(sql(slim, target(List.of("id"), List.of())))
        .isEqualTo("UPDATE `shop`.`orders` SET `id` = 7, `status` = " + PAID + " WHERE `id` = 7");
  }

  @Test
  void aDroppedKeyLeavesTheRemainingImageToLocateRows() {
    Filter drop =
        new DropColumnsFactory()
            .create(
                FilterSettings.defaults("pii", "drop-columns")
                    .with(
                        declaredColumns(),
                        io.ferry.filters.NamePattern.parseList("shop.orders.id")));
    RowChanges rc = only(drop, update);
    RowStatements.Shape s = RowStatements.forSource(rc, RowStatements.names(rc));
    assertThat(RowStatements.render(s, rc.rows().get(0)))
        .isEqualTo(
            "UPDATE `shop`.`orders` SET `status` = "
                + PAID
                + ", `qty` = 2"
                + " WHERE `status` <=> "
                + NEW
                + " AND `qty` <=> 2 LIMIT 1");
  }

  @SuppressWarnings("unchecked")
  private static io.ferry.core.config.Setting<List<io.ferry.filters.NamePattern>>
      declaredColumns() {
    return (io.ferry.core.config.Setting<List<io.ferry.filters.NamePattern>>)
        new DropColumnsFactory().settings().get(0);
  }
}
