package io.ferry.scripting;

import static io.ferry.scripting.Fixtures.col;
import static io.ferry.scripting.Fixtures.customer;
import static io.ferry.scripting.Fixtures.customers;
import static io.ferry.scripting.Fixtures.key;
import static io.ferry.scripting.Fixtures.stmt;
import static io.ferry.scripting.Fixtures.text;
import static io.ferry.scripting.Fixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.value.SqlDate;
import io.ferry.core.value.SqlDateTime;
import io.ferry.core.value.Text;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every sample, in both languages, on the same input, with the exact output. */
class SamplesTest {
  private static RowChanges rows(Transaction t, int i) {
    return (RowChanges) t.changes().get(i);
  }

  private static RowChanges orders(Action action, Row... rows) {
    return RowChanges.full(
        "shop",
        "orders",
        action,
        List.of(key("id"), col("cents", SqlType.INT), col("tenant", SqlType.INT)),
        List.of(rows));
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void renamePrefix(String type) {
    Transaction in =
        tx(
            1,
            RowChanges.full(
                "shop", "tmp_orders", Action.INSERT, List.of(key("id")), List.of(Row.insert(1L))),
            customers(customer(1, "a@b.c", "ok")));
    Transaction out =
        Fixtures.sample(type, "rename_prefix", "from", "tmp_", "to", "stage_").filter(in);
    assertThat(rows(out, 0).table()).isEqualTo("stage_orders");
    assertThat(rows(out, 0).schema()).isEqualTo("shop");
    assertThat(out.changes().get(1)).isSameAs(in.changes().get(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void dropColumn(String type) {
    Transaction out =
        Fixtures.sample(type, "drop_column", "column", "email", "table", "customers")
            .filter(tx(1, customers(customer(1, "a@b.c", "ok"))));
    assertThat(rows(out, 0).columns()).extracting(ColumnSpec::name).containsExactly("id", "status");
    assertThat(rows(out, 0).afterColumns()).isEqualTo(ColumnMask.all(2));
    assertThat(rows(out, 0).rows()).containsExactly(Row.insert(1L, Text.of("ok")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void maskEmail(String type) {
    RowChanges update =
        RowChanges.full(
            "shop",
            "customers",
            Action.UPDATE,
            List.of(key("id"), text("email")),
            List.of(
                Row.of(
                    new Object[] {1L, Text.of("alice@example.com")},
                    new Object[] {1L, Text.of("bob@example.com")}),
                Row.of(new Object[] {2L, null}, new Object[] {2L, Text.of("nomail")})));
    Transaction out = Fixtures.sample(type, "mask_email").filter(tx(1, update));
    assertThat(rows(out, 0).rows())
        .containsExactly(
            Row.of(
                new Object[] {1L, Text.of("a****@example.com")},
                new Object[] {1L, Text.of("b**@example.com")}),
            Row.of(new Object[] {2L, null}, new Object[] {2L, Text.of("nomail")}));
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void maskEmailCountsCharactersNotBytesOrUtf16Units(String type) {
    Transaction out =
        Fixtures.sample(type, "mask_email")
            .filter(
                tx(
                    1,
                    customers(
                        customer(1, "élise@exemple.fr", "ok"),
                        customer(2, "\uD83D\uDE00bob@x.org", "ok"),
                        customer(3, "añb\uD83D\uDE00c@x.org", "ok"))));
    assertThat(rows(out, 0).rows())
        .containsExactly(
            Row.insert(1L, Text.of("é****@exemple.fr"), Text.of("ok")),
            Row.insert(2L, Text.of("\uD83D\uDE00***@x.org"), Text.of("ok")),
            Row.insert(3L, Text.of("a****@x.org"), Text.of("ok")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void routeShardOfATableChangedOnlyInAnEarlierFragment(String type) {
    var f = Fixtures.sample(type, "route_shard", "table", "customers", "shard", "crm");
    Transaction first = tx(7, customers(customer(1, "a@b.c", "ok")));
    first = new Transaction(first.header().withFragment(0, false), first.changes());
    Transaction middle = tx(7, stmt("DELETE FROM t"));
    middle = new Transaction(middle.header().withFragment(1, false), middle.changes());
    Transaction last = tx(7, stmt("DELETE FROM u"));
    last = new Transaction(last.header().withFragment(2, true), last.changes());
    assertThat(f.filter(first).header().shard()).isEqualTo("shop");
    assertThat(f.filter(middle).header().shard()).isEqualTo("shop");
    assertThat(f.filter(last).header().shard()).isEqualTo("crm");
    // the next transaction starts afresh
    Transaction next = tx(8, stmt("DELETE FROM t"));
    assertThat(f.filter(next)).isSameAs(next);
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void routeShard(String type) {
    var f = Fixtures.sample(type, "route_shard", "table", "customers", "shard", "crm");
    Transaction hit = f.filter(tx(1, customers(customer(1, "a@b.c", "ok"))));
    assertThat(hit.header().shard()).isEqualTo("crm");
    assertThat(hit.changes()).isEqualTo(tx(1, customers(customer(1, "a@b.c", "ok"))).changes());
    Transaction miss = tx(2, stmt("DELETE FROM t"));
    assertThat(f.filter(miss)).isSameAs(miss);
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void zeroDates(String type) {
    RowChanges rc =
        RowChanges.full(
            "shop",
            "events",
            Action.INSERT,
            List.of(key("id"), col("d", SqlType.DATE), col("dt", SqlType.DATETIME)),
            List.of(
                Row.insert(1L, new SqlDate(0, 0, 0), new SqlDateTime(2024, 0, 1, 10, 0, 0, 0)),
                Row.insert(2L, new SqlDate(2024, 5, 1), new SqlDateTime(2024, 5, 1, 10, 0, 0, 0))));
    Transaction out = Fixtures.sample(type, "zero_dates").filter(tx(1, rc));
    assertThat(rows(out, 0).rows())
        .containsExactly(
            Row.insert(1L, null, null),
            Row.insert(2L, new SqlDate(2024, 5, 1), new SqlDateTime(2024, 5, 1, 10, 0, 0, 0)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void oddEven(String type) {
    Transaction in =
        tx(
            1,
            orders(
                Action.INSERT,
                Row.insert(1L, 100L, 7L),
                Row.insert(2L, 200L, 7L),
                Row.insert(3L, 300L, 8L)),
            orders(Action.DELETE, Row.delete(4L, 1L, 7L)),
            customers(customer(2, "a@b.c", "ok")),
            stmt("INSERT INTO orders VALUES (2)"));
    Transaction odd =
        Fixtures.sample(type, "odd_even", "parity", "odd", "table", "orders").filter(in);
    assertThat(odd.changes()).hasSize(3);
    assertThat(rows(odd, 0).rows())
        .containsExactly(Row.insert(1L, 100L, 7L), Row.insert(3L, 300L, 8L));
    assertThat(odd.changes().get(1)).isSameAs(in.changes().get(2));
    assertThat(odd.changes().get(2)).isSameAs(in.changes().get(3));
    Transaction even =
        Fixtures.sample(type, "odd_even", "parity", "even", "table", "orders").filter(in);
    assertThat(rows(even, 0).rows()).containsExactly(Row.insert(2L, 200L, 7L));
    assertThat(rows(even, 1).rows()).containsExactly(Row.delete(4L, 1L, 7L));
  }

  private static Row update(long id, long tenant, long newId, long newTenant) {
    return Row.of(new Object[] {id, 1L, tenant}, new Object[] {newId, 1L, newTenant});
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void oddEvenDecidesAnUpdateByBothImages(String type) {
    RowChanges same =
        orders(Action.UPDATE, update(1, 7, 3, 7), update(2, 7, 4, 7), update(5, 7, 5, 8));
    Transaction in = tx(1, same);
    var odd = Fixtures.sample(type, "odd_even", "parity", "odd", "table", "orders");
    assertThat(rows(odd.filter(in), 0).rows())
        .containsExactly(update(1, 7, 3, 7), update(5, 7, 5, 8));
    var even = Fixtures.sample(type, "odd_even", "parity", "even", "table", "orders");
    assertThat(rows(even.filter(in), 0).rows()).containsExactly(update(2, 7, 4, 7));

    // id 3 -> 4: the row leaves the odd partition and enters the even one
    Transaction moved = tx(9, orders(Action.UPDATE, update(1, 7, 1, 7), update(3, 7, 4, 7)));
    for (var f : List.of(odd, even)) {
      assertThatThrownBy(() -> f.filter(moved))
          .isInstanceOf(ScriptFilterException.class)
          .hasMessageContaining("seqno 9")
          .hasMessageContaining(
              "row id 3 of shop.orders moved from the odd to the even partition (id 3 -> 4) at"
                  + " seqno 9: the partition key changed; a script cannot turn an update into an"
                  + " insert or a delete. Use the drop-rows filter (column id, matches"
                  + " -?[0-9]*[13579]), or apply the change on the target by hand and skip this"
                  + " seqno");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void tenantDecidesAnUpdateByBothImages(String type) {
    var f = Fixtures.sample(type, "tenant", "tenant_column", "tenant", "tenant", "7");
    Transaction in = tx(1, orders(Action.UPDATE, update(1, 7, 1, 7), update(2, 8, 2, 8)));
    assertThat(rows(f.filter(in), 0).rows()).containsExactly(update(1, 7, 1, 7));

    Transaction out = tx(4, orders(Action.UPDATE, update(1, 7, 1, 8)));
    assertThatThrownBy(() -> f.filter(out))
        .isInstanceOf(ScriptFilterException.class)
        .hasMessageContaining(
            "a row of shop.orders moved out of tenant 7 (tenant 7 -> 8) at seqno 4: the tenant"
                + " column changed; a script cannot turn an update into an insert or a delete. Use"
                + " the drop-rows filter (column tenant, not-equals 7), or apply the change on the"
                + " target by hand and skip this seqno");
    Transaction into = tx(5, orders(Action.UPDATE, update(2, 8, 2, 7)));
    assertThatThrownBy(() -> f.filter(into))
        .isInstanceOf(ScriptFilterException.class)
        .hasMessageContaining(
            "a row of shop.orders moved into tenant 7 (tenant 8 -> 7) at seqno 5");
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void dropOrigin(String type) {
    var f = Fixtures.sample(type, "drop_origin", "origin", "east");
    assertThat(f.filter(tx(1, stmt("SELECT 1")))).isNull();
    Transaction west =
        new Transaction(Fixtures.header(2, "west", "shop"), List.of(stmt("SELECT 1")));
    assertThat(f.filter(west)).isSameAs(west);
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void auditColumn(String type) {
    Transaction in =
        tx(
            1,
            orders(Action.UPDATE, Row.of(new Object[] {1L, 5L, 7L}, new Object[] {1L, 6L, 7L})),
            orders(Action.DELETE, Row.delete(4L, 1L, 7L)));
    Transaction out = Fixtures.sample(type, "audit_column").filter(in);
    RowChanges upd = rows(out, 0);
    assertThat(upd.columns().get(3))
        .isEqualTo(
            new ColumnSpec(
                "replicated_by",
                SqlType.VARCHAR,
                null,
                false,
                true,
                "utf8mb4",
                false,
                0,
                0,
                List.of()));
    assertThat(upd.beforeColumns()).isEqualTo(ColumnMask.of(4, 0, 1, 2));
    assertThat(upd.afterColumns()).isEqualTo(ColumnMask.all(4));
    assertThat(upd.rows())
        .containsExactly(
            Row.of(new Object[] {1L, 5L, 7L, null}, new Object[] {1L, 6L, 7L, Text.of("svc")}));
    RowChanges del = rows(out, 1);
    assertThat(del.beforeColumns()).isEqualTo(ColumnMask.of(4, 0, 1, 2));
    assertThat(del.rows()).containsExactly(Row.delete(4L, 1L, 7L, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void centsToAmount(String type) {
    Transaction in =
        tx(
            1,
            orders(
                Action.INSERT,
                Row.insert(1L, 1234L, 7L),
                Row.insert(2L, -5L, 7L),
                Row.insert(3L, null, 7L),
                Row.insert(4L, 1234567890123L, 7L)));
    Transaction out =
        Fixtures.sample(type, "cents_to_amount", "table", "orders", "from", "cents", "to", "amount")
            .filter(in);
    RowChanges rc = rows(out, 0);
    assertThat(rc.columns()).extracting(ColumnSpec::name).containsExactly("id", "tenant", "amount");
    assertThat(rc.columns().get(2).type()).isEqualTo(SqlType.DECIMAL);
    assertThat(rc.rows())
        .containsExactly(
            Row.insert(1L, 7L, new BigDecimal("12.34")),
            Row.insert(2L, 7L, new BigDecimal("-0.05")),
            Row.insert(3L, 7L, null),
            Row.insert(4L, 7L, new BigDecimal("12345678901.23")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void tenant(String type) {
    Transaction in =
        tx(
            1,
            orders(Action.INSERT, Row.insert(1L, 1L, 7L), Row.insert(2L, 2L, 8L)),
            orders(Action.INSERT, Row.insert(3L, 3L, 8L)),
            customers(customer(1, "a@b.c", "ok")));
    Transaction out =
        Fixtures.sample(type, "tenant", "tenant_column", "tenant", "tenant", "7").filter(in);
    assertThat(out.changes()).hasSize(2);
    assertThat(rows(out, 0).rows()).containsExactly(Row.insert(1L, 1L, 7L));
    assertThat(out.changes().get(1)).isSameAs(in.changes().get(2));
  }
}
