package io.ferry.bench;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.parallel.ParallelStatus;
import io.ferry.core.pipeline.StageStatus;
import io.ferry.core.position.BinlogPosition;
import io.ferry.sandbox.Account;
import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.server.config.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** A Ferry master and slave service, in this JVM, from a source to a replica. */
final class FerryPair implements AutoCloseable {
  final Service master;
  final Service slave;

  FerryPair(
      Path dir,
      String name,
      SandboxServer source,
      BinlogPosition from,
      SandboxServer replica,
      int port,
      int blockEvents,
      String blockLatency,
      boolean logToBinlog)
      throws Exception {
    this(dir, name, source, from, replica, port, blockEvents, blockLatency, logToBinlog, List.of());
  }

  /**
   * @param slaveExtra more settings of the slave service ({@code key = value}), such as parallel
   *     apply's channels and scheduler
   */
  FerryPair(
      Path dir,
      String name,
      SandboxServer source,
      BinlogPosition from,
      SandboxServer replica,
      int port,
      int blockEvents,
      String blockLatency,
      boolean logToBinlog,
      List<String> slaveExtra)
      throws Exception {
    Files.createDirectories(dir);
    List<String> m = masterLines(dir, name, source, source.replicator(), from, port);
    m.add("apply.block-commit-events = " + blockEvents);
    m.add("apply.block-commit-latency = " + blockLatency);
    Path mf = dir.resolve(name + ".conf");
    Files.write(mf, m);
    List<String> s =
        slaveLines(
            dir, name + "_r", port, replica, replica.replicator(), blockEvents, blockLatency);
    // The same durability as a native replica: what Ferry applies is written to the target's
    // binlog too (log-slave-updates), fsynced with it (sync_binlog=1).
    s.add("target.log-to-binlog = " + logToBinlog);
    s.addAll(slaveExtra);
    Path sf = dir.resolve(name + "_r.conf");
    Files.write(sf, s);
    master = new Service(ServiceConfig.load(mf), Clock.systemUTC());
    slave = new Service(ServiceConfig.load(sf), Clock.systemUTC());
  }

  /**
   * A master service's settings: extracts {@code source}'s binlog from {@code from}, serves THL.
   */
  static List<String> masterLines(
      Path dir, String name, SandboxServer source, Account account, BinlogPosition from, int port) {
    List<String> m = new ArrayList<>();
    m.add("service.name = " + name);
    m.add("service.role = master");
    m.add("service.dir = " + dir.resolve(name));
    m.add("source.host = 127.0.0.1");
    m.add("source.port = " + source.port());
    m.add("source.user = " + account.user());
    m.add("source.password = " + account.password());
    m.add("source.start = " + from.file() + ":" + from.offset());
    m.add("thl.serve.port = " + port);
    m.add("thl.serve.heartbeat = 200ms");
    return m;
  }

  /** A slave service's settings: the THL served on {@code port}, applied to {@code target}. */
  static List<String> slaveLines(
      Path dir,
      String name,
      int port,
      SandboxServer target,
      Account account,
      int blockEvents,
      String blockLatency) {
    List<String> s = new ArrayList<>();
    s.add("service.name = " + name);
    s.add("service.role = slave");
    s.add("service.dir = " + dir.resolve(name));
    s.add("master.uri = thl://127.0.0.1:" + port);
    s.add("target.host = 127.0.0.1");
    s.add("target.port = " + target.port());
    s.add("target.user = " + account.user());
    s.add("target.password = " + account.password());
    s.add("apply.block-commit-events = " + blockEvents);
    s.add("apply.block-commit-latency = " + blockLatency);
    return s;
  }

  /** A service from its settings, written to {@code dir/NAME.conf}. */
  static Service service(Path dir, String name, List<String> lines) throws Exception {
    Files.createDirectories(dir);
    Path f = dir.resolve(name + ".conf");
    Files.write(f, lines);
    return new Service(ServiceConfig.load(f), Clock.systemUTC());
  }

  /** Whether a service has committed everything up to {@code target} of its source's binlog. */
  static boolean reached(Service s, BinlogPosition target) {
    if (s.state() == Service.State.OFFLINE_ERROR) {
      throw new IllegalStateException(s.name() + " failed: " + s.failure().message());
    }
    if (!(s.applied().nativePosition() instanceof BinlogPosition p)) {
      return false;
    }
    int cmp = p.file().compareTo(target.file());
    return cmp > 0 || (cmp == 0 && p.offset() >= target.offset());
  }

  void online() {
    master.online(Service.OnlineOptions.NONE);
    slave.online(Service.OnlineOptions.NONE);
  }

  /** Whether the slave has applied everything up to {@code target}; fails if a service failed. */
  boolean reached(BinlogPosition target) {
    for (Service s : List.of(master, slave)) {
      if (s.state() == Service.State.OFFLINE_ERROR) {
        throw new IllegalStateException(s.name() + " failed: " + s.failure().message());
      }
    }
    Checkpoint c = slave.applied();
    if (!(c.nativePosition() instanceof BinlogPosition p)) {
      return false;
    }
    int cmp = p.file().compareTo(target.file());
    return cmp > 0 || (cmp == 0 && p.offset() >= target.offset());
  }

  void await(BinlogPosition target) throws InterruptedException {
    while (!reached(target)) {
      Thread.sleep(5);
    }
  }

  /** The slave's parallel apply at a glance, or null when it applies on one channel. */
  ParallelStatus parallelStatus() {
    for (StageStatus st : slave.status().stages()) {
      if (st.parallel() != null) {
        return st.parallel();
      }
    }
    return null;
  }

  /** The slave's apply stage retries since it went online, and the last reason, or "". */
  String retries() {
    List<StageStatus> stages = slave.status().stages();
    StageStatus last = stages.get(stages.size() - 1);
    return last.retries() == 0 ? "" : last.retries() + " retries, the last: " + last.lastRetry();
  }

  @Override
  public void close() {
    slave.close();
    master.close();
  }
}
