package io.ferry.server.admin;

import io.ferry.core.pipeline.StageStatus;
import io.ferry.server.Replicator;
import io.ferry.server.Service;
import io.ferry.server.ServiceStatus;
import java.util.List;
import java.util.Locale;

/**
 * The Prometheus text exposition of {@code GET /metrics}: per service its state, applied seqno,
 * latencies, stored range, errors and receive queue; per stage its events, commits and retries; and
 * transactions per second over the time since the previous scrape.
 */
final class Metrics {
  /** The most shards given a lag series each (a shard filter by value makes many). */
  private static final int SHARD_SERIES = 1000;

  private final Replicator replicator;
  private final java.util.Map<String, long[]> lastScrape = new java.util.HashMap<>();

  Metrics(Replicator replicator) {
    this.replicator = replicator;
  }

  synchronized String text() {
    StringBuilder sb = new StringBuilder();
    header(sb, "ferry_service_state", "gauge", "1 for the state each service is in");
    header(sb, "ferry_service_applied_seqno", "gauge", "last seqno applied (stored, for a master)");
    header(
        sb,
        "ferry_service_applied_latency_seconds",
        "gauge",
        "source commit to local commit of the last applied transaction");
    header(
        sb,
        "ferry_service_relative_latency_seconds",
        "gauge",
        "now minus the source commit time of the last applied transaction");
    header(sb, "ferry_service_stored_last_seqno", "gauge", "last seqno in the service's THL");
    header(sb, "ferry_service_errors_total", "counter", "times the service went OFFLINE:ERROR");
    header(
        sb,
        "ferry_service_skipped_local_origin_total",
        "counter",
        "transactions the target wrote itself, passed over (apply.skip-local-origin)");
    header(
        sb,
        "ferry_service_relay_dropped_total",
        "counter",
        "transactions of other origins a master did not relay (source.relay)");
    header(
        sb,
        "ferry_service_retrying_seconds",
        "gauge",
        "how long an online service has been retrying without progress (0: it is not)");
    header(
        sb,
        "ferry_service_transactions_per_second",
        "gauge",
        "transactions applied per second since the previous scrape");
    header(
        sb,
        "ferry_service_queue_bytes",
        "gauge",
        "bytes received from a master, waiting to be stored");
    header(
        sb,
        "ferry_filter_transactions_total",
        "counter",
        "transaction fragments a filter saw, changed or dropped (outcome) since online");
    header(
        sb,
        "ferry_filter_rows_total",
        "counter",
        "row changes a filter saw or dropped (outcome) since online");
    header(sb, "ferry_filter_seconds_total", "counter", "time spent in a filter since online");
    header(
        sb,
        "ferry_filter_budget_used_ratio",
        "gauge",
        "the largest share of its per-transaction budget a script filter has used");
    header(
        sb,
        "ferry_stage_delay_seconds",
        "gauge",
        "how long the stage is holding its next transaction back on purpose (apply.delay)");
    header(
        sb,
        "ferry_stage_events_total",
        "counter",
        "events applied by the stage since the service went online");
    header(
        sb,
        "ferry_stage_commits_total",
        "counter",
        "commits of the stage since the service went online");
    header(sb, "ferry_stage_retries_total", "counter", "retries after failures that may pass");
    header(sb, "ferry_channel_seqno", "gauge", "last seqno a parallel apply channel committed");
    header(sb, "ferry_channel_queued", "gauge", "transactions waiting for a channel");
    header(
        sb,
        "ferry_channel_transactions_total",
        "counter",
        "transactions a channel applied since the service went online");
    header(
        sb,
        "ferry_channel_commit_wait_seconds_total",
        "counter",
        "time a channel waited for its turn to commit (key scheduler)");
    header(sb, "ferry_channel_retries_total", "counter", "retried failures of a channel");
    header(
        sb,
        "ferry_parallel_serialized_total",
        "counter",
        "transactions that ran alone after every channel drained, by reason");
    header(
        sb,
        "ferry_parallel_lock_wait_retries_total",
        "counter",
        "lock waits between channels that were rolled back and run again");
    header(
        sb,
        "ferry_shard_lag_seconds",
        "gauge",
        "how far a shard's channel is behind the shard's last transaction (first "
            + SHARD_SERIES
            + " shards)");
    header(
        sb,
        "ferry_check_chunks_total",
        "counter",
        "consistency check chunks this target recorded since the service went online, by result");
    header(
        sb, "ferry_check_rows_total", "counter", "rows this target checked since it went online");
    header(
        sb,
        "ferry_conflicts_total",
        "counter",
        "conflicts resolved since the service went online, by table, type and resolution");
    header(
        sb,
        "ferry_conflict_realignments_total",
        "counter",
        "resolved rows written again to the target's binlog for the other sites");
    header(
        sb,
        "ferry_shard_home_violations_total",
        "counter",
        "transactions that broke the shard home map, by kind (no-home, wrong-home, errant,"
            + " local-dropped), since the process started");
    long now = System.nanoTime();
    for (Service s : replicator.services()) {
      ServiceStatus st = s.status();
      String svc = "service=\"" + escape(st.name()) + "\"";
      for (Service.State state : Service.State.values()) {
        line(
            sb,
            "ferry_service_state",
            svc + ",state=\"" + state + "\"",
            s.state() == state ? 1 : 0);
      }
      line(sb, "ferry_service_applied_seqno", svc, st.appliedSeqno());
      if (st.appliedLatencyMillis() >= 0) {
        line(sb, "ferry_service_applied_latency_seconds", svc, st.appliedLatencyMillis() / 1000.0);
      }
      if (st.relativeLatencyMillis() >= 0) {
        line(
            sb, "ferry_service_relative_latency_seconds", svc, st.relativeLatencyMillis() / 1000.0);
      }
      if (st.storedLastSeqno() != null) {
        line(sb, "ferry_service_stored_last_seqno", svc, st.storedLastSeqno());
      }
      line(sb, "ferry_service_errors_total", svc, st.errors());
      if (st.origins() != null && st.origins().apply() != null) {
        line(
            sb,
            "ferry_service_skipped_local_origin_total",
            svc,
            st.origins().apply().skippedLocalOrigin());
      }
      if (st.origins() != null && st.origins().relay() != null) {
        line(sb, "ferry_service_relay_dropped_total", svc, st.origins().relay().droppedForeign());
      }
      line(
          sb,
          "ferry_service_retrying_seconds",
          svc,
          st.retrying() == null
              ? 0.0
              : Math.max(0, System.currentTimeMillis() - st.retrying().since().toEpochMilli())
                  / 1000.0);
      if (st.master() != null) {
        line(sb, "ferry_service_queue_bytes", svc, st.master().queuedBytes());
      }
      long events = 0;
      for (StageStatus stage : st.stages()) {
        String labels = svc + ",stage=\"" + escape(stage.name()) + "\"";
        line(sb, "ferry_stage_events_total", labels, stage.appliedEvents());
        line(sb, "ferry_stage_commits_total", labels, stage.commits());
        line(sb, "ferry_stage_retries_total", labels, stage.retries());
        if (stage.delayMillis() > 0) {
          line(
              sb,
              "ferry_stage_delay_seconds",
              labels,
              stage.delayedUntilMillis() == 0
                  ? 0.0
                  : Math.max(0, stage.delayedUntilMillis() - System.currentTimeMillis()) / 1000.0);
        }
        filterLines(sb, svc, stage.filters());
        if (stage.parallel() != null) {
          parallelLines(sb, svc, stage.parallel());
        }
        events = stage.appliedEvents();
      }
      int shown = 0;
      for (io.ferry.server.ShardTracker.Shard sh : st.shards()) {
        if (sh.lagMillis() >= 0 && shown++ < SHARD_SERIES) {
          line(
              sb,
              "ferry_shard_lag_seconds",
              svc + ",shard=\"" + escape(sh.id()) + "\",channel=\"" + sh.channel() + "\"",
              sh.lagMillis() / 1000.0);
        }
      }
      java.util.Map<String, Object> checks = st.target().get("checks");
      if (checks != null) {
        ((java.util.Map<?, ?>) checks.get("chunks"))
            .forEach(
                (result, n) ->
                    line(
                        sb,
                        "ferry_check_chunks_total",
                        svc + ",result=\"" + result + "\"",
                        ((Number) n).longValue()));
        line(sb, "ferry_check_rows_total", svc, ((Number) checks.get("rows")).longValue());
      }
      java.util.Map<String, Object> conflicts = st.target().get("conflicts");
      if (conflicts != null) {
        for (Object o : (List<?>) conflicts.getOrDefault("byTable", List.of())) {
          java.util.Map<?, ?> k = (java.util.Map<?, ?>) o;
          line(
              sb,
              "ferry_conflicts_total",
              svc
                  + ",table=\""
                  + escape(String.valueOf(k.get("table")))
                  + "\",type=\""
                  + k.get("type")
                  + "\",resolution=\""
                  + k.get("resolution")
                  + "\"",
              ((Number) k.get("count")).longValue());
        }
        line(
            sb,
            "ferry_conflict_realignments_total",
            svc,
            ((Number) conflicts.getOrDefault("realigned", 0L)).longValue());
      }
      st.shardViolations()
          .forEach(
              (kind, n) ->
                  line(
                      sb,
                      "ferry_shard_home_violations_total",
                      svc + ",kind=\"" + escape(kind) + "\"",
                      n));
      long[] prev = lastScrape.put(st.name(), new long[] {now, events});
      double rate = 0;
      if (prev != null && now > prev[0] && events >= prev[1]) {
        rate = (events - prev[1]) / ((now - prev[0]) / 1e9);
      }
      line(sb, "ferry_service_transactions_per_second", svc, rate);
    }
    return sb.toString();
  }

