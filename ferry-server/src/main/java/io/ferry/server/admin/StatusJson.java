package io.ferry.server.admin;

import io.ferry.core.pipeline.StageStatus;
import io.ferry.server.Service;
import io.ferry.server.ServiceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A service's status as the admin API's JSON: plain maps, times as ISO-8601 UTC text. */
public final class StatusJson {
  private StatusJson() {}

  /** The summary of {@code GET /api/v1/services}. */
  public static Map<String, Object> summary(ServiceStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("role", s.role());
    m.put("state", s.state());
    m.put("appliedLastSeqno", s.appliedSeqno());
    m.put("appliedLastEventId", s.appliedNativePosition());
    m.put("appliedLatencySeconds", seconds(s.appliedLatencyMillis()));
    m.put("relativeLatencySeconds", seconds(s.relativeLatencyMillis()));
    m.put("pendingError", s.error() == null ? null : s.error().message());
    m.put("retrying", retrying(s.retrying()));
    if (s.origins() != null) {
      m.put("from", s.origins().from());
      m.put("to", s.origins().to());
      m.put("relay", s.origins().relayPolicy());
    }
    return m;
  }

  /** Everything of {@code GET /api/v1/services/NAME}. */
  public static Map<String, Object> full(ServiceStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("role", s.role());
    m.put("state", s.state());
    m.put("stateSince", time(s.stateSince()));
    m.put("timeInStateSeconds", seconds(s.timeInStateMillis()));
    m.put("onlineSince", time(s.onlineSince()));
    m.put("uptimeSeconds", seconds(s.uptimeMillis()));
    m.put("appliedLastSeqno", s.appliedSeqno());
    m.put("appliedLastEpoch", s.appliedEpoch());
    m.put("appliedLastEventId", s.appliedNativePosition());
    m.put("appliedLatencySeconds", seconds(s.appliedLatencyMillis()));
    m.put("relativeLatencySeconds", seconds(s.relativeLatencyMillis()));
    m.put("storedFirstSeqno", s.storedFirstSeqno());
    m.put("storedLastSeqno", s.storedLastSeqno());
    m.put("epoch", s.epoch());
    m.put("pendingError", error(s.error()));
    m.put("retrying", retrying(s.retrying()));
    m.put("pendingOffline", s.pendingOffline());
    m.put("errorsSinceStart", s.errors());
    m.put("stages", stages(s.stages()));
    List<Object> shards = new ArrayList<>();
    s.shards()
        .forEach(
            sh -> {
              Map<String, Object> x = new LinkedHashMap<>();
              x.put("shard", sh.id());
              x.put("lastSeqno", sh.lastSeqno());
              x.put("transactions", sh.transactions());
              x.put("channel", sh.channel() < 0 ? null : sh.channel());
              x.put("lagSeconds", sh.lagMillis() < 0 ? null : sh.lagMillis() / 1000.0);
              x.put(
                  "lastSourceCommit",
                  sh.lastSourceCommitMicros() <= 0
                      ? null
                      : time(Instant.ofEpochMilli(sh.lastSourceCommitMicros() / 1000)));
              shards.add(x);
            });
    m.put("shards", shards);
    m.put("replicas", replicas(s));
    if (s.master() != null) {
      m.put("master", master(s));
    }
    s.target().forEach(m::putIfAbsent); // applier, conflicts: the target type's sections
    m.put("shardHomeViolations", s.shardViolations());
    if (s.origins() != null && (s.origins().relay() != null || s.origins().apply() != null)) {
      m.put("origins", origins(s.origins()));
    }
    return m;
  }

