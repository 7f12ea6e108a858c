package io.ferry.bench.targets;

import io.ferry.core.config.PluginConfig;
import io.ferry.core.config.Setting;
import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.target.TargetKeys;
import io.ferry.core.value.Text;
import io.ferry.sandbox.Binaries;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxServer;
import io.ferry.sandbox.SandboxSpec;
import io.ferry.sandbox.Sandboxes;
import io.ferry.warehouse.WarehouseSettings;
import io.ferry.warehouse.WarehouseTarget;
import io.ferry.warehouse.WarehouseTargetType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The warehouse applier against row-by-row apply into the same store: the same transactions (a
 * sysbench-like write mix on a 4-column table: an indexed-column update, a text update, a delete
 * and an insert of one key), the same blocks, each block committed once with a position row updated
 * in the same transaction (same durability), on DuckDB (a file) and on PostgreSQL (a sandboxed
 * server). Prints row changes/s of both and the ratio; the seeds' target is 100x.
 *
 * <pre>
 *   WarehouseBench [--rows N (row changes, 200000)] [--block N (transactions per commit, 5000)]
 *                  [--table N (rows in the table, 100000)] [--dialect duckdb|postgresql|all]
 * </pre>
 */
public final class WarehouseBench {
  private WarehouseBench() {}

  /** Only the warehouse applier (for profiling it). */
  private static boolean batchOnly;

  private static final List<ColumnSpec> COLUMNS =
      List.of(
          new ColumnSpec("id", SqlType.INT, "int", false, false, null, true, 0, 0, List.of()),
          new ColumnSpec("k", SqlType.INT, "int", false, false, null, false, 0, 0, List.of()),
          new ColumnSpec(
              "c", SqlType.CHAR, "char(120)", false, false, "utf8mb4", false, 120, 0, List.of()),
          new ColumnSpec(
              "pad", SqlType.CHAR, "char(60)", false, false, "utf8mb4", false, 60, 0, List.of()));

  public static void main(String[] args) throws Exception {
    int rows = 200_000;
    int block = 5_000;
    int table = 100_000;
    String dialect = "all";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--block" -> block = Integer.parseInt(args[++i]);
        case "--table" -> table = Integer.parseInt(args[++i]);
        case "--dialect" -> dialect = args[++i];
        case "--batch-only" -> batchOnly = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path home = Files.createTempDirectory(Path.of("/tmp"), "ferry-bench-warehouse-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    System.out.printf(
        "warehouse bench: %d row changes in transactions of 4, %d transactions a commit, table of"
            + " %d rows%n",
        rows, block, table);
    try {
      // the JIT's warm-up, on a throwaway store, so that the first variant does not pay it
      List<Transaction> warm = workload(Math.min(rows, 40_000), table);
      try (WarehouseTarget t =
          target("duckdb", Files.createDirectories(home.resolve("warm")), null, "ww")) {
        prepare(t, table, false);
        Applier a = t.applier();
        a.lastCommitted();
        for (Transaction tx : warm) {
          a.apply(tx);
        }
        a.commit();
        a.close();
      }
      if (!dialect.equals("postgresql")) {
        run("duckdb", false, home, null, rows, block, table);
        run("duckdb", true, home, null, rows, block, table);
      }
      if (!dialect.equals("duckdb")) {
        Sandboxes sandboxes = new Sandboxes(home, new Binaries(Binaries.defaultCacheDir()));
        try {
          Sandbox sandbox = sandboxes.create(SandboxSpec.postgresql("whbench", 1));
          run("postgresql", true, home, sandbox.server(1), rows, block, table);
        } finally {
          for (Sandbox s : sandboxes.list()) {
            sandboxes.destroy(s.name());
          }
        }
      }
    } finally {
      deleteTree(home);
    }
  }

