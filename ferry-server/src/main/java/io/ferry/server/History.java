package io.ferry.server;

import io.ferry.core.parallel.ParallelStatus;
import io.ferry.core.pipeline.StageStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last hour of each service, kept in memory at a fixed resolution for the console's charts:
 * applied latency, transactions and row changes per second, THL bytes per second, the receive queue
 * (bytes) and the parallel channels' queues (transactions), retries per interval. A sampler thread
 * takes one point a service every {@link #RESOLUTION_SECONDS}; a service's series starts again when
 * it is reloaded. Thread-safe.
 */
public final class History implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(History.class);
  public static final int RESOLUTION_SECONDS = 10;
  public static final int POINTS = 3600 / RESOLUTION_SECONDS;

  /** What each point holds, in order after its time. */
  public static final List<String> COLUMNS =
      List.of(
          "time",
          "latencySeconds",
          "transactionsPerSecond",
          "rowChangesPerSecond",
          "thlBytesPerSecond",
          "queueBytes",
          "channelQueue",
          "retries");

  /** One service's ring of points and the counters the last point was taken from. */
  private static final class Series {
    final Service service;
    final double[][] points = new double[POINTS][];
    int next;
    int size;
    long lastMillis;
    long events;
    long rows;
    long retries;
    Long thlBytes; // the last size seen, kept while the service is offline
    boolean failed;

    Series(Service service) {
      this.service = service;
    }

    synchronized void add(double[] p) {
      points[next] = p;
      next = (next + 1) % POINTS;
      size = Math.min(size + 1, POINTS);
    }

    synchronized List<double[]> list() {
      List<double[]> out = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        out.add(points[(next - size + i + POINTS) % POINTS]);
      }
      return out;
    }
  }

  private final Supplier<List<Service>> services;
  private final Clock clock;
  private final Map<String, Series> series = new ConcurrentHashMap<>();
  private Thread sampler;
  private volatile boolean closed;

  public History(Supplier<List<Service>> services, Clock clock) {
    this.services = services;
    this.clock = clock;
  }

  public synchronized void start() {
    if (sampler != null) {
      return;
    }
    sampler = new Thread(this::run, "history-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void run() {
    long next = System.nanoTime();
    while (!closed) {
      try {
        sample();
      } catch (RuntimeException e) {
        LOG.warn("history: cannot list the services ({}); trying again", e.toString());
      }
      next += RESOLUTION_SECONDS * 1_000_000_000L;
      try {
        Thread.sleep(Math.max(100, (next - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Takes one point of every service now; a service that cannot say has no point this time. */
  void sample() {
    List<Service> now = services.get();
    series.keySet().removeIf(name -> now.stream().noneMatch(s -> s.name().equals(name)));
    for (Service s : now) {
      Series x =
          series.compute(s.name(), (k, v) -> v == null || v.service != s ? new Series(s) : v);
      try {
        point(x, s.status());
      } catch (RuntimeException e) {
        if (!x.failed) {
          LOG.warn("history of service {}: {} (said once)", s.name(), e.toString());
          x.failed = true;
        }
      }
    }
  }

  private void point(Series x, ServiceStatus st) {
    long millis = clock.millis();
    long events = 0;
    long rows = 0;
    long retries = 0;
    long queued = 0;
    if (!st.stages().isEmpty()) {
      StageStatus last = st.stages().get(st.stages().size() - 1);
      events = last.appliedEvents();
      rows = last.appliedRows();
      for (StageStatus stage : st.stages()) {
        retries += stage.retries();
        if (stage.parallel() != null) {
          for (ParallelStatus.ChannelStatus c : stage.parallel().channels()) {
            queued += c.queued();
          }
        }
      }
    }
    Long thl = x.service.thlBytes();
    // the log's growth; none when unknown, or when it shrank (retention purged a segment)
    double thlRate =
        thl == null || x.thlBytes == null || thl < x.thlBytes || x.lastMillis == 0
            ? Double.NaN
            : rate(thl, x.thlBytes, (millis - x.lastMillis) / 1000.0);
    double seconds = x.lastMillis == 0 ? 0 : (millis - x.lastMillis) / 1000.0;
    double[] p = {
      millis / 1000.0,
      st.appliedLatencyMillis() < 0 ? Double.NaN : st.appliedLatencyMillis() / 1000.0,
      rate(events, x.events, seconds),
      rate(rows, x.rows, seconds),
      thlRate,
      st.master() == null ? Double.NaN : st.master().queuedBytes(),
      queued,
      x.lastMillis == 0 ? 0 : Math.max(0, retries - x.retries)
    };
    x.lastMillis = millis;
    x.events = events;
    x.rows = rows;
    x.retries = retries;
    x.thlBytes = thl == null ? x.thlBytes : thl;
    x.add(p);
  }

  /** Per second since the last point; a counter that went back (a restart) counts from zero. */
  private static double rate(long now, long before, double seconds) {
    if (seconds <= 0) {
      return 0;
    }
    return Math.max(0, now >= before ? now - before : now) / seconds;
  }

  /** A service's points, oldest first: {@code {resolutionSeconds, columns, points}}. */
  public Map<String, Object> of(String service) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("service", service);
    m.put("resolutionSeconds", RESOLUTION_SECONDS);
    m.put("columns", COLUMNS);
    List<Object> points = new ArrayList<>();
    Series x = series.get(service);
    if (x != null) {
      for (double[] p : x.list()) {
        List<Object> row = new ArrayList<>(p.length);
        for (double v : p) {
          row.add(Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0);
        }
        points.add(row);
      }
    }
    m.put("points", points);
    return m;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (sampler != null) {
      sampler.interrupt();
    }
  }
}
