package io.ferry.bench;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterRegistry;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.filter.MeteredFilter;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.position.OpaquePosition;
import io.ferry.core.value.Text;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scripted filters, made by the product's factories from script files exactly as a service makes
 * them (sandbox and budget on): a JavaScript and a Lua script that rename a column and drop the
 * rows whose status is 'deleted' (one in ten), over transactions of 100 inserted rows of 8 columns.
 * Prints startup (the first filter of an engine in this JVM: engine, compile, prepare, first
 * transaction; then a second one) and row changes per second after warm-up, against the target of
 * 100,000 per second.
 */
final class ScriptFilterBench {
  private ScriptFilterBench() {}

  static final String JS =
      "// renames a column and drops rows by value\n"
          + "function filter(tx) {\n"
          + "  for (let c of tx.changes) {\n"
          + "    if (c.kind !== 'rows') continue;\n"
          + "    c.renameColumn('status', 'state');\n"
          + "    for (let r of c.rows) { if (r.after && r.after.state === 'deleted') r.drop(); }\n"
          + "  }\n"
          + "}\n";
  static final String LUA =
      "-- renames a column and drops rows by value\n"
          + "function filter(tx)\n"
          + "  for _, c in ipairs(tx.changes) do\n"
          + "    if c.kind == 'rows' then\n"
          + "      c:renameColumn('status', 'state')\n"
          + "      for _, r in ipairs(c.rows) do\n"
          + "        if r.after and r.after.state == 'deleted' then r:drop() end\n"
          + "      end\n"
          + "    end\n"
          + "  end\n"
          + "end\n";

  static void run(Duration duration, List<String> summary) throws IOException {
    System.out.println(
        "scripted filters: rename a column and drop rows by value, transactions of 100 rows x 8"
            + " columns, one in ten rows dropped:");
    Path dir = Files.createTempDirectory("ferry-bench-scripts");
    Files.writeString(dir.resolve("f.js"), JS);
    Files.writeString(dir.resolve("f.lua"), LUA);
    Transaction tx = transaction();
    for (String type : List.of("javascript", "lua")) {
      Path script = dir.resolve(type.equals("lua") ? "f.lua" : "f.js");
      long t0 = System.nanoTime();
      Filter first = make(type, script);
      first.filter(tx);
      double startup = (System.nanoTime() - t0) / 1e6;
      t0 = System.nanoTime();
      Filter second = make(type, script);
      second.filter(tx);
      double next = (System.nanoTime() - t0) / 1e6;
      second.close();
      rate(first, tx, Duration.ofSeconds(2)); // warm up
      double rate = rate(first, tx, duration);
      first.close();
      System.out.printf(
          Locale.ROOT,
          "  %-10s startup %6.0f ms (next filter %5.1f ms)   %,12.0f row changes/s%n",
          type,
          startup,
          next,
          rate);
      summary.add(
          String.format(
              Locale.ROOT,
              "%-10s filter %,10.0f row changes/s = %.1f x the target (100,000), startup %.0f ms",
              type,
              rate,
              rate / 100_000,
              startup));
    }
  }

  private static Filter make(String type, Path script) {
    FilterFactory f = FilterRegistry.installed().get(type);
    FilterSettings s =
        FilterSettings.defaults("bench", type)
            .with(io.ferry.scripting.ScriptFilterFactory.SCRIPT, script);
    FilterContext ctx = FilterContext.offline("bench", FilterContext.Side.APPLY);
    Filter filter = new MeteredFilter(f.create(s), "bench", type, ctx);
    filter.prepare(ctx);
    return filter;
  }

  private static double rate(Filter f, Transaction tx, Duration d) {
    long end = System.nanoTime() + d.toNanos();
    long rows = 0;
    long start = System.nanoTime();
    while (System.nanoTime() < end) {
      for (int i = 0; i < 10; i++) {
        Transaction out = f.filter(tx);
        if (((RowChanges) out.changes().get(0)).rows().size() != 90) {
          throw new IllegalStateException("the script did not drop the 10 deleted rows");
        }
        rows += 100;
      }
    }
    return rows / ((System.nanoTime() - start) / 1e9);
  }

  private static Transaction transaction() {
    List<ColumnSpec> cols =
        List.of(
            ColumnSpec.of("id", SqlType.INT).asKey(),
            ColumnSpec.of("name", SqlType.VARCHAR).withCharset("utf8mb4"),
            ColumnSpec.of("email", SqlType.VARCHAR).withCharset("utf8mb4"),
            ColumnSpec.of("status", SqlType.VARCHAR).withCharset("utf8mb4"),
            ColumnSpec.of("amount", SqlType.DECIMAL).withLength(10, 2),
            ColumnSpec.of("qty", SqlType.INT),
            ColumnSpec.of("note", SqlType.TEXT).withCharset("utf8mb4"),
            ColumnSpec.of("flags", SqlType.BIGINT));
    List<io.ferry.core.event.Row> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      rows.add(
          io.ferry.core.event.Row.insert(
              (long) i,
              Text.of("name" + i),
              Text.of("user" + i + "@example.com"),
              Text.of(i % 10 == 3 ? "deleted" : "active"),
              new BigDecimal("12.34"),
              (long) i * 3,
              Text.of("a note"),
              7L));
    }
    long now = System.currentTimeMillis() * 1000;
    TransactionHeader h =
        new TransactionHeader(
            42, 1, 0, true, new OpaquePosition("bench:42"), "1", "", "shop", now, now, Map.of());
    return new Transaction(
        h, List.of(RowChanges.full("shop", "orders", Action.INSERT, cols, rows)));
  }
}