  private static void parallelLines(
      StringBuilder sb, String svc, io.ferry.core.parallel.ParallelStatus p) {
    for (io.ferry.core.parallel.ParallelStatus.ChannelStatus c : p.channels()) {
      String l = svc + ",channel=\"" + c.id() + "\"";
      line(sb, "ferry_channel_seqno", l, c.position().isNone() ? -1 : c.position().seqno());
      line(sb, "ferry_channel_queued", l, c.queued());
      line(sb, "ferry_channel_transactions_total", l, c.transactions());
      line(sb, "ferry_channel_commit_wait_seconds_total", l, c.commitWaitMillis() / 1000.0);
      line(sb, "ferry_channel_retries_total", l, c.retries());
    }
    p.serialized()
        .forEach(
            (why, n) ->
                line(
                    sb,
                    "ferry_parallel_serialized_total",
                    svc + ",reason=\"" + escape(why) + "\"",
                    n));
    line(sb, "ferry_parallel_lock_wait_retries_total", svc, p.lockWaitRetries());
  }

  private static void header(StringBuilder sb, String name, String type, String help) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void line(StringBuilder sb, String name, String labels, long value) {
    sb.append(name).append('{').append(labels).append("} ").append(value).append('\n');
  }

  private static void line(StringBuilder sb, String name, String labels, double value) {
    sb.append(name).append('{').append(labels).append("} ");
    sb.append(String.format(Locale.ROOT, "%.6f", value)).append('\n');
  }

  private static void filterLines(
      StringBuilder sb, String svc, List<io.ferry.core.filter.FilterStats> filters) {
    for (io.ferry.core.filter.FilterStats f : filters) {
      String l =
          svc
              + ",filter=\""
              + escape(f.name())
              + "\",side=\""
              + f.side().name().toLowerCase(java.util.Locale.ROOT)
              + "\"";
      line(sb, "ferry_filter_transactions_total", l + ",outcome=\"seen\"", f.transactionsSeen());
      line(
          sb,
          "ferry_filter_transactions_total",
          l + ",outcome=\"changed\"",
          f.transactionsChanged());
      line(
          sb,
          "ferry_filter_transactions_total",
          l + ",outcome=\"dropped\"",
          f.transactionsDropped());
      line(sb, "ferry_filter_rows_total", l + ",outcome=\"seen\"", f.rowsSeen());
      line(sb, "ferry_filter_rows_total", l + ",outcome=\"dropped\"", f.rowsDropped());
      line(sb, "ferry_filter_seconds_total", l, f.nanos() / 1e9);
      if (f.budgetUsed() >= 0) {
        line(sb, "ferry_filter_budget_used_ratio", l, f.budgetUsed());
      }
    }
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
