package io.ferry.server.provision;

import io.ferry.core.event.Change;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.target.SourceTable;
import io.ferry.core.target.Target;
import io.ferry.mysql.check.CheckTables;
import io.ferry.mysql.provision.ProvisionFloors;
import io.ferry.mysql.provision.Snapshot;
import io.ferry.mysql.provision.TableCopy;
import io.ferry.mysql.schema.SourceTables;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.server.check.Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisioning of a direct service's target from consistent snapshots of its source, while the
 * source takes writes. Each table is copied by one of {@code parallel} workers in a snapshot of its
 * own (its binlog position is the table's floor): its CREATE statements, then its rows in batches,
 * through the service's filters and target applier, committed on the target in one transaction, and
 * recorded in the state file {@code provision.state} in the service's directory. A run that stops
 * (a kill, a failure) resumes with the tables not recorded. At the end the floors go to {@link
 * ProvisionFloors#FILE} and the service's next start to the lowest floor, so replication applies
 * every later change once. Thread-safe.
 */
public final class ProvisionJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(ProvisionJob.class);

  /** The state file's name in the service's directory. */
  public static final String STATE = "provision.state";

  /**
   * What to provision.
   *
   * @param tables {@code schema} or {@code schema.table} names; none: every schema
   * @param parallel workers (source connections and target transactions at once)
   * @param batchRows rows per batch read and applied
   * @param restart forget what an earlier run copied
   * @param source where to take the snapshots instead of the service's source (a slave's master's
   *     source), or null
   */
  public record Request(
      List<String> tables, int parallel, int batchRows, boolean restart, SourceSettings source) {
    public Request {
      tables = List.copyOf(tables);
      if (parallel < 1 || parallel > 32) {
        throw new IllegalArgumentException("parallel: between 1 and 32");
      }
      if (batchRows < 1 || batchRows > 1_000_000) {
        throw new IllegalArgumentException("batch rows: between 1 and 1000000");
      }
    }
  }

  /** What a service gives a provisioning. */
  public interface Env {
    SourceSettings source();

    Path dir();

    Target target();

    /** The service's extract and apply filters, prepared; released by the caller. */
    List<Filter> filters();

    /** Called once every table is copied and the floors are written (after {@link #release}). */
    void done(BinlogPosition start);

    /** Releases the filters and the target (idempotent). */
    void release();
  }

  private static final class Progress {
    final String name;
    final long estimatedRows;
    String state = "waiting";
    long rows;
    long nanos;
    String note;

    Progress(String name, long estimatedRows) {
      this.name = name;
      this.estimatedRows = estimatedRows;
    }
  }

  private final String id;
  private final String service;
  private final Request request;
  private final Env env;
  private final Clock clock;
  private final Instant started;
  private final Map<String, Progress> tables = new LinkedHashMap<>();
  private volatile String state = "starting";
  private volatile String error;
  private volatile Instant finished;
  private volatile boolean stop;
  private Thread thread;

  public ProvisionJob(String id, String service, Request request, Env env, Clock clock) {
    this.id = id;
    this.service = service;
    this.request = request;
    this.env = env;
    this.clock = clock;
    this.started = clock.instant();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public boolean running() {
    return finished == null;
  }

  @Override
  public void stop() {
    stop = true;
  }

  public synchronized void start() {
    thread = new Thread(this::run, "provision-" + service);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      Path stateFile = env.dir().resolve(STATE);
      Files.createDirectories(env.dir());
      if (request.restart()) {
        Files.deleteIfExists(stateFile);
        Files.deleteIfExists(env.dir().resolve(ProvisionFloors.FILE));
      }
      if (!Files.exists(stateFile)) {
        Files.createFile(stateFile); // the service does not go online until this run ends
      }
      Map<String, BinlogPosition> done = readState(stateFile);
      java.util.Set<String> begun = begunState(stateFile);
      begun.removeAll(done.keySet());
      if (!begun.isEmpty()) {
        throw new IllegalStateException(
            "the run before stopped while it committed "
                + String.join(", ", begun)
                + " on the target: it may be there in full or not at all, and copying it again"
                + " onto itself would keep rows the source deleted since. Empty "
                + (begun.size() == 1 ? "it" : "them")
                + " on the target (TRUNCATE TABLE), delete "
                + (begun.size() == 1 ? "its line" : "their lines")
                + " starting with 'begin' from "
                + stateFile
                + ", and run ferry provision again");
      }
      List<CheckTables.Table> todo = new ArrayList<>();
      try (Connection c = SourceProbe.connect(env.source())) {
        for (CheckTables.Table t : CheckTables.find(c, request.tables())) {
          Progress p = new Progress(t.name(), t.estimatedRows());
          synchronized (this) {
            tables.put(t.name(), p);
          }
          if (done.containsKey(t.name())) {
            progress(p, "copied", "by an earlier run, at " + text(done.get(t.name())));
            continue;
          }
          todo.add(t);
        }
      }
      state = "running";
      createSchemas(todo);
      ConcurrentLinkedQueue<CheckTables.Table> queue = new ConcurrentLinkedQueue<>(todo);
      List<Thread> workers = new ArrayList<>();
      List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int w = 0; w < Math.min(request.parallel(), Math.max(1, todo.size())); w++) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    work(queue, stateFile);
                  } catch (Throwable e) {
                    failures.add(e);
                    stop = true;
                  }
                },
                "provision-" + service + "-" + w);
        t.setDaemon(true);
        t.start();
        workers.add(t);
      }
      for (Thread t : workers) {
        t.join();
      }
      if (!failures.isEmpty()) {
        throw failures.get(0);
      }
      if (stop) {
        state = "stopped";
        return;
      }
      Map<String, BinlogPosition> floors = readState(stateFile);
      ProvisionFloors.write(env.dir(), floors);
      Files.delete(stateFile);
      BinlogPosition start = new ProvisionFloors(floors).lowest();
      env.release();
      finished = clock.instant();
      state = "done";
      try {
        env.done(start);
      } catch (RuntimeException e) {
        // the copy is complete: what is left is going online, not provisioning again
        error =
            "copied; the service did not go online ("
                + e.getMessage()
                + "): bring it online with ferry online when that is mended";
        LOG.error("service {}: {}", service, error);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      state = "stopped";
    } catch (Throwable e) {
      error =
          (e.getMessage() == null ? e.toString() : e.getMessage())
              + (e instanceof SQLException s ? " (error " + s.getErrorCode() + ")" : "");
      state = "failed";
      LOG.error("service {}: provisioning {} failed: {}", service, id, error, e);
    } finally {
      env.release();
      if (finished == null) {
        finished = clock.instant();
      }
      LOG.info("service {}: provisioning {} {}", service, id, state);
    }
  }

  /** One worker: a source connection and a target applier, table after table. */
  private void work(ConcurrentLinkedQueue<CheckTables.Table> queue, Path stateFile)
      throws Exception {
    List<Filter> filters = env.filters();
    Applier applier = env.target().applier();
    try (Connection c = SourceProbe.connect(env.source())) {
      applier.lastCommitted();
      CheckTables.Table t;
      while (!stop && (t = queue.poll()) != null) {
        copy(c, t, applier, filters, stateFile);
      }
    } finally {
      applier.close();
    }
  }

  private void copy(
      Connection c, CheckTables.Table named, Applier applier, List<Filter> filters, Path stateFile)
      throws Exception {
    String name = named.name();
    Progress p;
    synchronized (this) {
      p = tables.get(name);
    }
    progress(p, "copying", null);
    long begun = System.nanoTime();
    BinlogPosition at = Snapshot.begin(c);
    try {
      // the definition as of the snapshot: a read of the table holds its metadata lock, so no
      // DDL on it commits until the copy ends
      try (Statement st = c.createStatement()) {
        st.executeQuery(
                "SELECT * FROM "
                    + io.ferry.mysql.check.ChunkSql.table(named.schema(), named.table())
                    + " LIMIT 0")
            .close();
      }
      SourceTable t = SourceTables.read(c, named.schema(), List.of(named.table())).get(0);
      String create = showCreate(c, t);
      List<Change> ddl =
          List.of(
              SqlStatement.of(
                  create,
                  t.schema(),
                  List.of(new io.ferry.core.event.SessionVariable("foreign_key_checks", 0L))));
      apply(applier, filters, transaction(ddl, at, true));
      applier.commit();
      long[] rows = new long[1];
      TableCopy.copy(
          c,
          t,
          request.batchRows(),
          batch -> {
            if (stop) {
              throw new InterruptedException("stopped");
            }
            apply(applier, filters, transaction(List.of(batch), at, false));
            rows[0] += batch.rows().size();
            synchronized (this) {
              p.rows = rows[0];
            }
          });
      applier.flush(); // what fails on the target fails here, before the commit
      // a stop from here until the table is recorded leaves it in doubt (committed or not)
      record(stateFile, "begin " + name, null);
      applier.commit();
      c.commit();
      record(stateFile, name, at);
      synchronized (this) {
        p.nanos = System.nanoTime() - begun;
      }
      progress(p, "copied", "snapshot at " + text(at));
    } catch (Exception e) {
      try {
        applier.rollback();
      } catch (RuntimeException r) {
        e.addSuppressed(r);
      }
      c.rollback();
      progress(p, "failed", e.getMessage());
      throw e;
    }
  }

  /** The schemas, one after another before the tables (creating them at once may collide). */
  private void createSchemas(List<CheckTables.Table> todo) throws Exception {
    java.util.Set<String> schemas = new java.util.LinkedHashSet<>();
    todo.forEach(t -> schemas.add(t.schema()));
    if (schemas.isEmpty()) {
      return;
    }
    List<Filter> filters = env.filters();
    Applier applier = env.target().applier();
    try {
      applier.lastCommitted();
      for (String schema : schemas) {
        String sql = "CREATE DATABASE IF NOT EXISTS `" + schema.replace("`", "``") + "`";
        apply(
            applier,
            filters,
            transaction(List.of(SqlStatement.of(sql, null, List.of())), null, true));
        applier.commit();
      }
    } finally {
      applier.close();
    }
  }

  private static void apply(Applier applier, List<Filter> filters, Transaction tx) {
    Transaction t = tx;
    for (Filter f : filters) {
      t = f.filter(t);
      if (t == null) {
        return;
      }
    }
    applier.apply(t);
  }

  /** A provisioning transaction: seqno -1 (no position of its own), at the table's snapshot. */
  private Transaction transaction(List<Change> changes, BinlogPosition at, boolean ddl) {
    Map<String, String> options = new TreeMap<>();
    if (ddl) {
      options.put(TransactionOptions.COMMIT_REQUIRED, "true");
    }
    options.put("foreign_key_checks", "0"); // tables come in any order, each at its own point
    TransactionHeader h =
        new TransactionHeader(
            -1, 0, 0, true, at, "", service, "", 0, clock.millis() * 1000, options);
    return new Transaction(h, changes);
  }

  /** The table's CREATE statement, made idempotent (a resumed run meets tables it created). */
  private static String showCreate(Connection c, SourceTable t) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SHOW CREATE TABLE `"
                    + t.schema().replace("`", "``")
                    + "`.`"
                    + t.name().replace("`", "``")
                    + "`")) {
      rs.next();
      String sql = rs.getString(2);
      return sql.replaceFirst("(?i)^CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ");
    }
  }

  /**
   * A line of the state file: {@code begin TABLE} before a table's rows reach the target, {@code
   * TABLE FILE:OFFSET} once they are committed there.
   */
  private static synchronized void record(Path stateFile, String table, BinlogPosition at)
      throws IOException {
    Files.writeString(
        stateFile,
        table + (at == null ? "" : " " + at.file() + ":" + at.offset()) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.SYNC);
  }

  /** The tables an earlier run copied, with their snapshot positions. */
  static Map<String, BinlogPosition> readState(Path stateFile) throws IOException {
    Map<String, BinlogPosition> m = new TreeMap<>();
    if (!Files.exists(stateFile)) {
      return m;
    }
    for (String line : Files.readAllLines(stateFile, StandardCharsets.UTF_8)) {
      String l = line.strip();
      int space = l.lastIndexOf(' ');
      if (space > 0 && !l.startsWith("begin ")) {
        try {
          m.put(l.substring(0, space), BinlogPosition.parse(l.substring(space + 1)));
        } catch (RuntimeException e) {
          // a line torn by a crash while it was written: that table is copied again
        }
      }
    }
    return m;
  }

  /** The tables whose rows an earlier run began to send to the target. */
  static java.util.Set<String> begunState(Path stateFile) throws IOException {
    java.util.Set<String> s = new java.util.TreeSet<>();
    if (Files.exists(stateFile)) {
      for (String line : Files.readAllLines(stateFile, StandardCharsets.UTF_8)) {
        if (line.startsWith("begin ")) {
          s.add(line.substring(6).strip());
        }
      }
    }
    return s;
  }

  private static String text(BinlogPosition p) {
    return p.file() + ":" + p.offset();
  }

  private synchronized void progress(Progress p, String s, String note) {
    p.state = s;
    p.note = note;
  }

  @Override
  public synchronized Map<String, Object> status() {
    Map<String, Object> m =
        Job.header(id, "provision", false, state, started, finished, clock, null, error);
    long estimated = 0;
    long rows = 0;
    int done = 0;
    List<Object> list = new ArrayList<>();
    for (Progress p : tables.values()) {
      estimated += Math.max(p.estimatedRows, p.rows);
      rows += p.rows;
      done += p.state.equals("copied") ? 1 : 0;
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("table", p.name);
      t.put("state", p.state);
      t.put("chunks", 0);
      t.put("rows", p.rows);
      t.put("estimatedRows", p.estimatedRows);
      t.put("seconds", p.nanos / 1e9);
      t.put("note", p.note);
      list.add(t);
    }
    m.put("tablesDone", done);
    m.put("tablesTotal", tables.size());
    m.put("chunks", 0);
    m.put("rows", rows);
    m.put("estimatedRows", estimated);
    m.put("tables", list);
    return m;
  }
}