  /** A running service's multi-master facts (docs/multi-master.md). */
  private static Map<String, Object> origins(io.ferry.server.ServiceStatus.Origins o) {
    Map<String, Object> x = new LinkedHashMap<>();
    if (o.relay() != null) {
      x.put("relay", o.relay().policy());
      x.put("sourceServerId", o.relay().sourceServerId() < 0 ? null : o.relay().sourceServerId());
      x.put("relayedForeign", o.relay().relayedForeign());
      x.put("droppedForeign", o.relay().droppedForeign());
    }
    if (o.apply() != null) {
      x.put("skipLocalOrigin", o.apply().enabled());
      x.put("targetServerId", o.apply().targetServerId() < 0 ? null : o.apply().targetServerId());
      x.put("skippedLocalOrigin", o.apply().skippedLocalOrigin());
      x.put(
          "firstSkippedSeqno",
          o.apply().firstSkippedSeqno() < 0 ? null : o.apply().firstSkippedSeqno());
      x.put("applied", o.apply().applied());
    }
    return x;
  }

  static List<Object> stages(List<StageStatus> stages) {
    List<Object> list = new ArrayList<>();
    for (StageStatus st : stages) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("name", st.name());
      x.put("state", st.state());
      x.put("committedSeqno", st.committed().isNone() ? -1 : st.committed().seqno());
      x.put(
          "committedEventId",
          st.committed().nativePosition() == null
              ? null
              : st.committed().nativePosition().kind()
                  + " "
                  + st.committed().nativePosition().text());
      x.put("appliedEvents", st.appliedEvents());
      x.put("filteredEvents", st.filteredEvents());
      x.put("commits", st.commits());
      x.put("latencySeconds", seconds(st.latencyMillis()));
      x.put("retries", st.retries());
      x.put("lastRetry", st.lastRetry());
      x.put(
          "retryingSince",
          st.retrying() ? time(Instant.ofEpochMilli(st.retryingSinceMillis())) : null);
      if (st.delayMillis() > 0) {
        x.put("delaySeconds", st.delayMillis() / 1000.0);
        x.put(
            "delayedUntil",
            st.delayedUntilMillis() > 0
                ? time(Instant.ofEpochMilli(st.delayedUntilMillis()))
                : null);
      }
      if (!st.filters().isEmpty()) {
        x.put("filters", filters(st.filters()));
      }
      if (st.parallel() != null) {
        x.put("parallel", parallel(st.parallel()));
      }
      list.add(x);
    }
    return list;
  }

  private static Map<String, Object> parallel(io.ferry.core.parallel.ParallelStatus p) {
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("scheduler", p.scheduler());
    x.put("serialized", p.serialized());
    x.put("serializedLast", p.serializedLast());
    x.put("lockWaitRetries", p.lockWaitRetries());
    x.put("finishingEarlierRunThrough", p.finishing() < 0 ? null : p.finishing());
    List<Object> channels = new ArrayList<>();
    for (io.ferry.core.parallel.ParallelStatus.ChannelStatus c : p.channels()) {
      Map<String, Object> ch = new LinkedHashMap<>();
      ch.put("channel", c.id());
      ch.put("state", c.state());
      ch.put("committedSeqno", c.position().isNone() ? -1 : c.position().seqno());
      ch.put(
          "committedEventId",
          c.position().nativePosition() == null
              ? null
              : c.position().nativePosition().kind() + " " + c.position().nativePosition().text());
      ch.put("queued", c.queued());
      ch.put("transactions", c.transactions());
      ch.put("transactionsPerSecond", Math.round(c.perSecond() * 10) / 10.0);
      ch.put("commitWaitSeconds", c.commitWaitMillis() / 1000.0);
      ch.put("retries", c.retries());
      ch.put("open", c.open());
      channels.add(ch);
    }
    x.put("channels", channels);
    return x;
  }

  private static List<Object> filters(List<io.ferry.core.filter.FilterStats> stats) {
    List<Object> list = new ArrayList<>();
    for (io.ferry.core.filter.FilterStats f : stats) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("name", f.name());
      x.put("type", f.type());
      x.put("side", f.side().name().toLowerCase(java.util.Locale.ROOT));
      x.put("transactionsSeen", f.transactionsSeen());
      x.put("transactionsChanged", f.transactionsChanged());
      x.put("transactionsDropped", f.transactionsDropped());
      x.put("rowsSeen", f.rowsSeen());
      x.put("rowsDropped", f.rowsDropped());
      x.put("seconds", f.nanos() / 1e9);
      x.put("budgetUsed", f.budgetUsed() < 0 ? null : f.budgetUsed());
      list.add(x);
    }
    return list;
  }

  /**
   * One line of the console's overview: the summary, the stored seqno, the whole pending error, and
   * what the topology needs (its master's address, the port it serves, its replicas).
   */
  public static Map<String, Object> console(io.ferry.server.Service svc, ServiceStatus s) {
    Map<String, Object> m = summary(s);
    m.put("stateSince", time(s.stateSince()));
    m.put("storedLastSeqno", s.storedLastSeqno());
    m.put("pendingError", error(s.error()));
    if (s.master() != null) {
      m.put("master", master(s));
    }
    if (s.role().equals(io.ferry.server.config.ServiceSettings.SLAVE)) {
      List<String> uris = new ArrayList<>();
      svc.config()
          .get(io.ferry.server.config.ServiceSettings.MASTER_URI)
          .forEach(a -> uris.add(a.toString()));
      m.put("masterUris", uris); // where it connects, also while it is offline
    }
    m.put("serves", svc.servesOn());
    // the databases it reads and writes (host:port, no credentials): a slave that applies into
    // the database a master reads closes a multi-master link
    io.ferry.server.config.ServiceConfig c = svc.config();
    if (c.isSet(io.ferry.server.config.ServiceSettings.SOURCE_HOST)) {
      m.put(
          "sourceDb",
          c.get(io.ferry.server.config.ServiceSettings.SOURCE_HOST)
              + ":"
              + c.get(io.ferry.server.config.ServiceSettings.SOURCE_PORT));
    }
    if (c.isSet(io.ferry.server.config.ServiceSettings.TARGET_HOST)) {
      m.put(
          "targetDb",
          c.get(io.ferry.server.config.ServiceSettings.TARGET_HOST)
              + ":"
              + c.get(io.ferry.server.config.ServiceSettings.TARGET_PORT));
    }
    m.put("replicas", replicas(s));
    return m;
  }

  /** The replicas connected to a master service. */
  private static List<Object> replicas(ServiceStatus s) {
    List<Object> replicas = new ArrayList<>();
    for (io.ferry.core.net.ThlServer.Replica r : s.replicas()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("name", r.name());
      x.put("address", r.address());
      x.put("since", time(r.since()));
      x.put("nextSeqno", r.nextSeqno());
      replicas.add(x);
    }
    return replicas;
  }

  /** Where a slave stands with its master, or null. */
  private static Map<String, Object> master(ServiceStatus s) {
    if (s.master() == null) {
      return null;
    }
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("address", s.master().master());
    x.put("connected", s.master().connected());
    x.put("masterLastSeqno", s.master().masterLastSeqno());
    x.put("receivedSeqno", s.master().receivedSeqno());
    x.put("queuedBytes", s.master().queuedBytes());
    return x;
  }

  private static Object retrying(ServiceStatus.Retrying r) {
    if (r == null) {
      return null;
    }
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("stage", r.stage());
    x.put("reason", r.reason());
    x.put("since", time(r.since()));
    x.put("retries", r.retries());
    return x;
  }

  private static Object error(Service.Failure f) {
    if (f == null) {
      return null;
    }
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("stage", f.stage());
    x.put("seqno", f.seqno());
    x.put("eventId", f.nativePosition());
    x.put("message", f.message());
    x.put("at", time(f.at()));
    return x;
  }

  static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  static Double seconds(long millis) {
    return millis < 0 ? null : millis / 1000.0;
  }
}
