package io.ferry.server;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.pipeline.PipelineFailure;
import io.ferry.core.pipeline.SkipSeqnos;
import io.ferry.core.pipeline.StageStatus;
import io.ferry.core.pipeline.StopCondition;
import io.ferry.core.position.NativePosition;
import io.ferry.core.thl.ThlCorruptionException;
import io.ferry.core.thl.ThlVerifier;
import io.ferry.server.config.ServiceConfig;
import io.ferry.server.config.ServiceSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One replication service and its state machine:
 *
 * <pre>
 *   OFFLINE:NORMAL ──online──► GOING-ONLINE:SYNCHRONIZING ──► ONLINE ──offline──► GOING-OFFLINE ──► OFFLINE:NORMAL
 *         ▲                              │                     │  │
 *         │                              └──────failure────────┤  └──until / deferred offline reached──► (offline)
 *         └──────────────online (skip)───── OFFLINE:ERROR ◄────┘
 * </pre>
 *
 * Going online builds the role's pipeline and starts it (each stage resumes after its applier's
 * last commit, or where the operator said); going offline stops every stage at a transaction
 * boundary (or at once, {@code immediate}) and releases the THL and its server. A failure in any
 * stage takes the service to OFFLINE:ERROR with the stage, seqno, native position and message. An
 * "until" condition or a deferred offline request takes it offline by itself when reached. Requests
 * that do not fit the state are refused with the reason. Thread-safe.
 */
