package io.ferry.filters;

import static io.ferry.filters.ColumnFilterFixtures.fragment;
import static io.ferry.filters.ColumnFilterFixtures.roundTrip;
import static io.ferry.filters.ColumnFilterFixtures.settings;
import static io.ferry.filters.ColumnFilterFixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowImage;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.value.Text;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardFilterTest {
  private static final List<ColumnSpec> COLS =
      List.of(
          ColumnSpec.of("id", SqlType.INT).asKey(),
          ColumnSpec.of("tenant", SqlType.VARCHAR).withCharset("utf8mb4"));

  private static ShardFilter shard(String... settings) {
    return (ShardFilter) new ShardFactory().create(settings(new ShardFactory(), "fine", settings));
  }

  private static RowChanges insert(String schema, String table, String... tenants) {
    List<Row> rows = new java.util.ArrayList<>();
    for (String t : tenants) {
      rows.add(Row.insert(1L, Text.of(t)));
    }
    return RowChanges.full(schema, table, Action.INSERT, COLS, rows);
  }

  private static String shardOf(ShardFilter f, String extractorShard, Change... changes) {
    Transaction out = f.filter(tx(extractorShard, changes));
    assertThat(roundTrip(out)).isEqualTo(out);
    return out.header().shard();
  }

  private static SqlStatement sql(String text, String schema) {
    return SqlStatement.of(text, schema, List.of());
  }

  @Test
  void byTableIsTheDefault() {
    ShardFilter f = shard();
    assertThat(shardOf(f, "shop", insert("shop", "orders", "a"))).isEqualTo("shop.orders");
    assertThat(shardOf(f, "shop", insert("shop", "orders", "a"), insert("shop", "orders", "b")))
        .isEqualTo("shop.orders");
    assertThat(shardOf(f, "shop", insert("shop", "orders", "a"), insert("shop", "items", "a")))
        .isEqualTo("#global");
    assertThat(shardOf(f, "shop", sql("INSERT INTO orders VALUES (1)", "shop")))
        .isEqualTo("shop.orders");
    assertThat(shardOf(f, "my.db", sql("INSERT INTO `my.db`.`a.b` VALUES (1)", "shop")))
        .isEqualTo("my.db.a.b");
    assertThat(shardOf(f, "shop", sql("ALTER TABLE orders ADD x INT", "shop")))
        .isEqualTo("#global");
    assertThat(shardOf(f, "#global", sql("INSERT INTO orders VALUES (1)", null)))
        .isEqualTo("#global");
  }

  @Test
  void bySchemaUsesTheDefaultSchemaOfStatements() {
    ShardFilter f = shard("by", "schema");
    assertThat(shardOf(f, "x", insert("shop", "orders", "a"), sql("UPDATE t SET a = 1", "shop")))
        .isEqualTo("shop");
    assertThat(shardOf(f, "x", sql("CREATE TABLE crm.people (id INT)", "shop"))).isEqualTo("crm");
    assertThat(shardOf(f, "x", sql("INSERT INTO crm.people VALUES (1)", "shop"))).isEqualTo("crm");
    assertThat(shardOf(f, "x", sql("INSERT INTO `my.db`.t VALUES (1)", "shop"))).isEqualTo("my.db");
    assertThat(shardOf(f, "x", sql("CALL shop.tidy()", "shop"))).isEqualTo("shop");
    assertThat(shardOf(f, "shop", sql("UPDATE t SET a = 1", null))).isEqualTo("#global");
    assertThat(shardOf(f, "shop", sql("BEGIN NOT ATOMIC SELECT 1; END", "shop")))
        .isEqualTo("#global");
  }

  @Test
  void byColumnUsesTheValueOfEveryImageThatCarriesIt() {
    ShardFilter f = shard("by", "column", "column", "TENANT");
    assertThat(shardOf(f, "shop", insert("shop", "orders", "acme", "acme")))
        .isEqualTo("shop.orders:acme");
    assertThat(shardOf(f, "shop", insert("shop", "orders", "acme", "bolt"))).isEqualTo("#global");
    // a long value (a TEXT key) is named by its hash, so shard ids stay short in the log
    String longValue = "x".repeat(ShardFilter.MAX_VALUE_TEXT + 1);
    assertThat(shardOf(f, "shop", insert("shop", "orders", longValue, longValue)))
        .matches("shop\\.orders:sha256:[0-9a-f]{64}");
    RowChanges delete =
        RowChanges.full(
            "shop", "orders", Action.DELETE, COLS, List.of(Row.delete(1L, Text.of("acme"))));
    assertThat(shardOf(f, "shop", delete)).isEqualTo("shop.orders:acme");
    RowChanges moved =
        RowChanges.full(
            "shop",
            "orders",
            Action.UPDATE,
            COLS,
            List.of(
                Row.of(new Object[] {1L, Text.of("acme")}, new Object[] {1L, Text.of("bolt")})));
    assertThat(shardOf(f, "shop", moved)).isEqualTo("#global");
    RowChanges minimalDelete =
        new RowChanges(
            "shop",
            "orders",
            Action.DELETE,
            COLS,
            RowImage.MINIMAL,
            ColumnMask.of(2, 0),
            null,
            List.of(Row.delete(1L, null)));
    assertThat(shardOf(f, "shop", minimalDelete)).isEqualTo("#global");
    List<ColumnSpec> noTenant = List.of(ColumnSpec.of("id", SqlType.INT));
    assertThat(
            shardOf(
                f,
                "shop",
                RowChanges.full("shop", "log", Action.INSERT, noTenant, List.of(Row.insert(1L)))))
        .isEqualTo("shop.log");
    List<ColumnSpec> unnamed = List.of(ColumnSpec.of(null, SqlType.INT));
    assertThat(
            shardOf(
                f,
                "shop",
                RowChanges.full("shop", "log", Action.INSERT, unnamed, List.of(Row.insert(1L)))))
        .isEqualTo("#global");
    assertThat(shardOf(f, "shop", sql("DELETE FROM orders", "shop"))).isEqualTo("#global");
  }

  @Test
  void byRuleFirstMatchWinsAndUnmatchedTablesKeepTheirSchema() {
    ShardFilter f = shard("by", "rule", "rules", "shop.orders=orders, shop.*=shop-rest, crm=crm");
    assertThat(shardOf(f, "shop", insert("shop", "orders", "a"))).isEqualTo("orders");
    assertThat(shardOf(f, "shop", insert("shop", "items", "a"), insert("shop", "lines", "a")))
        .isEqualTo("shop-rest");
    assertThat(shardOf(f, "#global", insert("crm", "people", "a"), insert("crm", "notes", "a")))
        .isEqualTo("crm");
    assertThat(shardOf(f, "hr", insert("hr", "staff", "a"))).isEqualTo("hr");
    assertThat(shardOf(f, "shop", sql("UPDATE orders SET x = 1", "shop"))).isEqualTo("orders");
  }

  @Test
  void fragmentsHeartbeatsAndGlobalStatementsKeepTheirShard() {
    ShardFilter f = shard();
    Transaction first = fragment(0, false, "#global", insert("shop", "orders", "a"));
    Transaction last = fragment(1, true, "shop", insert("shop", "orders", "a"));
    assertThat(f.filter(first)).isSameAs(first);
    assertThat(f.filter(last)).isSameAs(last);

    Transaction beat =
        new Transaction(
            ColumnFilterFixtures.header(50, 0, true, "#global")
                .withOption(TransactionOptions.HEARTBEAT, "nightly"),
            List.of(insert("ferry_east", "heartbeat", "x")));
    assertThat(f.filter(beat)).isSameAs(beat);

    Transaction global = tx("#global", sql("INSERT INTO orders VALUES (1)", "shop"));
    assertThat(f.filter(global)).isSameAs(global);

    Transaction same = tx("shop.orders", insert("shop", "orders", "a"));
    assertThat(f.filter(same)).isSameAs(same);
    Transaction savepointOnly = tx("shop", sql("SAVEPOINT a", "shop"));
    assertThat(f.filter(savepointOnly)).isSameAs(savepointOnly);
  }

  @Test
  void reShardingChangesOnlyTheShard() {
    Transaction in = tx("shop", insert("shop", "orders", "a"));
    Transaction out = shard().filter(in);
    assertThat(out.header()).isEqualTo(in.header().withShard("shop.orders"));
    assertThat(out.changes()).isEqualTo(in.changes());
  }

  @Test
  void configurationErrorsSayWhatToWrite() {
    ShardFactory factory = new ShardFactory();
    assertThatThrownBy(() -> factory.create(settings(factory, "fine", "by", "column")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter.fine.column is required with filter.fine.by = column: name the column whose"
                + " value picks the shard, like filter.fine.column = tenant_id");
    assertThatThrownBy(() -> factory.create(settings(factory, "fine", "by", "rule")))
        .hasMessage(
            "filter.fine.rules is required with filter.fine.by = rule: list pattern=shard pairs,"
                + " like filter.fine.rules = shop.orders=orders, crm=crm");
    assertThatThrownBy(() -> factory.create(settings(factory, "fine", "rules", "shop=s")))
        .hasMessage(
            "filter.fine.rules is only read with filter.fine.by = rule, and by is table: remove"
                + " it, or set filter.fine.by = rule");
    assertThatThrownBy(() -> ShardFactory.RULES.type().parse("shop.orders"))
        .hasMessage(
            "'shop.orders' is not a rule: write pattern=shard, like shop.orders=orders,"
                + " shop.*=shop, crm=crm");
    assertThatThrownBy(() -> ShardFactory.RULES.type().parse("shop.orders.id=x"))
        .hasMessage(
            "'shop.orders.id=x': a rule's pattern is a schema or schema.table, not a column;"
                + " write it like shop.orders=orders, shop.*=shop, crm=crm");
    assertThatThrownBy(() -> ShardFactory.BY.type().parse("key"))
        .hasMessage("'key' is not one of schema, table, column, rule");
    assertThat(factory.create(FilterSettings.defaults("fine", "shard")).name()).isEqualTo("fine");
  }
}
