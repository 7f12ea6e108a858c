package io.ferry.server;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.pipeline.Pipeline;
import io.ferry.core.pipeline.PipelineFailure;
import io.ferry.core.pipeline.SkipSeqnos;
import io.ferry.core.pipeline.StageStatus;
import io.ferry.server.config.ServiceConfig;
import io.ferry.server.config.ServiceSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One replication service and its state machine:
 *
 * <pre>
 *   OFFLINE:NORMAL ──online──► GOING-ONLINE:SYNCHRONIZING ──► ONLINE ──offline──► GOING-OFFLINE ──► OFFLINE:NORMAL
 *         ▲                              │                       │
 *         └──────online (skip)─── OFFLINE:ERROR ◄────failure─────┘
 * </pre>
 *
 * Going online builds the role's pipeline and starts it (each stage resumes after its applier's
 * last commit); going offline stops every stage at a transaction boundary and releases the THL and
 * its server. A failure in any stage takes the service to OFFLINE:ERROR with the seqno, native
 * position and message; {@code online} (optionally skipping seqnos) leaves it again. Requests that
 * do not fit the state are refused with the reason. Thread-safe.
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

    @Override
    public String toString() {
      return text;
    }
  }

  /** Why the service is in OFFLINE:ERROR. */
  public record Failure(
      String stage, long seqno, String nativePosition, String message, Instant at) {}

  /** What to do when going online. */
  public record OnlineOptions(SkipSeqnos skip) {
    public static final OnlineOptions NONE = new OnlineOptions(null);
  }

  private final ServiceConfig config;
  private final Path dir;
  private final Clock clock;
  private volatile State state = State.OFFLINE_NORMAL;
  private volatile Instant stateSince;
  private volatile Failure failure;
  private volatile Roles.Parts parts;

  public Service(ServiceConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.stateSince = clock.instant();
    this.dir =
        config.isSet(ServiceSettings.DIR)
            ? config.path(ServiceSettings.DIR)
            : defaultDir(config.name());
  }

  static Path defaultDir(String name) {
    boolean root = "root".equals(System.getProperty("user.name"));
    return root
        ? Path.of("/var/lib/ferry/services", name)
        : Path.of(System.getProperty("user.home"), ".local/share/ferry/services", name);
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
    if (state != State.OFFLINE_NORMAL && state != State.OFFLINE_ERROR) {
      throw new ServiceStateException(
          "service " + name() + " is " + state + ": only an offline service can go online");
    }
    transition(State.GOING_ONLINE);
    List<Filter> filters = new ArrayList<>();
    if (options.skip() != null) {
      filters.add(options.skip());
    }
    Roles.Parts p;
    try {
      java.nio.file.Files.createDirectories(dir);
      p = Roles.build(config, dir, filters, clock);
    } catch (java.io.IOException | RuntimeException e) {
      fail(new Failure("", -1, null, "cannot go online: " + e.getMessage(), clock.instant()));
      throw new ServiceStateException(
          "service " + name() + " cannot go online: " + e.getMessage(), e);
    }
    parts = p;
    failure = null;
    p.pipeline.onFailure(this::pipelineFailed);
    try {
      if (p.server != null) {
        p.server.start();
      }
      p.pipeline.start();
    } catch (RuntimeException e) {
      p.closeResources();
      parts = null;
      fail(new Failure("", -1, null, "cannot go online: " + e.getMessage(), clock.instant()));
      throw new ServiceStateException(
          "service " + name() + " cannot go online: " + e.getMessage(), e);
    }
    if (p.epoch != 0 && p.thl != null) {
      LOG.info("service {} is online as {} with epoch {}", name(), role(), p.epoch);
    }
    if (state == State.GOING_ONLINE) {
      transition(State.ONLINE);
    }
  }

  /** Takes the service offline cleanly: every stage stops at a transaction boundary. */
  public synchronized void offline() {
    if (state == State.OFFLINE_NORMAL || state == State.OFFLINE_ERROR) {
      throw new ServiceStateException("service " + name() + " is " + state + " already");
    }
    transition(State.GOING_OFFLINE);
    stopParts(Duration.ofMinutes(2));
    if (state == State.GOING_OFFLINE) {
      transition(State.OFFLINE_NORMAL);
    }
  }

  private void stopParts(Duration timeout) {
    Roles.Parts p = parts;
    parts = null;
    if (p == null) {
      return;
    }
    try {
      if (!p.pipeline.stop(timeout)) {
        LOG.warn("service {}: stages did not stop cleanly within {}", name(), timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      p.closeResources();
    }
  }

  /** Called on the failing stage's thread; the teardown runs on a thread of its own. */
  private void pipelineFailed(PipelineFailure f) {
    Failure failed =
        new Failure(
            f.stage(),
            f.seqno(),
            f.nativePosition() == null
                ? null
                : f.nativePosition().kind() + " " + f.nativePosition().text(),
            f.message(),
            clock.instant());
    Thread t =
        new Thread(
            () -> {
              synchronized (this) {
                fail(failed);
                stopParts(Duration.ofSeconds(30));
              }
            },
            "service-" + name() + "-error");
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

  /** The stages' status (empty when offline). */
  public List<StageStatus> stages() {
    Roles.Parts p = parts;
    return p == null ? List.of() : p.pipeline.status();
  }

  /** The last stage's committed checkpoint: what has been applied (or stored, for a master). */
  public Checkpoint applied() {
    List<StageStatus> s = stages();
    return s.isEmpty() ? Checkpoint.NONE : s.get(s.size() - 1).committed();
  }

  /** The running parts, for status (null when offline). */
  Roles.Parts parts() {
    return parts;
  }

  Pipeline pipeline() {
    Roles.Parts p = parts;
    return p == null ? null : p.pipeline;
  }

  @Override
  public synchronized void close() {
    if (state == State.ONLINE || state == State.GOING_ONLINE) {
      offline();
    } else {
      stopParts(Duration.ofSeconds(30));
    }
  }
}
