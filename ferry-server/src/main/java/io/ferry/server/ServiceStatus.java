package io.ferry.server;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.net.RemoteThlExtractor;
import io.ferry.core.net.ThlServer;
import io.ferry.core.pipeline.StageStatus;
import io.ferry.core.thl.Thl;
import io.ferry.server.config.MultiMasterSettings;
import io.ferry.server.config.ServiceSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * A service at a glance, and the detail behind it. Immutable snapshot.
 *
 * @param name the service
 * @param role master, slave, direct or dummy
 * @param state its state, like {@code ONLINE}
 * @param stateSince when it entered the state
 * @param timeInStateMillis how long it has been in it
 * @param onlineSince when it last went online, if it is online
 * @param uptimeMillis how long it has been online (0 if it is not)
 * @param appliedSeqno the last seqno applied (stored, for a master), or -1
 * @param appliedEpoch its epoch
 * @param appliedNativePosition its source position, or null
 * @param appliedLatencyMillis now minus the source commit time of the last applied transaction (-1
 *     if unknown)
 * @param relativeLatencyMillis how long ago the last block was committed (-1 if none)
 * @param storedFirstSeqno the first seqno in the service's THL, or null
 * @param storedLastSeqno the last seqno in the service's THL, or null
 * @param epoch the epoch a master stamps on new transactions (0 for other roles)
 * @param error why it is in OFFLINE:ERROR, or null
 * @param retrying why and since when a stage of an online service keeps retrying (a source, target
 *     or master unreachable, a master that cannot read its log), or null
 * @param pendingOffline the "until" or deferred offline request it waits for, or null
 * @param errors how many times it went OFFLINE:ERROR since the process started
 * @param stages each stage's status (when offline, as it was when the service went offline)
 * @param shards per-shard progress of the applying stage
 * @param replicas replicas connected to a master
 * @param master a slave's view of its master, or null
 * @param target what the target's appliers have done, by status section ({@code applier}, {@code
 *     conflicts} where the target detects them; see {@link io.ferry.core.target.Target#stats}),
 *     empty when the service applies nothing or is not running
 * @param shardViolations shard home violations by kind (no-home, wrong-home, errant, local-dropped)
 *     since the process started
 * @param origins who feeds the service and whom it feeds, and what its origin filters did (relay
 *     policy, origins applied, own transactions passed over)
 */
public record ServiceStatus(
    String name,
    String role,
    String state,
    Instant stateSince,
    long timeInStateMillis,
    Instant onlineSince,
    long uptimeMillis,
    long appliedSeqno,
    long appliedEpoch,
    String appliedNativePosition,
    long appliedLatencyMillis,
    long relativeLatencyMillis,
    Long storedFirstSeqno,
    Long storedLastSeqno,
    long epoch,
    Service.Failure error,
    Retrying retrying,
    String pendingOffline,
    long errors,
    List<StageStatus> stages,
    List<ShardTracker.Shard> shards,
    List<ThlServer.Replica> replicas,
    RemoteThlExtractor.Status master,
    java.util.Map<String, java.util.Map<String, Object>> target,
    java.util.Map<String, Long> shardViolations,
    Origins origins) {

  /**
   * Who feeds whom, and the multi-master facts of a running service.
   *
   * @param from where it reads: the source {@code host:port} (binlog readers) or the master's
   *     {@code thl://} address(es) (slaves)
   * @param to where it writes: the target {@code host:port} (appliers) or the THL port it serves
   *     ({@code thl :PORT}, masters), or null (dummy)
   * @param relay a master's (or direct service's) relay policy and what it passed on, or null when
   *     it is not running or has none
   * @param apply the origins a slave (or direct service) applied and the own ones it passed over,
   *     or null when it is not running or applies nothing
   */
  public record Origins(
      String from,
      String to,
      String relayPolicy,
      io.ferry.mysql.origin.RelayFilter.Status relay,
      io.ferry.mysql.origin.LocalOriginFilter.Status apply) {
    static Origins of(Service s, Roles.Parts p) {
      io.ferry.server.config.ServiceConfig c = s.config();
      String role = c.role();
      String from =
          ServiceSettings.MASTER_URI.appliesTo(role)
              ? c.text(ServiceSettings.MASTER_URI)
              : c.get(ServiceSettings.SOURCE_HOST) + ":" + c.get(ServiceSettings.SOURCE_PORT);
      String to =
          ServiceSettings.TARGET_HOST.appliesTo(role)
              ? c.get(ServiceSettings.TARGET_HOST) + ":" + c.get(ServiceSettings.TARGET_PORT)
              : ServiceSettings.SERVE_PORT.appliesTo(role)
                  ? "thl :" + c.get(ServiceSettings.SERVE_PORT)
                  : null;
      String policy =
          MultiMasterSettings.SOURCE_RELAY.appliesTo(role)
              ? c.get(MultiMasterSettings.SOURCE_RELAY).text()
              : null;
      return new Origins(
          from,
          to,
          policy,
          p == null || p.relay == null ? null : p.relay.status(),
          p == null || p.localOrigin == null ? null : p.localOrigin.status());
    }
  }

  /**
   * A stage that keeps retrying: the service is online but not making progress.
   *
   * @param stage the stage
   * @param reason the last failure's message
   * @param since when the retries began
   * @param retries retries of the stage since the service went online
   */
  public record Retrying(String stage, String reason, Instant since, long retries) {
    static Retrying of(List<StageStatus> stages) {
      for (StageStatus st : stages) {
        if (st.retrying()) {
          return new Retrying(
              st.name(),
              st.lastRetry(),
              Instant.ofEpochMilli(st.retryingSinceMillis()),
              st.retries());
        }
      }
      return null;
    }
  }

  static ServiceStatus of(
      Service s, Roles.Parts p, Service.Metrics metrics, ShardTracker shards, Clock clock) {
    long now = clock.millis();
    List<StageStatus> stages = s.stages(); // when offline: as they were when they stopped
    StageStatus last = stages.isEmpty() ? null : stages.get(stages.size() - 1);
    Checkpoint applied = last == null ? Checkpoint.NONE : last.committed();
    Long first = null;
    Long lastStored = null;
    if (p != null && p.thl != null) {
      first = p.thl.firstSeqno().isPresent() ? p.thl.firstSeqno().getAsLong() : null;
      lastStored = p.thl.lastSeqno().isPresent() ? p.thl.lastSeqno().getAsLong() : null;
    } else if (p == null && hasThl(s)) {
      Long[] range = s.offlineStored(() -> readStored(s, clock));
      first = range[0];
      lastStored = range[1];
    }
    Instant online = s.onlineSince();
    return new ServiceStatus(
        s.name(),
        s.role(),
        s.state().toString(),
        s.stateSince(),
        now - s.stateSince().toEpochMilli(),
        online,
        online == null ? 0 : now - online.toEpochMilli(),
        applied.isNone() ? -1 : applied.seqno(),
        applied.epoch(),
        applied.nativePosition() == null
            ? null
            : applied.nativePosition().kind() + " " + applied.nativePosition().text(),
        last == null ? -1 : last.latencyMillis(),
        applied.isNone() || applied.sourceCommitMicros() <= 0
            ? -1
            : Math.max(0, now - applied.sourceCommitMicros() / 1000),
        first,
        lastStored,
        p == null ? 0 : p.epoch,
        s.failure(),
        p == null ? null : Retrying.of(stages),
        s.pendingOffline(),
        metrics.errors.get(),
        stages,
        shards == null ? List.of() : onChannels(shards.shards(), p, now),
        p == null || p.server == null ? List.of() : p.server.replicas(),
        p == null || p.remote == null ? null : p.remote.status(),
        p == null || p.target == null ? java.util.Map.of() : p.target.stats(),
        metrics.shardViolations.byLabel(),
        Origins.of(s, p));
  }

  /**
   * Each shard with its channel and how far that channel is behind the shard's last transaction,
   * when the service applies in parallel.
   */
  private static List<ShardTracker.Shard> onChannels(
      List<ShardTracker.Shard> shards, Roles.Parts p, long now) {
    io.ferry.core.parallel.ParallelApplier parallel = p == null ? null : p.parallelNow();
    if (parallel == null) {
      return shards;
    }
    io.ferry.core.parallel.ParallelStatus par = parallel.status();
    List<ShardTracker.Shard> out = new java.util.ArrayList<>(shards.size());
    for (ShardTracker.Shard sh : shards) {
      int ch = parallel.channelOfShard(sh.id());
      long lag = -1;
      if (ch >= 0 && ch < par.channels().size()) {
        Checkpoint at = par.channels().get(ch).position();
        if (!at.isNone() && at.seqno() >= sh.lastSeqno()) {
          lag = 0;
        } else if (!at.isNone() && at.sourceCommitMicros() > 0) {
          lag = Math.max(0, now - at.sourceCommitMicros() / 1000);
        }
      }
      out.add(sh.onChannel(ch, lag));
    }
    return out;
  }

  /** An offline service's THL range, from its files. */
  private static Long[] readStored(Service s, Clock clock) {
    Path dir = Roles.thlSettings(s.config(), s.dir(), clock).dir();
    if (Files.isDirectory(dir)) {
      try (Thl thl = Thl.openReadOnly(dir)) {
        return new Long[] {
          thl.firstSeqno().isPresent() ? thl.firstSeqno().getAsLong() : null,
          thl.lastSeqno().isPresent() ? thl.lastSeqno().getAsLong() : null
        };
      } catch (RuntimeException e) {
        // the log is unreadable right now; status says nothing of it (until it changes state)
      }
    }
    return new Long[] {null, null};
  }

  private static boolean hasThl(Service s) {
    return s.role().equals(ServiceSettings.MASTER) || s.role().equals(ServiceSettings.SLAVE);
  }
}
