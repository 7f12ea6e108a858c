package io.ferry.server.check;

import io.ferry.mysql.check.CheckTables;
import io.ferry.mysql.check.ChunkMarker;
import io.ferry.mysql.check.RangeText;
import io.ferry.mysql.check.SourceCheck;
import io.ferry.mysql.check.SourceRepair;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consistency check or repair a service runs on its source, on a thread of its own: the tables
 * chosen, their chunks marked (see {@link SourceCheck}) or repaired (see {@link SourceRepair}), its
 * progress readable at any time from any thread ({@link #status()}), stoppable. A check pauses
 * while the service's own latency is above the run's maximum lag. Thread-safe.
 */
public final class CheckJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(CheckJob.class);

  /**
   * What to do.
   *
   * @param repair a repair (else a check)
   * @param tables {@code schema} or {@code schema.table} names; for a repair, exactly one table
   * @param ranges a repair's key ranges ({@link RangeText}); none: the whole table
   * @param dryRun a repair that only counts what it would re-send
   * @param maxLagSeconds a check pauses while the service's latency is above it
   */
  public record Request(
      boolean repair,
      List<String> tables,
      List<String> ranges,
      SourceCheck.Settings settings,
      boolean dryRun,
      double maxLagSeconds) {
    public Request {
      tables = List.copyOf(tables);
      ranges = List.copyOf(ranges);
      if (repair && tables.size() != 1) {
        throw new IllegalArgumentException(
            "a repair is of one table (schema.table), not " + tables.size());
      }
      if (!repair && !ranges.isEmpty()) {
        throw new IllegalArgumentException("ranges are for a repair; a check chunks the table");
      }
      if (maxLagSeconds <= 0) {
        throw new IllegalArgumentException("max lag: more than 0 seconds");
      }
    }
  }

  /** Where a table stands in the run. */
  private static final class TableProgress {
    final String name;
    final long estimatedRows;
    String state = "waiting";
    int chunks;
    long rows;
    long nanos;
    String note;
    final List<Map<String, Object>> ranges = new ArrayList<>();

    TableProgress(String name, long estimatedRows) {
      this.name = name;
      this.estimatedRows = estimatedRows;
    }
  }

  private final String id;
  private final String service;
  private final Request request;
  private final SourceSettings source;
  private final String markerSchema;
  private final Function<String, String> notHere;
  private final LongSupplier latencyMillis;
  private final Clock clock;
  private final Instant started;
  private final List<TableProgress> tables = new ArrayList<>();
  private volatile String state = "starting";
  private volatile String waiting;
  private volatile String error;
  private volatile Instant finished;
  private volatile boolean stop;
  private boolean markedOnce; // the run's thread only
  private volatile String current; // the table being worked on
  private Thread thread;

  /**
   * @param notHere why a schema is not checked or repaired by this service (multi-master), or null
   * @param latencyMillis the service's latency now
   */
  public CheckJob(
      String id,
      String service,
      Request request,
      SourceSettings source,
      String markerSchema,
      Function<String, String> notHere,
      LongSupplier latencyMillis,
      Clock clock) {
    this.id = id;
    this.service = service;
    this.request = request;
    this.source = source;
    this.markerSchema = markerSchema;
    this.notHere = notHere;
    this.latencyMillis = latencyMillis;
    this.clock = clock;
    this.started = clock.instant();
  }

  @Override
  public String id() {
    return id;
  }

  public synchronized void start() {
    thread = new Thread(this::run, (request.repair() ? "repair-" : "check-") + service);
    thread.setDaemon(true);
    thread.start();
  }

  /** Asks it to stop after the chunk it is at. */
  @Override
  public void stop() {
    stop = true;
  }

  @Override
  public boolean running() {
    return finished == null;
  }

  private void run() {
    try (Connection c = SourceProbe.connect(source)) {
      SourceCheck.prepare(c, markerSchema);
      List<CheckTables.Table> found = CheckTables.find(c, request.tables());
      synchronized (this) {
        for (CheckTables.Table t : found) {
          tables.add(new TableProgress(t.name(), t.estimatedRows()));
        }
      }
      state = "running";
      for (int i = 0; i < found.size() && !stop; i++) {
        CheckTables.Table t = found.get(i);
        TableProgress p = tables.get(i);
        String why = notHere.apply(t.schema());
        if (why != null) {
          if (request.repair()) {
            throw new IllegalArgumentException(
                t.name() + " is not repaired by service " + service + ": " + why);
          }
          progress(p, "skipped", why);
          continue;
        }
        current = t.name();
        if (request.repair()) {
          repair(c, t, p);
        } else {
          check(c, t, p);
        }
      }
      state = stop ? "stopped" : "done";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      state = "stopped";
    } catch (SQLException | RuntimeException e) {
      error =
          (current == null ? "" : current + ": ")
              + e.getMessage()
              + (e instanceof SQLException s ? " (error " + s.getErrorCode() + ")" : "")
              + " at the source "
              + source.address()
              + "; run it again when that is mended";
      state = "failed";
      LOG.error("service {}: {} {} failed: {}", service, kind(), id, error);
    } finally {
      finished = clock.instant();
      LOG.info("service {}: {} {} {}", service, kind(), id, state);
    }
  }

  private void check(Connection c, CheckTables.Table t, TableProgress p)
      throws SQLException, InterruptedException {
    progress(p, "checking", null);
    SourceCheck check =
        new SourceCheck(
            c,
            markerSchema,
            id,
            request.settings(),
            new SourceCheck.Watcher() {
              @Override
              public void table(CheckTables.Table table) {}

              @Override
              public void marked(ChunkMarker m, long nanos) {
                synchronized (CheckJob.this) {
                  p.chunks++;
                  p.rows += m.rows();
                  p.nanos += nanos;
                }
              }

              @Override
              public boolean mayGoOn() throws InterruptedException {
                return pauseWhileBehind();
              }
            });
    boolean whole = check.check(t);
    progress(
        p,
        whole ? "marked" : "stopped",
        t.keys().isEmpty() ? "no primary or unique NOT NULL key: one chunk" : null);
  }

  /**
   * Waits while the service is behind. Its latency is the age of the last transaction it stored,
   * which is this run's last marker when it keeps up; before the first marker an idle source looks
   * late, so the first chunk does not wait.
   */
  private boolean pauseWhileBehind() throws InterruptedException {
    long max = (long) (request.maxLagSeconds() * 1000);
    if (!markedOnce) {
      markedOnce = true;
      return !stop;
    }
    while (!stop) {
      long lag = latencyMillis.getAsLong();
      if (lag <= max) {
        waiting = null;
        return true;
      }
      waiting =
          "service "
              + service
              + " is "
              + lag / 1000
              + " s behind its source (max lag "
              + max / 1000
              + " s)";
      Thread.sleep(250);
    }
    return false;
  }

  private void repair(Connection c, CheckTables.Table t, TableProgress p) throws SQLException {
    progress(p, request.dryRun() ? "counting" : "repairing", null);
    List<RangeText.Range> ranges = new ArrayList<>();
    for (String r : request.ranges()) {
      if (t.keys().isEmpty()) {
        throw new IllegalArgumentException(
            t.name()
                + " has no primary or unique NOT NULL key: it is repaired whole, without"
                + " --range");
      }
      ranges.add(RangeText.parse(r, t.keys().size()));
    }
    long begun = System.nanoTime();
    List<SourceRepair.Done> done =
        new SourceRepair(c, markerSchema, id)
            .repair(
                t,
                ranges,
                request.settings().chunkRows() > 0 ? request.settings().chunkRows() : 10_000,
                request.dryRun());
    synchronized (this) {
      for (SourceRepair.Done d : done) {
        p.chunks++;
        p.rows += d.rows();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("range", d.range());
        m.put("rows", d.rows());
        p.ranges.add(m);
      }
      p.nanos = System.nanoTime() - begun;
    }
    progress(p, request.dryRun() ? "counted" : "repaired", null);
  }

  private synchronized void progress(TableProgress p, String s, String note) {
    p.state = s;
    p.note = note;
  }

  private String kind() {
    return request.repair() ? (request.dryRun() ? "repair dry run" : "repair") : "check";
  }

  /** Where it stands: plain values for the API. */
  @Override
  public synchronized Map<String, Object> status() {
    Map<String, Object> m =
        Job.header(
            id,
            request.repair() ? "repair" : "check",
            request.dryRun(),
            state,
            started,
            finished,
            clock,
            waiting,
            error);
    long estimated = 0;
    long rows = 0;
    int chunks = 0;
    int done = 0;
    List<Object> list = new ArrayList<>();
    for (TableProgress p : tables) {
      estimated += Math.max(p.estimatedRows, p.rows);
      rows += p.rows;
      chunks += p.chunks;
      boolean over = !p.state.equals("waiting") && !p.state.endsWith("ing");
      done += over ? 1 : 0;
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("table", p.name);
      t.put("state", p.state);
      t.put("chunks", p.chunks);
      t.put("rows", p.rows);
      t.put("estimatedRows", p.estimatedRows);
      t.put("seconds", p.nanos / 1e9);
      t.put("note", p.note);
      if (!p.ranges.isEmpty()) {
        t.put("ranges", List.copyOf(p.ranges));
      }
      list.add(t);
    }
    m.put("tablesDone", done);
    m.put("tablesTotal", tables.size());
    m.put("chunks", chunks);
    m.put("rows", rows);
    m.put("estimatedRows", estimated);
    m.put("tables", list);
    return m;
  }
}