  private static void run(
      String dialect, boolean keyed, Path home, SandboxServer pg, int rows, int block, int table)
      throws Exception {
    String variant = dialect + (keyed ? "-keyed" : "");
    List<Transaction> txs = workload(rows, table);
    // the warehouse applier
    Path dirA = Files.createDirectories(home.resolve(variant + "-batch"));
    double batch;
    try (WarehouseTarget t = target(dialect, dirA, pg, "wb")) {
      prepare(t, table, keyed);
      Applier a = t.applier();
      a.lastCommitted();
      long start = System.nanoTime();
      int n = 0;
      long merging = 0;
      for (Transaction tx : txs) {
        a.apply(tx);
        if (++n % block == 0) {
          long m = System.nanoTime();
          a.commit();
          merging += System.nanoTime() - m;
        }
      }
      long m = System.nanoTime();
      a.commit();
      merging += System.nanoTime() - m;
      System.out.printf(
          "  (%s: %.0f ms staging, %.0f ms merging)%n",
          variant, (System.nanoTime() - start - merging) / 1e6, merging / 1e6);
      batch = rows / ((System.nanoTime() - start) / 1e9);
      a.close();
    }
    if (batchOnly) {
      System.out.printf("%-17s batch merge %,10.0f row changes/s%n", variant, batch);
      return;
    }
    // row by row into the same store, same blocks, position in the same transaction
    Path dirB = Files.createDirectories(home.resolve(variant + "-rows"));
    double rowByRow;
    try (WarehouseTarget t = target(dialect, dirB, pg, "wr")) {
      prepare(t, table, keyed);
      try (Connection c = t.dialect().connect()) {
        long start = System.nanoTime();
        RowByRow r = new RowByRow(c);
        int n = 0;
        for (Transaction tx : txs) {
          r.apply(tx);
          if (++n % block == 0) {
            r.commit(tx.seqno());
          }
        }
        r.commit(txs.get(txs.size() - 1).seqno());
        rowByRow = rows / ((System.nanoTime() - start) / 1e9);
      }
    }
    System.out.printf(
        "%-17s batch merge %,10.0f row changes/s   row by row %,8.0f row changes/s   ratio %.1fx"
            + " (target >= 100x)%n",
        variant, batch, rowByRow, batch / rowByRow);
  }

