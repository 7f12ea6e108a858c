package io.ferry.scripting;

import static io.ferry.scripting.Fixtures.customer;
import static io.ferry.scripting.Fixtures.customers;
import static io.ferry.scripting.Fixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.value.Text;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScriptBasicsTest {
  @TempDir Path dir;

  private Filter inline(String type, String js, String lua) {
    return Fixtures.filter(
        type,
        Fixtures.write(
            dir, "s." + (type.equals("lua") ? "lua" : "js"), type.equals("lua") ? lua : js));
  }

  @org.junit.jupiter.api.Test
  void bothTypesAreRegistered() {
    assertThat(io.ferry.core.filter.FilterRegistry.installed().types())
        .contains("javascript", "lua");
    assertThat(new LuaFilterFactory().takesParams()).isTrue();
    assertThat(new LuaFilterFactory().settings())
        .extracting(s -> s.key())
        .containsExactly("script", "budget", "instructions");
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void unchangedTransactionIsTheSameObject(String type) {
    Filter f =
        inline(
            type,
            "function filter(tx) { for (let c of tx.changes) { for (let r of c.rows) {"
                + " if (r.after.status == 'x') r.drop(); } } }",
            "function filter(tx) for _, c in ipairs(tx.changes) do for _, r in ipairs(c.rows) do"
                + " if r.after.status == 'x' then r:drop() end end end end");
    Transaction in = tx(7, customers(customer(1, "a@b.c", "ok")));
    assertThat(f.filter(in)).isSameAs(in);
  }

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void renameColumnAndDropRowByValue(String type) {
    Filter f =
        inline(
            type,
            "function filter(tx) { for (let c of tx.changes) { c.renameColumn('status', 'state');"
                + " for (let r of c.rows) { if (r.after.state === 'gone') r.drop(); } } }",
            "function filter(tx) for _, c in ipairs(tx.changes) do c:renameColumn('status', 'state')"
                + " for _, r in ipairs(c.rows) do if r.after.state == 'gone' then r:drop() end end"
                + " end end");
    Transaction out =
        f.filter(tx(7, customers(customer(1, "a@b.c", "ok"), customer(2, "x@y.z", "gone"))));
    RowChanges rc = (RowChanges) out.changes().get(0);
    assertThat(rc.columns()).extracting(c -> c.name()).containsExactly("id", "email", "state");
    assertThat(rc.rows()).hasSize(1);
    assertThat(rc.rows().get(0).afterImage()).containsExactly(1L, Text.of("a@b.c"), Text.of("ok"));
  }
}
