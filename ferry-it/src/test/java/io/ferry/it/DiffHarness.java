package io.ferry.it;

import io.ferry.core.Failpoints;
import io.ferry.core.event.Change;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.value.Values;
import io.ferry.mysql.BinlogExtractor;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.mysql.StartPosition;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.SandboxServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The differential tester: drives a source with {@link DiffWorkload} while MariaDB's own
 * replication copies it to one server and a Ferry direct service (its own JVM, killed with SIGKILL
 * at random moments, and halted once right after a statement that commits implicitly, before its
 * block commit) copies it to another, both with their binlog on. When the workload ends and both
 * have caught up, it compares every table of the workload's schemas row by row (and their columns),
 * and the row changes each replica wrote to its own binlog, with the native replica as the oracle.
 * The Ferry service applies with one channel, or in parallel ({@code apply.channels} and {@code
 * apply.scheduler}, as {@link #run}'s layout says). Not thread-safe.
 */
final class DiffHarness {
  /** What a run did and found. */
  record Report(
      String format,
      String layout,
      long seed,
      long transactions,
      long statements,
      long refused,
      int tables,
      long rows,
      long binlogRows,
      int kills,
      int failpointHalts,
      int channelRows,
      long catchUpSeconds,
      List<String> differences) {

    String summary() {
      return String.format(
          "differential %s%s (seed %d): %,d transactions, %,d statements (%,d refused by the"
              + " source), compared %d tables and %,d rows%s; Ferry killed %d times, halted %d"
              + " times at a failpoint; %d channel row(s) in its catalog; Ferry caught up %d s"
              + " after the workload: %s",
          format,
          layout.equals("1") ? "" : ", " + layout.replace(":", " channels, scheduler "),
          seed,
          transactions,
          statements,
          refused,
          tables,
          rows,
          binlogRows == 0
              ? ""
              : String.format(", and %,d row changes in the replicas' binlogs", binlogRows),
          kills,
          failpointHalts,
          channelRows,
          catchUpSeconds,
          differences.isEmpty() ? "no difference" : differences.size() + " difference(s)");
    }
  }

  private final SandboxServer source;
  private final SandboxServer nativeReplica;
  private final SandboxServer ferryTarget;
  private final Path dir;
  private final List<String> differences = new ArrayList<>();
  private Path workloadLog;
  private BinlogPosition runStart;
  private long catchUpAllowance;
  private BinlogPosition nativeStartOfRun;
  private BinlogPosition ferryStartOfRun;

  DiffHarness(
      SandboxServer source, SandboxServer nativeReplica, SandboxServer ferryTarget, Path dir) {
    this.source = source;
    this.nativeReplica = nativeReplica;
    this.ferryTarget = ferryTarget;
    this.dir = dir;
  }

  /**
   * One run.
   *
   * @param layout how Ferry applies: {@code 1} (one channel) or {@code channels:scheduler}, like
   *     {@code 8:shard}
   */
  Report run(String format, String layout, long seed, Duration duration, int kills)
      throws Exception {
    String[] parts = layout.split(":", -1);
    int channels = Integer.parseInt(parts[0]);
    String scheduler = parts.length > 1 ? parts[1] : "shard";
    String name =
        "diff_"
            + format.toLowerCase(java.util.Locale.ROOT)
            + "_"
            + seed
            + (channels > 1 ? "_p" + channels + scheduler : "");
    String prefix = "dw_" + format.toLowerCase(java.util.Locale.ROOT) + seed + "_";
    sql(source, "SET GLOBAL binlog_format = '" + format + "'");
    BinlogPosition start = head(source);
    runStart = start;
    catchUpAllowance = 3 * duration.toNanos(); // a long run may leave a long backlog
    BinlogPosition nativeStart = head(nativeReplica);
    BinlogPosition ferryStart = head(ferryTarget);
    nativeStartOfRun = nativeStart;
    ferryStartOfRun = ferryStart;
    startNativeReplica(start);
    ServiceProcess ferry =
        new ServiceProcess(
            config(name, start, channels, scheduler),
            List.of("-Dferry.failpoints=apply.after-implicit-commit:3"));
    ferry.start();
    List<Connection> sessions = new ArrayList<>();
    Random random = new Random(seed);
    int killed = 0;
    int halted = 0;
    int channelRows;
    long catchUp;
    DiffWorkload workload;
    workloadLog = dir.resolve(name + "-workload.sql");
    Files.createDirectories(dir);
    try (java.io.PrintWriter log =
        new java.io.PrintWriter(Files.newBufferedWriter(workloadLog), true)) {
      for (int i = 0; i < 3; i++) {
        sessions.add(source.connect(source.root(), ""));
      }
      workload = new DiffWorkload(seed, sessions, prefix, log);
      workload.setup();
      long end = System.nanoTime() + duration.toNanos();
      long[] killAt = new long[kills];
      for (int i = 0; i < kills; i++) {
        killAt[i] =
            System.nanoTime()
                + (long) (duration.toNanos() * ((i + 0.2 + 0.6 * random.nextDouble()) / kills));
      }
      int nextKill = 0;
      while (System.nanoTime() < end) {
        workload.step();
        if (nextKill < kills && System.nanoTime() >= killAt[nextKill]) {
          ferry.kill();
          killed++;
          nextKill++;
          Thread.sleep(random.nextInt(1500));
          ferry.start(List.of());
        }
        Integer status = ferry.exitStatus();
        if (status != null) {
          if (status != Failpoints.HALT_STATUS) {
            failed(ferry);
          }
          halted++;
          ferry.start(List.of());
        }
      }
      long workloadEnd = System.nanoTime();
      BinlogPosition end1 = marker("end");
      waitNative(end1);
      waitFerry(ferry, "end");
      catchUp = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - workloadEnd);
      channelRows =
          Integer.parseInt(
              value(ferryTarget, "SELECT COUNT(*) FROM `ferry_" + name + "`.position"));
    } finally {
      for (Connection c : sessions) {
        c.close();
      }
      ferry.stop();
      sql(nativeReplica, "STOP SLAVE");
      sql(source, "SET GLOBAL binlog_format = 'ROW'");
    }
    int tables = 0;
    long rows = 0;
    for (String schema : workload.schemas()) {
      List<String> nativeTables = tables(nativeReplica, schema);
      List<String> ferryTables = tables(ferryTarget, schema);
      if (!nativeTables.equals(ferryTables)) {
        differ("tables of " + schema + ": native " + nativeTables + ", Ferry " + ferryTables);
      }
      for (String t : nativeTables) {
        if (!ferryTables.contains(t)) {
          continue;
        }
        tables++;
        String q = "`" + schema + "`.`" + t + "`";
        if (!columns(nativeReplica, schema, t).equals(columns(ferryTarget, schema, t))) {
          differ(
              q
                  + ": columns differ: native "
                  + columns(nativeReplica, schema, t)
                  + ", Ferry "
                  + columns(ferryTarget, schema, t));
          continue;
        }
        List<String> expected = rows(nativeReplica, q);
        List<String> actual = rows(ferryTarget, q);
        rows += expected.size();
        if (!expected.equals(actual)) {
          differ(q + ": " + rowDifference(expected, actual));
        }
      }
    }
    // A native replica applying statements logs them in its own way (as statements, or with what
    // triggers did left out), a client session logs their rows: the binlogs are compared for
    // row-based logs, and when Ferry was not killed (a transaction applied again may write its
    // rows in another form). The tables, compared above, are the oracle in every case.
    boolean compareLogs = kills == 0 && format.equals("ROW");
    long binlogRows = compareBinlogs(nativeStart, ferryStart, workload.schemas(), compareLogs);
    if (!differences.isEmpty()) {
      // the statements behind a difference, after the run's directory is gone
      Files.copy(
          workloadLog,
          Path.of("target", workloadLog.getFileName().toString()),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return new Report(
        format,
        layout,
        seed,
        workload.transactions(),
        workload.statements(),
        workload.refused(),
        tables,
        rows,
        binlogRows,
        killed,
        halted,
        channelRows,
        catchUp,
        List.copyOf(differences));
  }

  private void differ(String what) {
    if (differences.size() < 50) {
      differences.add(what);
    }
  }

  // ------------------------------------------------------------------ the two replicas

  private void startNativeReplica(BinlogPosition start) throws SQLException {
    sql(nativeReplica, "STOP SLAVE");
    sql(nativeReplica, "RESET SLAVE ALL");
    // The oracle's own binlog must not stop it: replaying statement-based groups that mix
    // transactional and non-transactional tables, a MariaDB replica can log one source GTID as two
    // groups, which gtid_strict_mode refuses (error 1950) and native replication stops. The
    // replicas are compared by their tables; the binlog comparison (ROW) is unaffected.
    sql(nativeReplica, "SET GLOBAL gtid_strict_mode = OFF");
    sql(
        nativeReplica,
        "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = "
            + source.port()
            + ", MASTER_USER = '"
            + source.replicator().user()
            + "', MASTER_PASSWORD = '"
            + source.replicator().password()
            + "', MASTER_LOG_FILE = '"
            + start.file()
            + "', MASTER_LOG_POS = "
            + start.offset()
            + ", MASTER_USE_GTID = no");
    sql(nativeReplica, "START SLAVE");
  }

  private Path config(String name, BinlogPosition start, int channels, String scheduler)
      throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("service.name = " + name);
    lines.add("service.role = direct");
    lines.add("service.dir = " + dir.resolve(name));
    lines.addAll(ServiceFiles.source(source));
    lines.add("source.start = " + start.file() + ":" + start.offset());
    lines.add("source.fragment-bytes = 65536");
    lines.add("target.host = " + ferryTarget.host());
    lines.add("target.port = " + ferryTarget.port());
    // the root account: replicated FLUSH and the like need what the native SQL thread may do
    lines.add("target.user = " + ferryTarget.root().user());
    lines.add("target.password = " + ferryTarget.root().password());
    lines.add("target.log-to-binlog = true");
    lines.add("apply.block-commit-events = 50");
    lines.add("apply.block-commit-latency = 50ms");
    if (channels > 1) {
      lines.add("apply.channels = " + channels);
      lines.add("apply.scheduler = " + scheduler);
    }
    Files.createDirectories(dir);
    Path f = dir.resolve(name + ".conf");
    Files.write(f, lines);
    return f;
  }

  /** Writes a marker row on the source; returns the source's binlog end after it. */
  private BinlogPosition marker(String token) throws SQLException {
    sql(source, "CREATE DATABASE IF NOT EXISTS dw_mark");
    sql(source, "CREATE TABLE IF NOT EXISTS dw_mark.m (id INT PRIMARY KEY, token VARCHAR(64))");
    sql(source, "REPLACE INTO dw_mark.m VALUES (1, '" + token + "-" + UUID.randomUUID() + "')");
    return head(source);
  }

  private void waitNative(BinlogPosition at) throws SQLException {
    try (Connection c = nativeReplica.connect(nativeReplica.root(), "");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT MASTER_POS_WAIT('"
                    + at.file()
                    + "', "
                    + at.offset()
                    + ", "
                    + (600 + catchUpAllowance / 1_000_000_000L)
                    + ")")) {
      rs.next();
      long r = rs.getLong(1);
      if (rs.wasNull() || r < 0) {
        throw new AssertionError("the native replica did not catch up: " + slaveStatus());
      }
    }
  }

  private String slaveStatus() throws SQLException {
    try (Connection c = nativeReplica.connect(nativeReplica.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
      return rs.next() ? rs.getString("Last_SQL_Error") + " " + rs.getString("Last_IO_Error") : "";
    }
  }

  private void waitFerry(ServiceProcess ferry, String token) throws Exception {
    String expected = value(source, "SELECT token FROM dw_mark.m WHERE id = 1");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10) + catchUpAllowance;
    while (System.nanoTime() < deadline) {
      Integer status = ferry.exitStatus();
      if (status != null) {
        if (status != Failpoints.HALT_STATUS) {
          failed(ferry);
        }
        ferry.start(List.of());
      }
      try {
        if (expected.equals(value(ferryTarget, "SELECT token FROM dw_mark.m WHERE id = 1"))) {
          return;
        }
      } catch (SQLException e) {
        // not there yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "Ferry did not catch up with marker " + token + "; log:\n" + ferry.tail());
  }

  /**
   * Ferry stopped on an error: the assertion carries its log, and the definition and rows of the
   * table the error names on the source, the native replica and Ferry's target.
   */
  private void failed(ServiceProcess ferry) throws Exception {
    String tail = ferry.tail();
    Path kept = Path.of("target", workloadLog.getFileName().toString());
    Files.copy(workloadLog, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        ferry.log(),
        Path.of("target", ferry.log().getFileName().toString()),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    StringBuilder sb =
        new StringBuilder("Ferry stopped on an error (the workload's statements are in ")
            .append(kept.toAbsolutePath())
            .append("); log tail:\n")
            .append(tail);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(?:table|INTO|UPDATE|FROM) `?([A-Za-z0-9_]+)`?\\.`?([A-Za-z0-9_]+)`?[:, (]")
            .matcher(tail);
    if (m.find()) {
      String q = "`" + m.group(1) + "`.`" + m.group(2) + "`";
      String table = m.group(1) + "." + m.group(2);
      try (java.util.stream.Stream<String> lines = Files.lines(workloadLog)) {
        sb.append("\n\nthe workload's statements on ").append(table).append(":\n");
        List<String> mine =
            lines.filter(l -> l.contains(table + " ") || l.contains(table + ",")).toList();
        mine.subList(0, Math.min(400, mine.size()))
            .forEach(l -> sb.append("  ").append(l).append('\n'));
      }
      try {
        sb.append("\n\n").append(value(source, "SHOW CREATE TABLE " + q, 2));
        sb.append("\nsource rows: ").append(shorten(rows(source, q)));
        sb.append("\nnative rows: ").append(shorten(rows(nativeReplica, q)));
        sb.append("\nFerry rows:  ").append(shorten(rows(ferryTarget, q)));
      } catch (SQLException e) {
        sb.append("\n(cannot show ").append(q).append(": ").append(e.getMessage()).append(')');
      }
    }
    if (m.find(0)) {
      sb.append("\n\n").append(firstDifference(m.group(1), m.group(2)));
    }
    java.util.regex.Matcher at =
        java.util.regex.Pattern.compile("\\(binlog ([^:]+):([0-9]+)").matcher(tail);
    if (at.find() && runStart != null) {
      BinlogPosition failed = new BinlogPosition(at.group(1), Long.parseLong(at.group(2)));
      sb.append("\n\nthe failed transaction as Ferry reads it from the source:\n  ")
          .append(transactionAt(source, runStart, failed));
    }
    throw new AssertionError(sb.toString());
  }

  /**
   * Where the row changes both replicas logged for one table first differ, in order (Ferry's target
   * logs what it applies in this harness).
   */
  private String firstDifference(String schema, String table) {
    try {
      List<String> ours = tableRows(ferryTarget, ferryStartOfRun, schema, table);
      List<String> theirs = tableRows(nativeReplica, nativeStartOfRun, schema, table);
      for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
        if (!ours.get(i).equals(theirs.get(i))) {
          return "the replicas' binlogs first differ for "
              + schema
              + "."
              + table
              + " at its row change "
              + i
              + ":\n  native: "
              + theirs.get(i)
              + "\n  Ferry:  "
              + ours.get(i)
              + "\n  before: "
              + theirs.subList(Math.max(0, i - 3), i)
              + "\n  native next: "
              + theirs.subList(i + 1, Math.min(theirs.size(), i + 4))
              + "\n  Ferry next:  "
              + ours.subList(i + 1, Math.min(ours.size(), i + 4));
        }
      }
      return "the replicas' binlogs agree for "
          + schema
          + "."
          + table
          + " as far as Ferry got ("
          + ours.size()
          + " row changes)";
    } catch (Exception e) {
      return "(cannot compare the binlogs: " + e + ")";
    }
  }

  private static List<String> tableRows(
      SandboxServer server, BinlogPosition start, String schema, String table) throws Exception {
    List<String> rows = new ArrayList<>();
    forEachRow(
        server,
        start,
        (rc, change) -> {
          if (rc.schema().equals(schema) && rc.table().equals(table)) {
            rows.add(change);
          }
        });
    return rows;
  }

  /**
   * Hands every row change a server logged from {@code start} to its binlog's end (at the time of
   * the call) to {@code each}, with the change as text: action, before and after image.
   */
  private static void forEachRow(
      SandboxServer server,
      BinlogPosition start,
      java.util.function.BiConsumer<RowChanges, String> each)
      throws Exception {
    BinlogPosition end = head(server);
    try (BinlogExtractor x = reader(server, start)) {
      while (true) {
        ReplEvent e = x.next(20, TimeUnit.SECONDS);
        if (e == null) {
          throw new AssertionError("the binlog of " + server + " ended before " + end.text());
        }
        Transaction t = (Transaction) e;
        for (Change c : t.changes()) {
          if (c instanceof RowChanges rc) {
            for (Row row : rc.rows()) {
              each.accept(
                  rc,
                  rc.action()
                      + " "
                      + image(rc, rc.beforeColumns(), row, true)
                      + " -> "
                      + image(rc, rc.afterColumns(), row, false));
            }
          }
        }
        BinlogPosition at = (BinlogPosition) t.header().nativePosition();
        if (t.lastFrag() && at.file().equals(end.file()) && at.offset() >= end.offset()) {
          return;
        }
      }
    }
  }

  /** Ferry's binlog reader on a server, from a position. */
  private static BinlogExtractor reader(SandboxServer server, BinlogPosition start) {
    SourceSettings s =
        SourceSettings.of(
            server.host(),
            server.port(),
            server.replicator().user(),
            server.replicator().password());
    BinlogExtractor x =
        new BinlogExtractor(
            s,
            ExtractorSettings.defaults().withStart(new StartPosition.At(start)),
            Clock.systemUTC());
    x.seek(Checkpoint.NONE);
    return x;
  }

  /** The transaction that ends at a position of a server's binlog, read from a start. */
  private static String transactionAt(SandboxServer server, BinlogPosition from, BinlogPosition end)
      throws Exception {
    try (BinlogExtractor x = reader(server, from)) {
      while (true) {
        ReplEvent e = x.next(20, TimeUnit.SECONDS);
        if (e == null) {
          return "(not found)";
        }
        BinlogPosition p = (BinlogPosition) ((Transaction) e).header().nativePosition();
        if (p.file().equals(end.file()) && p.offset() >= end.offset()) {
          StringBuilder sb = new StringBuilder(((Transaction) e).header().toString());
          for (Change c : ((Transaction) e).changes()) {
            sb.append("\n  ").append(c);
            if (c instanceof io.ferry.core.event.SqlStatement st) {
              sb.append("\n     session: ").append(st.session());
            }
          }
          return sb.toString();
        }
      }
    }
  }

  // ------------------------------------------------------------------ comparing tables

  private static List<String> tables(SandboxServer s, String schema) throws SQLException {
    List<String> list = new ArrayList<>();
    try (Connection c = s.connect(s.root(), "");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                    + " AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          list.add(rs.getString(1));
        }
      }
    }
    return list;
  }

  private static List<String> columns(SandboxServer s, String schema, String table)
      throws SQLException {
    List<String> list = new ArrayList<>();
    try (Connection c = s.connect(s.root(), "");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLLATION_NAME, EXTRA"
                    + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                    + " ORDER BY ORDINAL_POSITION")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          list.add(
              rs.getString(1)
                  + " "
                  + rs.getString(2)
                  + " "
                  + rs.getString(3)
                  + " "
                  + rs.getString(4)
                  + " "
                  + rs.getString(5));
        }
      }
    }
    return list;
  }

  /** Every row as the server renders it (binary data as hex), in UTC, sorted. */
  static List<String> rows(SandboxServer s, String table) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      st.execute("SET SESSION time_zone = '+00:00'");
      try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder sb = new StringBuilder();
          for (int i = 1; i <= n; i++) {
            int type = rs.getMetaData().getColumnType(i);
            String v;
            if (type == java.sql.Types.BINARY
                || type == java.sql.Types.VARBINARY
                || type == java.sql.Types.LONGVARBINARY
                || type == java.sql.Types.BLOB
                || type == java.sql.Types.OTHER) {
              byte[] b = rs.getBytes(i);
              v = b == null ? "NULL" : HexFormat.of().formatHex(b);
            } else {
              String t = rs.getString(i);
              v = t == null ? "NULL" : t;
            }
            sb.append(i == 1 ? "" : "|").append(v);
          }
          rows.add(sb.toString());
        }
      }
    }
    rows.sort(null);
    return rows;
  }

  private static String rowDifference(List<String> expected, List<String> actual) {
    Map<String, Integer> count = new TreeMap<>();
    expected.forEach(r -> count.merge(r, 1, Integer::sum));
    actual.forEach(r -> count.merge(r, -1, Integer::sum));
    List<String> missing = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    count.forEach(
        (r, n) -> {
          if (n > 0) {
            missing.add(r);
          } else if (n < 0) {
            extra.add(r);
          }
        });
    return expected.size()
        + " rows natively, "
        + actual.size()
        + " through Ferry; only native: "
        + shorten(missing)
        + "; only Ferry: "
        + shorten(extra);
  }

  private static String shorten(List<String> rows) {
    String s = rows.subList(0, Math.min(6, rows.size())).toString();
    return (s.length() > 1200 ? s.substring(0, 1200) + "..." : s)
        + (rows.size() > 6 ? " and " + (rows.size() - 6) + " more" : "");
  }

  // ------------------------------------------------------------------ comparing binlogs

  /**
   * The row changes each replica wrote to its binlog from the run's start to the end marker, per
   * table, as a multiset; compared when the run had no kills (a re-applied transaction may write
   * them in another form, which only the table comparison judges). Returns how many were read.
   */
  private long compareBinlogs(
      BinlogPosition nativeStart, BinlogPosition ferryStart, List<String> schemas, boolean compare)
      throws Exception {
    if (!compare) {
      return 0;
    }
    Map<String, String> shown = new java.util.HashMap<>();
    Map<String, Integer> all = new java.util.HashMap<>();
    long read = binlogRows(nativeReplica, nativeStart, schemas, all, shown, 1);
    binlogRows(ferryTarget, ferryStart, schemas, all, shown, -1);
    List<String> missing = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    all.forEach(
        (k, v) -> {
          if (v > 0) {
            missing.add(shown.get(k));
          } else if (v < 0) {
            extra.add(shown.get(k));
          }
        });
    if (!missing.isEmpty() || !extra.isEmpty()) {
      java.util.Collections.sort(missing);
      java.util.Collections.sort(extra);
      // the first table concerned, change by change in each binlog's order
      String first = (missing.isEmpty() ? extra : missing).get(0);
      String table = first.substring(0, first.indexOf(' '));
      int dot = table.indexOf('.');
      differ(
          "the replicas' binlogs differ: row changes only natively "
              + shorten(missing)
              + "; only through Ferry "
              + shorten(extra)
              + "; "
              + firstDifference(table.substring(0, dot), table.substring(dot + 1)));
    }
    return read;
  }

  /**
   * Counts a server's row changes into {@code counts} (by a digest of the change, so that a long
   * run's millions of changes fit in memory), with {@code sign}; keeps a shortened text per digest
   * for the report. Returns how many it read.
   */
  private static long binlogRows(
      SandboxServer server,
      BinlogPosition start,
      List<String> schemas,
      Map<String, Integer> counts,
      Map<String, String> shown,
      int sign)
      throws Exception {
    long[] read = {0};
    forEachRow(
        server,
        start,
        (rc, change) -> {
          if (schemas.contains(rc.schema())) {
            String text = rc.schema() + "." + rc.table() + " " + change;
            String key = digest(text);
            counts.merge(key, sign, Integer::sum);
            shown.putIfAbsent(key, text.length() > 300 ? text.substring(0, 300) + "..." : text);
            read[0]++;
          }
        });
    return read[0];
  }

  private static String digest(String text) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String image(RowChanges rc, ColumnMask mask, Row row, boolean before) {
    if (mask == null) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rc.columns().size(); i++) {
      if (mask.contains(i)) {
        Object v = before ? row.before(i) : row.after(i);
        sb.append(rc.columns().get(i).displayName(i))
            .append('=')
            .append(Values.display(v))
            .append(' ');
      }
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ helpers

  static BinlogPosition head(SandboxServer s) throws SQLException {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
      rs.next();
      return new BinlogPosition(rs.getString(1), rs.getLong(2));
    }
  }

  private static void sql(SandboxServer s, String sql) throws SQLException {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static String value(SandboxServer s, String sql) throws SQLException {
    return value(s, sql, 1);
  }

  private static String value(SandboxServer s, String sql, int column) throws SQLException {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(column) : null;
    }
  }
}