  private static WarehouseTarget target(String dialect, Path dir, SandboxServer pg, String name)
      throws SQLException {
    Config c = new Config(name, dir);
    if (dialect.equals("duckdb")) {
      c.set(WarehouseSettings.PATH, dir.resolve("store.duckdb"));
    } else {
      c.set(WarehouseSettings.DIALECT, "postgresql")
          .set(TargetKeys.HOST, pg.host())
          .set(TargetKeys.PORT, pg.port())
          .set(TargetKeys.USER, pg.root().user())
          .set(TargetKeys.PASSWORD, pg.root().password())
          .set(TargetKeys.DATABASE, pg.defaultDatabase());
    }
    c.set(WarehouseSettings.BATCH_ROWS, Long.MAX_VALUE);
    c.set(WarehouseSettings.BATCH_BYTES, Long.MAX_VALUE);
    return (WarehouseTarget) new WarehouseTargetType().open(c, Clock.systemUTC());
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The table, filled with its first rows, the same way on both sides. */
  private static void prepare(WarehouseTarget t, int table, boolean keyed) throws SQLException {
    try (Connection c = t.dialect().connect();
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS sb CASCADE");
      st.execute("CREATE SCHEMA sb");
      st.execute(
          "CREATE TABLE sb.sbtest1 (id INTEGER NOT NULL"
              + (keyed ? " PRIMARY KEY" : "")
              + ", k INTEGER NOT NULL, c VARCHAR(120) NOT NULL, pad VARCHAR(60) NOT NULL)");
      if (keyed) {
        st.execute("CREATE INDEX k_1 ON sb.sbtest1 (k)");
      }
      st.execute(
          "INSERT INTO sb.sbtest1 SELECT i, i % 1000, repeat('c', 119), repeat('p', 59) FROM"
              + " generate_series(1, "
              + table
              + ") AS g(i)");
      st.execute("CREATE SCHEMA IF NOT EXISTS bench");
      st.execute(
          "CREATE TABLE IF NOT EXISTS bench.position (id INTEGER PRIMARY KEY, seqno BIGINT)");
      st.execute("DELETE FROM bench.position");
      st.execute("INSERT INTO bench.position VALUES (0, -1)");
      c.commit();
    }
  }

  /** Transactions of 4 row changes on random keys of the table. */
  private static List<Transaction> workload(int rows, int table) {
    Random random = new Random(42);
    List<Transaction> out = new ArrayList<>();
    long seqno = 0;
    String c120 = "x".repeat(119);
    String p60 = "y".repeat(59);
    Map<Integer, Object[]> current = new HashMap<>();
    for (int done = 0; done < rows; done += 4) {
      int a = 1 + random.nextInt(table);
      int b = 1 + random.nextInt(table);
      int d = 1 + random.nextInt(table);
      List<io.ferry.core.event.Change> changes = new ArrayList<>();
      Object[] ra = image(current, a);
      Object[] ra2 = ra.clone();
      ra2[1] = (long) random.nextInt(1000);
      changes.add(
          RowChanges.full("sb", "sbtest1", Action.UPDATE, COLUMNS, List.of(Row.of(ra, ra2))));
      current.put(a, ra2);
      Object[] rb = image(current, b);
      Object[] rb2 = rb.clone();
      rb2[2] = Text.of(c120 + random.nextInt(10));
      changes.add(
          RowChanges.full("sb", "sbtest1", Action.UPDATE, COLUMNS, List.of(Row.of(rb, rb2))));
      current.put(b, rb2);
      Object[] rd = image(current, d);
      changes.add(
          RowChanges.full("sb", "sbtest1", Action.DELETE, COLUMNS, List.of(Row.of(rd, null))));
      Object[] ins = {(long) d, (long) random.nextInt(1000), Text.of(c120 + "n"), Text.of(p60)};
      changes.add(
          RowChanges.full("sb", "sbtest1", Action.INSERT, COLUMNS, List.of(Row.of(null, ins))));
      current.put(d, ins);
      TransactionHeader h =
          new TransactionHeader(
              seqno,
              1,
              0,
              true,
              new BinlogPosition("binlog.000001", 4 + seqno),
              "1",
              "bench",
              "sb",
              0,
              0,
              Map.of());
      seqno++;
      out.add(new Transaction(h, changes));
    }
    return out;
  }

  private static Object[] image(Map<Integer, Object[]> current, int id) {
    Object[] r = current.get(id);
    if (r != null) {
      return r;
    }
    return new Object[] {
      (long) id, (long) (id % 1000), Text.of("c".repeat(119)), Text.of("p".repeat(59))
    };
  }

  /** Row-at-a-time apply: one statement per row change, the block's position with its commit. */
  private static final class RowByRow {
    private final Connection c;
    private final PreparedStatement insert;
    private final PreparedStatement update;
    private final PreparedStatement delete;
    private final PreparedStatement position;

    RowByRow(Connection c) throws SQLException {
      this.c = c;
      insert = c.prepareStatement("INSERT INTO sb.sbtest1 (id, k, c, pad) VALUES (?, ?, ?, ?)");
      update = c.prepareStatement("UPDATE sb.sbtest1 SET k = ?, c = ?, pad = ? WHERE id = ?");
      delete = c.prepareStatement("DELETE FROM sb.sbtest1 WHERE id = ?");
      position = c.prepareStatement("UPDATE bench.position SET seqno = ? WHERE id = 0");
    }

    void apply(Transaction tx) throws SQLException {
      for (io.ferry.core.event.Change ch : tx.changes()) {
        RowChanges rc = (RowChanges) ch;
        for (Row r : rc.rows()) {
          switch (rc.action()) {
            case INSERT -> {
              insert.setLong(1, (Long) r.after(0));
              insert.setLong(2, (Long) r.after(1));
              insert.setString(3, r.after(2).toString());
              insert.setString(4, r.after(3).toString());
              insert.executeUpdate();
            }
            case UPDATE -> {
              update.setLong(1, (Long) r.after(1));
              update.setString(2, r.after(2).toString());
              update.setString(3, r.after(3).toString());
              update.setLong(4, (Long) r.before(0));
              update.executeUpdate();
            }
            case DELETE -> {
              delete.setLong(1, (Long) r.before(0));
              delete.executeUpdate();
            }
          }
        }
      }
    }

    void commit(long seqno) throws SQLException {
      position.setLong(1, seqno);
      position.executeUpdate();
      c.commit();
    }
  }

  /** The settings a service file would give. */
  private static final class Config implements PluginConfig {
    private final String service;
    private final Path dir;
    private final Map<String, Object> values = new HashMap<>();

    Config(String service, Path dir) {
      this.service = service;
      this.dir = dir;
    }

    <T> Config set(Setting<T> s, T value) {
      values.put(s.key(), value);
      return this;
    }

    @Override
    public String service() {
      return service;
    }

    @Override
    public String role() {
      return "direct";
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
      return values.containsKey(setting.key())
          ? (T) values.get(setting.key())
          : setting.defaultValue();
    }

    @Override
    public boolean isSet(Setting<?> setting) {
      return values.containsKey(setting.key());
    }

    @Override
    public Path path(Setting<Path> setting) {
      return get(setting);
    }

    @Override
    public String where(Setting<?> setting) {
      return "bench: " + setting.key();
    }

    @Override
    public Path serviceDir() {
      return dir;
    }
  }
}
