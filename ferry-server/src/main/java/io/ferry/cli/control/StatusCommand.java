package io.ferry.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.Json;
import io.ferry.cli.Table;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry status}. */
@Command(
    name = "status",
    header = "Show a service at a glance, or one part of it in detail.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "At a glance: state, role, the last applied seqno and event, applied latency (from the"
          + " source's commit to the local commit of the last applied transaction), relative"
          + " latency (now minus that source commit time: it grows while the source is idle), the"
          + " stored seqno range, a pending error and pending"
          + " offline request, uptime and time in state. With -name: stages, stores, tasks,"
          + " shards or channels. See docs/operations.md.",
      ""
    })
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AdminOptions admin;
  @Mixin ServiceOption service;

  @Option(
      names = {"-name", "--name"},
      paramLabel = "PART",
      description = "stages, stores, tasks, shards, channels or filters.")
  String part;

  @Option(names = "--json", description = "Print the service's full status as JSON.")
  boolean json;

  @Override
  public Integer call() {
    AdminClient client = admin.client();
    String name = service.resolve(client);
    JsonNode s = client.get("/api/v1/services/" + name);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, part == null ? s : s.get(section(part)));
      return 0;
    }
    if (part == null) {
      glance(out, s);
    } else {
      detail(out, s, part.toLowerCase(Locale.ROOT));
    }
    out.flush();
    return 0;
  }

  private static String section(String part) {
    return switch (part.toLowerCase(Locale.ROOT)) {
      case "stages", "tasks", "channels", "filters" -> "stages";
      case "shards" -> "shards";
      case "stores" -> "storedLastSeqno";
      default ->
          throw new CliException(
              "-name " + part + ": expected stages, stores, tasks, shards, channels or filters",
              Cli.EXIT_USAGE);
    };
  }

  static void glance(PrintWriter out, JsonNode s) {
    Map<String, String> rows = new java.util.LinkedHashMap<>();
    rows.put("serviceName", text(s, "name"));
    rows.put("role", text(s, "role"));
    rows.put("state", text(s, "state"));
    rows.put("appliedLastSeqno", text(s, "appliedLastSeqno"));
    rows.put("appliedLastEventId", orNone(s, "appliedLastEventId"));
    rows.put("appliedLatency", seconds(s, "appliedLatencySeconds"));
    rows.put("relativeLatency", seconds(s, "relativeLatencySeconds"));
    rows.put(
        "storedSeqnos",
        s.get("storedLastSeqno").isNull()
            ? "NONE"
            : text(s, "storedFirstSeqno") + " to " + text(s, "storedLastSeqno"));
    rows.put("epoch", text(s, "epoch").equals("0") ? "-" : text(s, "epoch"));
    JsonNode err = s.get("pendingError");
    rows.put("pendingError", err.isNull() ? "NONE" : err.get("message").asText());
    if (!err.isNull()) {
      rows.put("pendingErrorSeqno", err.get("seqno").asText());
      rows.put(
          "pendingErrorEventId",
          err.get("eventId").isNull() ? "NONE" : err.get("eventId").asText());
    }
    JsonNode retrying = s.path("retrying");
    rows.put(
        "retrying",
        retrying.isObject()
            ? "since "
                + text(retrying, "since")
                + " ("
                + text(retrying, "retries")
                + " retries, stage "
                + text(retrying, "stage")
                + "): "
                + text(retrying, "reason")
            : "NO");
    for (JsonNode st : s.path("stages")) {
      if (st.has("delaySeconds")) {
        rows.put(
            "applyDelay",
            seconds(st, "delaySeconds")
                + (st.path("delayedUntil").isNull()
                    ? ""
                    : " (holding the next transaction back until "
                        + text(st, "delayedUntil")
                        + ")"));
      }
    }
    rows.put("pendingOffline", orNone(s, "pendingOffline"));
    rows.put("shardViolations", violations(s.path("shardHomeViolations")));
    rows.put("uptime", seconds(s, "uptimeSeconds"));
    rows.put("timeInState", seconds(s, "timeInStateSeconds"));
    JsonNode m = s.get("master");
    if (m != null && !m.isNull()) {
      rows.put("masterAddress", text(m, "address"));
      rows.put("masterConnected", text(m, "connected"));
      rows.put("masterLastSeqno", text(m, "masterLastSeqno"));
    }
    JsonNode cf = s.get("conflicts");
    if (cf != null && !cf.isNull()) {
      StringBuilder by = new StringBuilder(text(cf, "total"));
      String sep = " (";
      for (JsonNode e : cf.path("byTable")) {
        by.append(sep)
            .append(text(e, "table"))
            .append(' ')
            .append(text(e, "type"))
            .append(' ')
            .append(text(e, "resolution"))
            .append(": ")
            .append(text(e, "count"));
        sep = ", ";
      }
      rows.put("conflicts", by.append(sep.equals(", ") ? ")" : "").toString());
      rows.put("realigned", text(cf, "realigned"));
    }
    JsonNode a = s.get("applier");
    if (a != null && !a.isNull()) {
      list(a.get("tablesWithoutKey")).ifPresent(t -> rows.put("tablesWithoutKey", t));
      list(a.get("triggers"))
          .ifPresent(
              t ->
                  rows.put(
                      "triggers",
                      t
                          + (t.contains("(unguarded)")
                              ? "  WARNING: unguarded triggers fire for applied rows or stop the"
                                  + " service; see docs/applier.md"
                              : "")));
    }
    origins(s.path("origins"), rows);
    int width = rows.keySet().stream().mapToInt(String::length).max().orElse(10);
    rows.forEach((k, v) -> out.println(k + " ".repeat(width - k.length()) + " : " + v));
  }

  /** Shard home violations by kind, as {@code no-home 3, errant 1}, or NONE. */
  private static String violations(JsonNode counts) {
    StringBuilder t = new StringBuilder();
    counts
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().asLong() > 0) {
                t.append(t.length() == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(' ')
                    .append(e.getValue().asLong());
              }
            });
    return t.length() == 0 ? "NONE" : t.toString();
  }

  /** The multi-master lines: what a master relays, the origins applied, own ones passed over. */
  private static void origins(JsonNode o, Map<String, String> rows) {
    if (!o.isObject()) {
      return;
    }
    if (o.has("relay")) {
      rows.put(
          "relay",
          text(o, "relay")
              + " (source server_id "
              + (o.path("sourceServerId").isNull() ? "not read yet" : text(o, "sourceServerId"))
              + "; other origins relayed "
              + text(o, "relayedForeign")
              + ", not relayed "
              + text(o, "droppedForeign")
              + ")");
    }
    if (o.has("skippedLocalOrigin")) {
      StringBuilder applied = new StringBuilder();
      o.path("applied")
          .fields()
          .forEachRemaining(
              e ->
                  applied
                      .append(applied.length() == 0 ? "" : ", ")
                      .append(e.getKey())
                      .append(": ")
                      .append(e.getValue().asText()));
      rows.put("originsApplied", applied.length() == 0 ? "NONE" : applied.toString());
      rows.put(
          "skippedLocalOrigin",
          !o.path("skipLocalOrigin").asBoolean()
              ? "OFF (apply.skip-local-origin = false)"
              : text(o, "skippedLocalOrigin")
                  + (o.path("firstSkippedSeqno").isNull()
                      ? ""
                      : " (first seqno " + text(o, "firstSkippedSeqno") + ")")
                  + " (target server_id "
                  + (o.path("targetServerId").isNull() ? "not read yet" : text(o, "targetServerId"))
                  + ")");
    }
  }

  /** A JSON array of strings as one comma-separated line; empty when there is none. */
  private static java.util.Optional<String> list(JsonNode array) {
    if (array == null || !array.isArray() || array.size() == 0) {
      return java.util.Optional.empty();
    }
    StringBuilder t = new StringBuilder();
    array.forEach(x -> t.append(t.length() == 0 ? "" : ", ").append(x.asText()));
    return java.util.Optional.of(t.toString());
  }

  /**
   * Per channel of the applying stage: its position, queue, pace, commit-turn waits and retries;
   * then the transactions that ran alone, by reason. A service without parallel apply has one
   * channel, its applying stage.
   */
  private static void channels(PrintWriter out, JsonNode s) {
    JsonNode stages = s.get("stages");
    JsonNode last = stages.size() == 0 ? null : stages.get(stages.size() - 1);
    JsonNode par = last == null ? null : last.get("parallel");
    Table t =
        new Table(
            "CHANNEL",
            "STATE",
            "SEQNO",
            "QUEUED",
            "TRANSACTIONS",
            "TX/S",
            "COMMIT WAIT",
            "RETRIES",
            "OPEN");
    if (par == null || par.isNull()) {
      if (last != null) {
        t.row(
            "0",
            text(last, "state"),
            text(last, "committedSeqno"),
            "-",
            text(last, "appliedEvents"),
            "-",
            "-",
            text(last, "retries"),
            "-");
      }
      t.print(out, 0);
      return;
    }
    for (JsonNode c : par.get("channels")) {
      t.row(
          text(c, "channel"),
          text(c, "state"),
          text(c, "committedSeqno"),
          text(c, "queued"),
          text(c, "transactions"),
          text(c, "transactionsPerSecond"),
          seconds(c, "commitWaitSeconds"),
          text(c, "retries"),
          orNone(c, "open"));
    }
    t.print(out, 0);
    out.println();
    out.println(
        "scheduler "
            + text(par, "scheduler")
            + ", lock waits rolled back and run again: "
            + text(par, "lockWaitRetries")
            + (par.path("finishingEarlierRunThrough").isNull()
                ? ""
                : ", finishing the last run's assignment through seqno "
                    + text(par, "finishingEarlierRunThrough")));
    JsonNode why = par.get("serialized");
    if (why.size() == 0) {
      out.println("no transaction ran alone");
    } else {
      out.println("ran alone (every channel drained first):");
      JsonNode latest = par.path("serializedLast");
      why.fields()
          .forEachRemaining(
              e ->
                  out.println(
                      "  "
                          + e.getValue().asText()
                          + "  "
                          + e.getKey()
                          + (latest.has(e.getKey())
                              ? " (latest: " + latest.get(e.getKey()).asText() + ")"
                              : "")));
    }
  }

  private static void detail(PrintWriter out, JsonNode s, String part) {
    switch (part) {
      case "stages", "tasks" -> {
        Table t =
            "stages".equals(part)
                ? new Table(
                    "STAGE", "STATE", "SEQNO", "EVENT", "EVENTS", "COMMITS", "LATENCY", "RETRIES")
                : new Table("TASK", "STAGE", "STATE", "SEQNO", "LAST RETRY");
        for (JsonNode st : s.get("stages")) {
          if ("stages".equals(part)) {
            t.row(
                text(st, "name"),
                text(st, "state"),
                text(st, "committedSeqno"),
                orNone(st, "committedEventId"),
                text(st, "appliedEvents"),
                text(st, "commits"),
                seconds(st, "latencySeconds"),
                text(st, "retries"));
          } else {
            t.row(
                "0",
                text(st, "name"),
                text(st, "state"),
                text(st, "committedSeqno"),
                orNone(st, "lastRetry"));
          }
        }
        t.print(out, 0);
      }
      case "shards" -> {
        Table t =
            new Table(
                "SHARD", "CHANNEL", "LAST SEQNO", "TRANSACTIONS", "LAST SOURCE COMMIT", "LAG");
        for (JsonNode sh : s.get("shards")) {
          t.row(
              text(sh, "shard"),
              sh.path("channel").isNull() || sh.path("channel").isMissingNode()
                  ? "-"
                  : text(sh, "channel"),
              text(sh, "lastSeqno"),
              text(sh, "transactions"),
              orNone(sh, "lastSourceCommit"),
              sh.path("lagSeconds").isNull() || sh.path("lagSeconds").isMissingNode()
                  ? "-"
                  : seconds(sh, "lagSeconds"));
        }
        t.print(out, 0);
      }
      case "channels" -> channels(out, s);
      case "filters" -> {
        Table t =
            new Table(
                "STAGE",
                "FILTER",
                "TYPE",
                "SIDE",
                "SEEN",
                "CHANGED",
                "DROPPED",
                "ROWS",
                "ROWS DROPPED",
                "TIME",
                "BUDGET");
        for (JsonNode st : s.get("stages")) {
          for (JsonNode f : st.path("filters")) {
            t.row(
                text(st, "name"),
                text(f, "name"),
                text(f, "type"),
                text(f, "side"),
                text(f, "transactionsSeen"),
                text(f, "transactionsChanged"),
                text(f, "transactionsDropped"),
                text(f, "rowsSeen"),
                text(f, "rowsDropped"),
                seconds(f, "seconds"),
                f.path("budgetUsed").isNull()
                    ? "-"
                    : String.format(Locale.ROOT, "%.0f%%", 100 * f.path("budgetUsed").asDouble()));
          }
        }
        t.print(out, 0);
      }
      case "stores" -> {
        Table t = new Table("STORE", "FIRST SEQNO", "LAST SEQNO");
        if (!s.get("storedLastSeqno").isNull()) {
          t.row("thl", text(s, "storedFirstSeqno"), text(s, "storedLastSeqno"));
        }
        t.print(out, 0);
      }
      default -> section(part);
    }
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "-" : v.asText();
  }

  private static String orNone(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "NONE" : v.asText();
  }

  private static String seconds(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "-" : String.format(Locale.ROOT, "%.3f s", v.asDouble());
  }
}
