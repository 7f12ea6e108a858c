package io.ferry.bench;

import io.ferry.sandbox.SandboxServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures replication lag as a user sees it: a probe row is committed on the source 20 times a
 * second (the time taken just before the insert, so no replica can see the row earlier); a watcher
 * per replica polls for it every 2 ms on one connection and records when it became visible there.
 * Lag = visible on the replica − sent to the source, same machine, same clock: it includes the
 * source's own commit (its fsyncs) for every replica alike, and the polling adds up to 2 ms.
 */
final class LagProbe {
  /** Percentiles of one replica's lag, in milliseconds. */
  record Summary(double p50, double p99, int count) {}

  private final SandboxServer source;
  private final List<SandboxServer> replicas;
  private final ConcurrentHashMap<Long, Long> committedAt = new ConcurrentHashMap<>();

  LagProbe(SandboxServer source, List<SandboxServer> replicas) {
    this.source = source;
    this.replicas = replicas;
  }

  void install() throws Exception {
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE IF NOT EXISTS ferry_lag");
      st.execute("CREATE TABLE IF NOT EXISTS ferry_lag.probe (id BIGINT PRIMARY KEY)");
    }
    for (SandboxServer r : replicas) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!hasTable(r)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the probe table did not replicate to " + r.port());
        }
        Thread.sleep(20);
      }
    }
  }

  private static boolean hasTable(SandboxServer r) {
    try (Connection c = r.connect(r.root(), "");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT COUNT(*) FROM information_schema.TABLES"
                    + " WHERE TABLE_SCHEMA = 'ferry_lag' AND TABLE_NAME = 'probe'")) {
      return rs.next() && rs.getInt(1) == 1;
    } catch (Exception e) {
      return false;
    }
  }

  List<Summary> measure(int seconds) throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    List<List<Double>> lags = new ArrayList<>();
    List<Thread> watchers = new ArrayList<>();
    for (SandboxServer r : replicas) {
      List<Double> list = java.util.Collections.synchronizedList(new ArrayList<>());
      lags.add(list);
      Thread t = new Thread(() -> watch(r, list, running), "lag-watch-" + r.port());
      t.setDaemon(true);
      t.start();
      watchers.add(t);
    }
    try (Connection c = source.connect(source.root(), "");
        PreparedStatement ps = c.prepareStatement("INSERT INTO ferry_lag.probe VALUES (?)")) {
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      long id = 1;
      while (System.nanoTime() < end) {
        ps.setLong(1, id);
        // Taken before the insert: no replica can see the row earlier, and no fast sample is
        // lost to a watcher that sees the row before its time is recorded.
        committedAt.put(id, System.nanoTime());
        ps.executeUpdate();
        id++;
        Thread.sleep(50);
      }
    }
    Thread.sleep(3000); // let the replicas show the last probes
    running.set(false);
    for (Thread t : watchers) {
      t.join();
    }
    List<Summary> result = new ArrayList<>();
    for (List<Double> l : lags) {
      double[] v = l.stream().mapToDouble(Double::doubleValue).toArray();
      Arrays.sort(v);
      result.add(
          v.length == 0
              ? new Summary(Double.NaN, Double.NaN, 0)
              : new Summary(percentile(v, 0.50), percentile(v, 0.99), v.length));
    }
    return result;
  }

  private void watch(SandboxServer r, List<Double> lags, AtomicBoolean running) {
    long seen = 0;
    try (Connection c = r.connect(r.root(), "");
        PreparedStatement ps = c.prepareStatement("SELECT MAX(id) FROM ferry_lag.probe")) {
      while (running.get()) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long max = rs.getLong(1);
          long now = System.nanoTime();
          for (long id = seen + 1; id <= max; id++) {
            Long at = committedAt.get(id);
            if (at != null) {
              lags.add((now - at) / 1e6);
            }
          }
          seen = Math.max(seen, max);
        }
        Thread.sleep(2);
      }
    } catch (Exception e) {
      throw new IllegalStateException("watching the lag on " + r.port() + " failed", e);
    }
  }

  private static double percentile(double[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
