package io.ferry.bench.targets;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.value.Text;
import io.ferry.postgresql.PgApplier;
import io.ferry.postgresql.PgTargetSettings;
import io.ferry.sandbox.Binaries;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxServer;
import io.ferry.sandbox.SandboxSpec;
import io.ferry.sandbox.Sandboxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Row changes per second of the PostgreSQL applier, against the target of 10,000 row
 * changes/s on this machine. The rows are sysbench's (4 tables of {@code id INT PRIMARY KEY, k INT,
 * c CHAR(120), pad CHAR(60)} with an index on k) and so are the transactions (oltp_write_only: an
 * update of k, an update of c, a delete and an insert of the same id: 4 row changes, full row
 * images), generated in memory so that only the applier and PostgreSQL are measured. PostgreSQL is
 * a sandboxed server with fsync and synchronous_commit on; the applier commits every 100
 * transactions with its position (the default block), and, for comparison, every transaction.
 *
 * <pre>
 * bench/run.sh targets   (or: java ... io.ferry.bench.targets.PostgresBench [--transactions N])
 * </pre>
 */
public final class PostgresBench {
  private static final int TABLES = 4;
  private static final int ROWS = 20_000;
  private static final double TARGET = 10_000;

  private PostgresBench() {}

  public static void main(String[] args) throws Exception {
    int transactions = 40_000;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--transactions")) {
        transactions = Integer.parseInt(args[++i]);
      } else {
        throw new IllegalArgumentException(
            "unknown option " + args[i] + "; usage: PostgresBench [--transactions N]");
      }
    }
    Path home = Files.createTempDirectory(Path.of("/tmp"), "ferry-bench-pg-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    Sandboxes sandboxes = new Sandboxes(home, new Binaries(Binaries.defaultCacheDir()));
    try {
      Sandbox sandbox = sandboxes.create(SandboxSpec.postgresql("pgbench", 1));
      SandboxServer pg = sandbox.server(1);
      try (Connection c = pg.connect();
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT current_setting('server_version'), current_setting('fsync'),"
                      + " current_setting('synchronous_commit')")) {
        rs.next();
        System.out.printf(
            "PostgreSQL %s, fsync=%s, synchronous_commit=%s, %d cores%n",
            rs.getString(1),
            rs.getString(2),
            rs.getString(3),
            Runtime.getRuntime().availableProcessors());
      }
      Workload w = new Workload(new Random(42));
      w.create(pg);
      List<Transaction> txs = w.transactions(transactions + transactions / 10 + 2_000);
      PgTargetSettings target =
          PgTargetSettings.of(
              "bench",
              pg.host(),
              pg.port(),
              pg.defaultDatabase(),
              pg.app().user(),
              pg.app().password());
      int warm = transactions / 10;
      run(target, txs, 0, warm, 100, null);
      int next = warm;
      double perSecond = run(target, txs, next, transactions, 100, "block of 100 transactions");
      int from = next + transactions;
      double each =
          run(target, txs, from, Math.min(2_000, txs.size() - from), 1, "commit per transaction");
      System.out.printf(
          "PostgreSQL apply: %.0f row changes/s = %.2f x the target of %.0f row changes/s"
              + " (commit per transaction: %.0f row changes/s)%n",
          perSecond, perSecond / TARGET, TARGET, each);
      w.check(pg);
    } finally {
      for (Sandbox s : sandboxes.list()) {
        sandboxes.destroy(s.name());
      }
      deleteTree(home);
    }
  }

  /** Applies txs[from, from+count) in blocks; returns row changes/s. */
  private static double run(
      PgTargetSettings target, List<Transaction> txs, int from, int count, int block, String what) {
    long rows = 0;
    long start = System.nanoTime();
    try (PgApplier a = new PgApplier(target, Clock.systemUTC())) {
      a.lastCommitted();
      for (int i = from; i < from + count; i++) {
        Transaction tx = txs.get(i);
        a.apply(tx);
        rows += tx.changes().size();
        if ((i - from + 1) % block == 0) {
          a.commit();
        }
      }
      a.commit();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (what == null) {
      return 0; // a warm-up
    }
    double perSecond = rows / seconds;
    System.out.printf(
        "  %-28s %7d transactions, %8d row changes in %6.2f s: %8.0f row changes/s%n",
        what, count, rows, seconds, perSecond);
    return perSecond;
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** sysbench's tables and oltp_write_only transactions, with the rows' state kept in memory. */
  private static final class Workload {
    private final Random random;
    private final int[][] k = new int[TABLES][ROWS + 1];
    private final String[][] c = new String[TABLES][ROWS + 1];
    private final String[][] pad = new String[TABLES][ROWS + 1];
    private final List<ColumnSpec> columns =
        List.of(
            new ColumnSpec("id", SqlType.INT, "int(11)", false, false, null, true, 0, 0, null),
            new ColumnSpec("k", SqlType.INT, "int(11)", false, false, null, false, 0, 0, null),
            new ColumnSpec(
                "c", SqlType.CHAR, "char(120)", false, false, "utf8mb4", false, 480, 0, null),
            new ColumnSpec(
                "pad", SqlType.CHAR, "char(60)", false, false, "utf8mb4", false, 240, 0, null));

    Workload(Random random) {
      this.random = random;
    }

    private String chars(int groups) {
      StringBuilder b = new StringBuilder();
      for (int g = 0; g < groups; g++) {
        if (g > 0) {
          b.append('-');
        }
        for (int i = 0; i < 11; i++) {
          b.append((char) ('0' + random.nextInt(10)));
        }
      }
      return b.toString();
    }

    void create(SandboxServer pg) throws Exception {
      try (Connection conn = pg.connect()) {
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
          st.execute("CREATE SCHEMA sbtest");
          for (int t = 0; t < TABLES; t++) {
            st.execute(
                "CREATE TABLE sbtest.sbtest"
                    + (t + 1)
                    + " (id integer PRIMARY KEY,"
                    + " k integer NOT NULL, c varchar(120) NOT NULL, pad varchar(60) NOT NULL)");
            st.execute("CREATE INDEX k_" + (t + 1) + " ON sbtest.sbtest" + (t + 1) + " (k)");
          }
        }
        for (int t = 0; t < TABLES; t++) {
          try (PreparedStatement ps =
              conn.prepareStatement(
                  "INSERT INTO sbtest.sbtest" + (t + 1) + " VALUES (?, ?, ?, ?)")) {
            for (int id = 1; id <= ROWS; id++) {
              k[t][id] = random.nextInt(ROWS);
              c[t][id] = chars(10);
              pad[t][id] = chars(5);
              ps.setInt(1, id);
              ps.setInt(2, k[t][id]);
              ps.setString(3, c[t][id]);
              ps.setString(4, pad[t][id]);
              ps.addBatch();
            }
            ps.executeBatch();
          }
        }
        conn.commit();
        try (Statement st = conn.createStatement()) {
          conn.setAutoCommit(true);
          st.execute("VACUUM ANALYZE");
        }
      }
    }

    private Object[] image(int t, int id) {
      return new Object[] {(long) id, (long) k[t][id], Text.of(c[t][id]), Text.of(pad[t][id])};
    }

    private RowChanges change(int t, Action action, Object[] before, Object[] after) {
      Row row = Row.of(before, after);
      return RowChanges.full("sbtest", "sbtest" + (t + 1), action, columns, List.of(row));
    }

    List<Transaction> transactions(int count) {
      List<Transaction> out = new ArrayList<>(count);
      for (int n = 0; n < count; n++) {
        int t = random.nextInt(TABLES);
        List<Change> changes = new ArrayList<>(4);
        int id = 1 + random.nextInt(ROWS);
        Object[] before = image(t, id);
        k[t][id]++;
        changes.add(change(t, Action.UPDATE, before, image(t, id)));
        id = 1 + random.nextInt(ROWS);
        before = image(t, id);
        c[t][id] = chars(10);
        changes.add(change(t, Action.UPDATE, before, image(t, id)));
        id = 1 + random.nextInt(ROWS);
        changes.add(change(t, Action.DELETE, image(t, id), null));
        k[t][id] = random.nextInt(ROWS);
        c[t][id] = chars(10);
        pad[t][id] = chars(5);
        changes.add(change(t, Action.INSERT, null, image(t, id)));
        TransactionHeader h =
            new TransactionHeader(n, 1, 0, true, null, "1", "bench", "sbtest", 0, 0, Map.of());
        out.add(new Transaction(h, changes));
      }
      return out;
    }

    /** Every row in PostgreSQL is the model's: the figure counts only correct work. */
    void check(SandboxServer pg) throws Exception {
      try (Connection conn = pg.connect();
          Statement st = conn.createStatement()) {
        for (int t = 0; t < TABLES; t++) {
          try (ResultSet rs =
              st.executeQuery(
                  "SELECT id, k, c, pad FROM sbtest.sbtest" + (t + 1) + " ORDER BY id")) {
            int n = 0;
            while (rs.next()) {
              int id = rs.getInt(1);
              n++;
              if (rs.getInt(2) != k[t][id]
                  || !rs.getString(3).equals(c[t][id])
                  || !rs.getString(4).equals(pad[t][id])) {
                throw new IllegalStateException("sbtest" + (t + 1) + " row " + id + " differs");
              }
            }
            if (n != ROWS) {
              throw new IllegalStateException("sbtest" + (t + 1) + " has " + n + " rows");
            }
          }
        }
      }
      System.out.println("PostgreSQL holds exactly the generated rows.");
    }
  }
}