public final class Service implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Service.class);

  /** The states. */
  public enum State {
    OFFLINE_NORMAL("OFFLINE:NORMAL"),
    GOING_ONLINE("GOING-ONLINE:SYNCHRONIZING"),
    ONLINE("ONLINE"),
    GOING_OFFLINE("GOING-OFFLINE"),
    OFFLINE_ERROR("OFFLINE:ERROR");

    private final String text;

    State(String text) {
      this.text = text;
    }

    /** Reads {@code OFFLINE:NORMAL}, {@code offline}, {@code ONLINE} and the like. */
    public static State parse(String text) {
      String t = text.trim().toUpperCase(java.util.Locale.ROOT);
      for (State s : values()) {
        if (s.text.equals(t) || s.name().equals(t.replace('-', '_').replace(':', '_'))) {
          return s;
        }
      }
      if (t.equals("OFFLINE")) {
        return OFFLINE_NORMAL;
      }
      if (t.equals("GOING-ONLINE")) {
        return GOING_ONLINE;
      }
      throw new IllegalArgumentException(
          "unknown state '"
              + text
              + "': OFFLINE:NORMAL, GOING-ONLINE:SYNCHRONIZING, ONLINE, GOING-OFFLINE,"
              + " OFFLINE:ERROR");
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** Why the service is in OFFLINE:ERROR. */
  public record Failure(
      String stage, long seqno, String nativePosition, String message, Instant at) {}

  /**
   * What to do when going online.
   *
   * @param skip seqnos to skip (recorded as a gap), or null
   * @param fromSeqno a slave applies from this seqno instead of after its catalog, or null
   * @param fromEvent a binlog-reading service reads from this source position instead, or null
   * @param until the service goes offline by itself when this is reached, or null
   */
  public record OnlineOptions(
      SkipSeqnos skip, Long fromSeqno, NativePosition fromEvent, StopCondition until) {
    public static final OnlineOptions NONE = new OnlineOptions(null, null, null, null);

    public OnlineOptions(SkipSeqnos skip) {
      this(skip, null, null, null);
    }
  }

  private final Path dir;
  private final Clock clock;
  private volatile ServiceConfig config;
  private volatile State state = State.OFFLINE_NORMAL;
  private volatile Instant stateSince;
  private volatile Instant onlineSince;
  private volatile Failure failure;
  private volatile Roles.Parts parts;
  // the THL's first and last seqno while offline, read once (status is asked every few seconds)
  private volatile Long[] offlineStored;
  // the last run's parts once stopped (or stopping): its stages' status, and its threads to await
  private volatile Roles.Parts previous;
  private volatile boolean retired;
  private final Metrics metrics = new Metrics();
  private volatile ShardTracker shards;
  private volatile io.ferry.server.check.Job checkJob;
  private final io.ferry.server.shard.ShardHomes homes;

  public Service(ServiceConfig config, Clock clock) {
    this(
        config,
        clock,
        io.ferry.server.shard.ShardHomes.inMemory(io.ferry.server.shard.HomeMap.EMPTY));
  }

  /** A service that enforces the shard home map {@code homes} (its replicator's). */
  public Service(ServiceConfig config, Clock clock, io.ferry.server.shard.ShardHomes homes) {
    this.config = config;
    this.clock = clock;
    this.homes = homes;
    this.stateSince = clock.instant();
    this.dir = config.serviceDir();
  }

  public String name() {
    return config.name();
  }

  public String role() {
    return config.role();
  }

  public ServiceConfig config() {
    return config;
  }

  public Path dir() {
    return dir;
  }

  /**
   * The conflicts in the exceptions table of this service's target, newest first (see {@link
   * io.ferry.core.target.Target#conflicts}).
   */
  public java.util.List<java.util.Map<String, Object>> conflicts(
      String table, Instant since, int limit) {
    if (!role().equals(ServiceSettings.SLAVE) && !role().equals(ServiceSettings.DIRECT)) {
      throw new IllegalArgumentException(
          "service " + name() + " is a " + role() + ": only slave and direct services apply");
    }
    try (io.ferry.core.target.Target t = Roles.target(config, clock)) {
      return t.conflicts(table, since, limit);
    }
  }

  public State state() {
    return state;
  }

  public Instant stateSince() {
    return stateSince;
  }

  /** Why it is in OFFLINE:ERROR, or null. */
  public Failure failure() {
    return failure;
  }

  /** Brings the service online from OFFLINE:NORMAL or OFFLINE:ERROR. */
  public synchronized void online(OnlineOptions options) {
    refuseIfRetired();
    if (state != State.OFFLINE_NORMAL && state != State.OFFLINE_ERROR) {
      throw new ServiceStateException(
          "service " + name() + " is " + state + ": only an offline service can go online");
    }
    awaitPreviousRun();
    io.ferry.server.check.Job job = checkJob;
    if (job instanceof io.ferry.server.provision.ProvisionJob && job.running()) {
      throw new ServiceStateException(
          "service "
              + name()
              + " is being provisioned ("
              + job.id()
              + "): it goes online"
              + " by itself when that ends (ferry check status; ferry check stop)");
    }
    Checkpoint startAt = startAt(options);
    transition(State.GOING_ONLINE);
    List<Filter> first = new ArrayList<>();
    if (options.skip() != null) {
      first.add(options.skip());
    }
    io.ferry.mysql.provision.ProvisionFloors floors = Provisioning.floors(this, config, clock);
    if (floors != null) {
      first.add(floors);
    }
    ShardTracker tracker = new ShardTracker();
    List<Filter> last = new ArrayList<>();
    Filter homeFilter = ShardHomeFilters.of(config, homes, metrics.shardViolations, clock);
    if (homeFilter != null) {
      last.add(homeFilter);
    }
    last.add(tracker);
    Roles.Parts p;
    try {
      Files.createDirectories(dir);
      p = Roles.build(config, dir, first, last, startAt, homes.map().critical(), clock);
    } catch (IOException | RuntimeException | Error e) {
      // a filter's script may fail its top level with an Error (stack, heap, a class that cannot
      // load): the service must not stay GOING-ONLINE for it
      String why = e.getMessage() != null ? e.getMessage() : e.toString();
      fail(new Failure("", -1, null, "cannot go online: " + why, clock.instant()));
      throw new ServiceStateException("service " + name() + " cannot go online: " + why, e);
    }
    failure = null;
    shards = tracker;
    p.pipeline.onFailure(f -> pipelineFailed(p, f));
    p.pipeline.onConditionMet(c -> conditionMet(p, c));
    if (options.until() != null) {
      p.pipeline.stopWhen(options.until());
    }
    try {
      if (p.server != null) {
        p.server.start();
      }
      parts = p;
      p.pipeline.start();
    } catch (RuntimeException e) {
      parts = null;
      p.closeResources();
      fail(new Failure("", -1, null, "cannot go online: " + e.getMessage(), clock.instant()));
      throw new ServiceStateException(
          "service " + name() + " cannot go online: " + e.getMessage(), e);
    }
    if (p.epoch != 0) {
      LOG.info("service {} is going online as {} with epoch {}", name(), role(), p.epoch);
    }
    if (state == State.GOING_ONLINE) {
      onlineSince = clock.instant();
      transition(State.ONLINE);
    }
    if (p.thl != null) {
      background("thl-check", () -> checkSealedSegments(p));
    }
  }

  /**
   * A stage stopped at once may still be inside a call the target has not answered (interrupts do
   * not cancel a socket read); a new run must not start beside it.
   */
  private void awaitPreviousRun() {
    Roles.Parts before = previous;
    if (before == null) {
      return;
    }
    try {
      if (!before.pipeline.awaitTermination(Duration.ofSeconds(5))) {
        throw new ServiceStateException(
            "service "
                + name()
                + ": a stage of its previous run is still finishing a call to the database"
                + " (a long statement the target has not answered yet); it can go online once"
                + " that ends");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceStateException("interrupted while waiting for the previous run", e);
    }
  }

  /** Where the applying stage starts, from the options or a pending switchover start. */
  private Checkpoint startAt(OnlineOptions o) {
    boolean readsBinlog = !role().equals(ServiceSettings.SLAVE);
    if (o.fromSeqno() != null) {
      if (readsBinlog) {
        throw new ServiceStateException(
            "service "
                + name()
                + " is a "
                + role()
                + ": from-seqno is for a slave (it applies a THL); a "
                + role()
                + " starts from a source position (from-event)");
      }
      return new Checkpoint(o.fromSeqno() - 1, 0, 0, true, null, 0);
    }
    NativePosition event = o.fromEvent();
    if (event == null && readsBinlog) {
      event = Switchover.pendingStart(config, this);
    }
    if (event == null && role().equals(ServiceSettings.DIRECT)) {
      event = Provisioning.start(this, config, clock);
    }
    if (event == null && !readsBinlog) {
      Long seqno = Provisioning.slaveStart(this, config, clock);
      if (seqno != null) {
        return new Checkpoint(seqno - 1, 0, 0, true, null, 0);
      }
    }
    if (event != null) {
      if (!readsBinlog) {
        throw new ServiceStateException(
            "service " + name() + " is a slave: it starts from a seqno (from-seqno), not an event");
      }
      return new Checkpoint(-1, 0, 0, true, event, 0);
    }
    return null;
  }

  /** Takes the service offline: cleanly at a transaction boundary, or at once. */
  public synchronized void offline(boolean immediate) {
    if (state == State.OFFLINE_NORMAL || state == State.OFFLINE_ERROR) {
      throw new ServiceStateException("service " + name() + " is " + state + " already");
    }
    transition(State.GOING_OFFLINE);
    Optional<PipelineFailure> failed = stopParts(Duration.ofMinutes(2), immediate);
    if (state == State.GOING_OFFLINE) {
      if (failed.isPresent()) {
        // a stage failed while finishing its transaction: the stop is not clean, say why
        metrics.errors.incrementAndGet();
        fail(failure(failed.get()));
      } else {
        transition(State.OFFLINE_NORMAL);
      }
    }
  }

  public void offline() {
    offline(false);
  }

  /** Goes offline by itself once the condition is reached (at once if it is already). */
  public synchronized void offlineDeferred(StopCondition condition) {
    Roles.Parts p = parts;
    if (state != State.ONLINE || p == null) {
      throw new ServiceStateException(
          "service " + name() + " is " + state + ": a deferred offline needs an online service");
    }
    p.pipeline.stopWhen(condition);
    LOG.info("service {} will go offline {}", name(), condition.describe());
  }

  /** The pending "until" or deferred offline request, described, or null. */
  public String pendingOffline() {
    Roles.Parts p = parts;
    return p == null ? null : p.pipeline.pendingStop().map(StopCondition::describe).orElse(null);
  }

  /**
   * Stops the current pipeline and closes what it used; returns the failure of a stage that failed
   * before or during the stop (what an immediate stop interrupts is not a failure).
   */
  private Optional<PipelineFailure> stopParts(Duration timeout, boolean immediate) {
    Roles.Parts p = parts;
    if (p == null) {
      return Optional.empty();
    }
    previous = p;
    parts = null;
    try {
      if (immediate) {
        p.pipeline.stopNow();
      } else if (!p.pipeline.stop(timeout)) {
        LOG.warn("service {}: stages did not stop cleanly within {}", name(), timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      p.closeResources();
      Switchover.startConsumed(dir, p);
    }
    return p.pipeline.failure();
  }

  /** Called on the failing stage's thread; the teardown runs on a thread of its own. */
  private void pipelineFailed(Roles.Parts from, PipelineFailure f) {
    Failure failed = failure(f);
    background(
        "error",
        () -> {
          synchronized (this) {
            if (parts != from) {
              // an earlier online's pipeline, stopped meanwhile: not this online's business
              LOG.info("service {}: after its stop, {}", name(), failed.message());
              return;
            }
            metrics.errors.incrementAndGet();
            // stopped first: in OFFLINE:ERROR the service holds nothing (its THL is closed, so
            // an operator can repair it at once)
            stopParts(Duration.ofSeconds(30), false);
            fail(failed);
          }
        });
  }

  /**
   * Reads every sealed segment of the THL a service just opened: a damaged old segment is the
   * service's own error at once (with the command that cuts the log before it), not a replica's
   * endless retries when it first needs that segment.
   */
  private void checkSealedSegments(Roles.Parts from) {
    ThlCorruptionException damage;
    try {
      damage = ThlVerifier.verifySealed(from.thl);
    } catch (IOException | RuntimeException e) {
      if (parts == from) {
        LOG.warn("service {}: cannot verify its THL: {}", name(), e.getMessage());
      }
      return;
    }
    if (damage == null) {
      return;
    }
    synchronized (this) {
      if (parts != from) {
        return;
      }
      metrics.errors.incrementAndGet();
      stopParts(Duration.ofSeconds(30), false);
      fail(
          new Failure(
              "thl",
              damage.seqno(),
              null,
              "the THL of this service is damaged: " + damage.getMessage(),
              clock.instant()));
    }
  }

  private Failure failure(PipelineFailure f) {
    return new Failure(
        f.stage(),
        f.seqno(),
        f.nativePosition() == null
            ? null
            : f.nativePosition().kind() + " " + f.nativePosition().text(),
        f.message(),
        clock.instant());
  }

  /** The last stage stopped at its "until" or deferred condition: the service goes offline. */
  private void conditionMet(Roles.Parts from, String condition) {
    background(
        "offline",
        () -> {
          synchronized (this) {
            if (state == State.ONLINE && parts == from) {
              LOG.info("service {}: {} reached; going offline", name(), condition);
              offline(false);
            }
          }
        });
  }

  private void background(String what, Runnable r) {
    Thread t = new Thread(r, "service-" + name() + "-" + what);
    t.setDaemon(true);
    t.start();
  }

  private void fail(Failure f) {
    failure = f;
    MDC.put("service", name());
    LOG.error("service {} failed: {}", name(), f.message());
    MDC.remove("service");
    transition(State.OFFLINE_ERROR);
  }

  private void transition(State next) {
    LOG.info("service {}: {} -> {}", name(), state, next);
    offlineStored = null; // read again once it is offline
    state = next;
    stateSince = clock.instant();
  }

  /** Waits until the service is in a state (true) or the timeout passes (false). */
  public boolean await(State wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (state != wanted) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Inserts a named heartbeat at the source; it travels through the log like a transaction. */
  public void heartbeat(String name) {
    if (role().equals(ServiceSettings.SLAVE)) {
      throw new ServiceStateException(
          "service "
              + name()
              + " is a slave: heartbeats enter at the service that reads the binlog (its master)");
    }
    Heartbeats.insert(Roles.sourceSettings(config), Roles.heartbeatSchema(name()), name);
  }

  /**
   * Starts a consistency check or repair on the source (docs/operations.md): refused for a slave
   * (checks enter where the binlog is read), for a service that is not online (its latency paces
   * the run), and while another runs. Returns its status.
   */
  public synchronized java.util.Map<String, Object> check(
      io.ferry.server.check.CheckJob.Request request) {
    if (!ServiceSettings.READS_BINLOG.contains(role())) {
      throw new ServiceStateException(
          "service "
              + name()
              + " is a "
              + role()
              + ": checks and repairs enter at the service that reads the binlog (its master);"
              + " run them there, and read the results here with ferry check status");
    }
    if (state != State.ONLINE) {
      throw new ServiceStateException(
          "service " + name() + " is " + state + ": a check runs while it is ONLINE");
    }
    io.ferry.server.check.Job running = checkJob;
    if (running != null && running.running()) {
      throw new ServiceStateException(
          "service "
              + name()
              + " is already running "
              + running.id()
              + " (ferry check status; ferry check stop)");
    }
    String id =
        (request.repair() ? "repair-" : "check-")
            + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
                .withZone(java.time.ZoneOffset.UTC)
                .format(clock.instant());
    io.ferry.server.check.CheckJob job =
        new io.ferry.server.check.CheckJob(
            id,
            name(),
            request,
            Roles.sourceSettings(config),
            Roles.heartbeatSchema(name()),
            this::notHere,
            () -> Math.max(0, status().appliedLatencyMillis()),
            clock);
    checkJob = job;
    job.start();
    return job.status();
  }

  /**
   * Starts provisioning the target from snapshots of the source (docs/operations.md): a direct
   * service, or a slave given its master's source ({@link
   * io.ferry.server.provision.ProvisionJob.Request#source}), that is offline, with an empty
   * catalog, and no other job running. The service goes online by itself when the copy is done.
   * Returns the job's status.
   */
  public synchronized java.util.Map<String, Object> provision(
      io.ferry.server.provision.ProvisionJob.Request request) {
    refuseProvisioning(request.source() != null);
    String id =
        "provision-"
            + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
                .withZone(java.time.ZoneOffset.UTC)
                .format(clock.instant());
    io.ferry.server.provision.ProvisionJob job =
        new io.ferry.server.provision.ProvisionJob(
            id, name(), request, Provisioning.env(this, config, request.source(), clock), clock);
    checkJob = job;
    job.start();
    return job.status();
  }

  /**
   * Records that the target was restored from a backup of the source taken at binlog position
   * {@code at} (docs/operations.md): the service then starts as a provisioned one whose every table
   * was copied there, and goes online. A dry run only says whether it would. Returns what it did.
   */
  public synchronized java.util.Map<String, Object> seed(
      io.ferry.core.position.BinlogPosition at, boolean dryRun) {
    refuseProvisioning(null);
    if (!dryRun) {
      Provisioning.seed(this, at);
      online(OnlineOptions.NONE);
    }
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("service", name());
    m.put("seededAt", at.file() + ":" + at.offset());
    m.put("state", state.toString());
    return m;
  }

  /** {@code sourceGiven}: whether a snapshot source was given (null: nothing is copied). */
  private void refuseProvisioning(Boolean sourceGiven) {
    Provisioning.refuse(this, config, clock, state, checkJob, sourceGiven);
  }

  /**
   * Why a schema is not checked or repaired here, or null: with a shard home map (multi-master), a
   * chunk is checked at its shard's home only — not at another site, not for a shard without a home
   * (several sites may write it), not for a #LOCAL shard (never replicated).
   */
  private String notHere(String schema) {
    io.ferry.server.shard.HomeMap map = homes.map();
    if (map.entries().isEmpty()) {
      return null;
    }
    io.ferry.server.shard.HomeMap.Entry e = map.get(schema);
    if (e == null) {
      return "no home in the shard home map: with several masters it is checked at its home"
          + " (ferry shard set "
          + schema
          + " HOME)";
    }
    if (e.local()) {
      return "a #LOCAL shard: not replicated";
    }
    return e.home().equals(name()) ? null : "home is service " + e.home() + ": check it there";
  }

  /**
   * The last check or repair this service ran on its source (null if none), and what its target
   * recorded (null for a master, or a target type that does not check).
   */
  public java.util.Map<String, Object> checkStatus(String checkId, int runs) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    io.ferry.server.check.Job job = checkJob;
    m.put("service", name());
    m.put("job", job == null ? null : job.status());
    java.util.Map<String, Object> results = null;
    if (ServiceSettings.APPLIES.contains(role())) {
      try (io.ferry.core.target.Target t = Roles.target(config, clock)) {
        results = t.checks(checkId, runs);
        if (results == null) {
          m.put(
              "note",
              t.describe()
                  + " does not record consistency checks, and passes over repairs (MariaDB/MySQL"
                  + " targets do both)");
        }
      }
    }
    m.put("results", results);
    return m;
  }

  /** Stops the running check or repair after its current chunk; false if none runs. */
  public boolean stopCheck() {
    io.ferry.server.check.Job job = checkJob;
    if (job == null || !job.running()) {
      return false;
    }
    job.stop();
    return true;
  }

  /**
   * Switchover: makes an offline service a master (reading the binlog of the database it applied
   * to) or a slave (of {@code uri}, applying to the database it read). The configuration file is
   * rewritten; see {@link Switchover}.
   */
  public synchronized void setRole(String role, String uri) {
    refuseIfRetired();
    if (state != State.OFFLINE_NORMAL && state != State.OFFLINE_ERROR) {
      throw new ServiceStateException(
          "service " + name() + " is " + state + ": take it offline before changing its role");
    }
    config = Switchover.setRole(this, role, uri);
    failure = null;
    if (state == State.OFFLINE_ERROR) {
      transition(State.OFFLINE_NORMAL);
    }
    LOG.info("service {} is now a {}", name(), role());
  }

  /** Deletes the THL and/or drops the catalog; the service must be offline. */
  public synchronized void reset(boolean thl, boolean catalog) {
    refuseIfRetired();
    if (state != State.OFFLINE_NORMAL && state != State.OFFLINE_ERROR) {
      throw new ServiceStateException(
          "service " + name() + " is " + state + ": take it offline before a reset");
    }
    Switchover.reset(this, thl, catalog);
    offlineStored = null;
    failure = null;
    if (state == State.OFFLINE_ERROR) {
      transition(State.OFFLINE_NORMAL);
    }
  }

  /** The stages' status: the running ones, else the last run's (empty before any). */
  public List<StageStatus> stages() {
    Roles.Parts p = parts;
    if (p == null) {
      p = previous; // offline or going offline: the last run's stages
    }
    return p == null ? List.of() : p.pipeline.status();
  }

  /** The last stage's committed checkpoint: what has been applied (or stored, for a master). */
  public Checkpoint applied() {
    List<StageStatus> s = stages();
    return s.isEmpty() ? Checkpoint.NONE : s.get(s.size() - 1).committed();
  }

  /** The status at a glance, and the detail. */
  public ServiceStatus status() {
    return ServiceStatus.of(this, parts, metrics, shards, clock);
  }

  /**
   * The first and last seqno of its THL while it is offline (null elements: none), read from the
   * files once per offline period.
   */
  Long[] offlineStored(java.util.function.Supplier<Long[]> read) {
    Long[] r = offlineStored;
    if (r == null) {
      r = read.get();
      offlineStored = r;
    }
    return r;
  }

  /** The bytes its THL holds while it runs, or null. */
  public Long thlBytes() {
    Roles.Parts p = parts;
    return p == null || p.thl == null ? null : p.thl.totalBytes();
  }

  /** The port it serves its THL on while it runs (a master), or null. */
  public Integer servesOn() {
    Roles.Parts p = parts;
    return p == null || p.server == null ? null : p.server.port();
  }

  Instant onlineSince() {
    return state == State.ONLINE ? onlineSince : null;
  }

  /** Counters kept across onlines, for metrics. */
  static final class Metrics {
    final java.util.concurrent.atomic.AtomicLong errors =
        new java.util.concurrent.atomic.AtomicLong();
    final io.ferry.server.shard.ShardViolations shardViolations =
        new io.ferry.server.shard.ShardViolations();
  }

  /**
   * A closed service (its file removed or reloaded) takes no more requests: one that reached it
   * through an old reference while the replicator replaced it must not start it again.
   */
  private void refuseIfRetired() {
    if (retired) {
      throw new ServiceStateException(
          "service " + name() + " was just reloaded or removed; ask again (ferry services)");
    }
  }

  @Override
  public synchronized void close() {
    retired = true;
    io.ferry.server.check.Job job = checkJob;
    if (job != null) {
      job.stop(); // a check, repair or provisioning stops after its chunk (or table)
    }
    if (state == State.ONLINE || state == State.GOING_ONLINE) {
      offline(false);
    } else {
      stopParts(Duration.ofSeconds(30), false);
    }
  }
}
