package io.ferry.scripting;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.value.Text;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Measures the script engines on one workload: transactions of 100 inserted rows of 8 columns; the
 * script renames a column and drops the rows whose {@code status} is 'deleted' (one in ten). Prints
 * startup (first engine creation and compile) and row changes per second after warm-up. Run with
 * {@code java -cp <test classpath> io.ferry.scripting.ScriptEngineMeasure [seconds]}. Not a test.
 */
public final class ScriptEngineMeasure {
  static final String JS =
      "function filter(tx) {\n"
          + "  for (let c of tx.changes) {\n"
          + "    c.renameColumn('status', 'state');\n"
          + "    for (let r of c.rows) { if (r.after.state === 'deleted') r.drop(); }\n"
          + "  }\n"
          + "}\n";
  static final String LUA =
      "function filter(tx)\n"
          + "  for _, c in ipairs(tx.changes) do\n"
          + "    c:renameColumn('status', 'state')\n"
          + "    for _, r in ipairs(c.rows) do\n"
          + "      if r.after.state == 'deleted' then r:drop() end\n"
          + "    end\n"
          + "  end\n"
          + "end\n";

  private ScriptEngineMeasure() {}

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    List<String> only =
        args.length > 1 ? List.of(args[1].split(",")) : List.of("lua", "rhino", "graaljs");
    Budget budget = new Budget(2_000_000_000L, 0);
    for (String engine : only) {
      Supplier<ScriptRuntime> make =
          switch (engine) {
            case "lua" -> () -> new LuaRuntime(LUA, "measure.lua", budget);
            case "rhino" -> () -> new RhinoRuntime(JS, "measure.js", budget);
            default -> () -> new GraalJsProbe(JS, "measure.js");
          };
      measure(engine, make, budget, seconds);
    }
  }

  static void measure(String engine, Supplier<ScriptRuntime> make, Budget budget, double seconds) {
    long t0 = System.nanoTime();
    ScriptRuntime rt = make.get();
    long startup = System.nanoTime() - t0;
    t0 = System.nanoTime();
    ScriptRuntime second = make.get();
    long again = System.nanoTime() - t0;
    second.close();
    Transaction tx = transaction();
    run(rt, budget, tx, seconds / 2); // warm-up
    double rate = run(rt, budget, tx, seconds);
    rt.close();
    System.out.printf(
        Locale.ROOT,
        "%-8s startup %6.0f ms (next instance %5.1f ms), %,10.0f row changes/s%n",
        engine,
        startup / 1e6,
        again / 1e6,
        rate);
  }

  private static double run(ScriptRuntime rt, Budget budget, Transaction tx, double seconds) {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long rows = 0;
    long start = System.nanoTime();
    while (System.nanoTime() < end) {
      for (int i = 0; i < 10; i++) {
        TxHost host = new TxHost(tx);
        budget.start();
        rt.call("filter", host);
        budget.stop();
        Transaction out = host.result();
        if (((RowChanges) out.changes().get(0)).rows().size() != 90) {
          throw new IllegalStateException("the script did not drop 10 rows");
        }
        rows += 100;
      }
    }
    return rows / ((System.nanoTime() - start) / 1e9);
  }

  static Transaction transaction() {
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
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      rows.add(
          Row.insert(
              (long) i,
              Text.of("name" + i),
              Text.of("user" + i + "@example.com"),
              Text.of(i % 10 == 3 ? "deleted" : "active"),
              new BigDecimal("12.34"),
              (long) i * 3,
              Text.of("a note"),
              7L));
    }
    return Fixtures.tx(42, RowChanges.full("shop", "orders", Action.INSERT, cols, rows));
  }
}
