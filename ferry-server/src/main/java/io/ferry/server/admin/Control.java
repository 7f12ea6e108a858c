package io.ferry.server.admin;

import io.ferry.core.pipeline.SkipSeqnos;
import io.ferry.core.pipeline.StopCondition;
import io.ferry.core.position.NativePosition;
import io.ferry.server.Replicator;
import io.ferry.server.Service;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The control verbs of the admin API: the JSON body of {@code POST /api/v1/services/NAME/VERB}
 * turned into a service operation. Every parameter is checked, and a bad one is an error that names
 * it.
 */
final class Control {
  private Control() {}

  static Object apply(Replicator replicator, Service s, String verb, Map<String, Object> body) {
    switch (verb) {
      case "online" -> {
        SkipSeqnos skip =
            body.containsKey("skipSeqno") ? SkipSeqnos.parse(text(body, "skipSeqno")) : null;
        Long fromSeqno = body.containsKey("fromSeqno") ? number(body, "fromSeqno") : null;
        NativePosition fromEvent =
            body.containsKey("fromEvent") ? position(body, "fromEvent") : null;
        if (fromSeqno != null && fromEvent != null) {
          throw new IllegalArgumentException("give fromSeqno or fromEvent, not both");
        }
        StopCondition until = condition(body, "until");
        s.online(new Service.OnlineOptions(skip, fromSeqno, fromEvent, until));
      }
      case "offline" -> s.offline(Boolean.TRUE.equals(body.get("immediate")));
      case "offline-deferred" -> {
        StopCondition at = condition(body, "at");
        if (at == null) {
          throw new IllegalArgumentException(
              "offline-deferred needs one of atSeqno, atEvent, atHeartbeat, atTime");
        }
        s.offlineDeferred(at);
      }
      case "heartbeat" -> {
        Object n = body.get("name");
        s.heartbeat(n == null ? "HEARTBEAT" : n.toString());
      }
      case "setrole" -> {
        String role = text(body, "role");
        Object uri = body.get("uri");
        s.setRole(role, uri == null ? null : uri.toString());
        replicator.fileRewritten(s.name());
      }
      case "reset" -> {
        boolean thl = Boolean.TRUE.equals(body.get("thl"));
        boolean catalog = Boolean.TRUE.equals(body.get("catalog"));
        if (!thl && !catalog) {
          throw new IllegalArgumentException("reset needs thl, catalog or both set to true");
        }
        s.reset(thl, catalog);
      }
      default ->
          throw new AdminServer.ApiException(
              404,
              "no such operation '"
                  + verb
                  + "': online, offline, offline-deferred, heartbeat, setrole, reset");
    }
    return StatusJson.summary(s.status());
  }

  /** The one condition among {prefix}Seqno, {prefix}Event, {prefix}Heartbeat, {prefix}Time. */
  private static StopCondition condition(Map<String, Object> body, String prefix) {
    List<StopCondition> found = new ArrayList<>();
    if (body.containsKey(prefix + "Seqno")) {
      found.add(StopCondition.afterSeqno(number(body, prefix + "Seqno")));
    }
    if (body.containsKey(prefix + "Event")) {
      found.add(StopCondition.atEvent(position(body, prefix + "Event")));
    }
    if (body.containsKey(prefix + "Heartbeat")) {
      found.add(StopCondition.afterHeartbeat(text(body, prefix + "Heartbeat")));
    }
    if (body.containsKey(prefix + "Time")) {
      found.add(StopCondition.beforeTime(time(body, prefix + "Time")));
    }
    if (found.size() > 1) {
      throw new IllegalArgumentException(
          "give one of "
              + prefix
              + "Seqno, "
              + prefix
              + "Event, "
              + prefix
              + "Heartbeat, "
              + prefix
              + "Time");
    }
    return found.isEmpty() ? null : found.get(0);
  }

  private static String text(Map<String, Object> body, String key) {
    Object v = body.get(key);
    if (v == null || v.toString().isBlank()) {
      throw new IllegalArgumentException(key + " is missing");
    }
    return v.toString();
  }

  private static long number(Map<String, Object> body, String key) {
    Object v = body.get(key);
    try {
      long n = v instanceof Number num ? num.longValue() : Long.parseLong(text(body, key).trim());
      if (n < 0) {
        throw new IllegalArgumentException(key + " cannot be negative: " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": '" + v + "' is not a seqno", e);
    }
  }

  private static NativePosition position(Map<String, Object> body, String key) {
    try {
      return NativePosition.parseAny(text(body, key));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  /** ISO-8601 ({@code 2026-11-21T08:00:00Z}) or {@code 2026-11-21 08:00:00[.ffffff]} in UTC. */
  static Instant time(Map<String, Object> body, String key) {
    String t = text(body, key).trim();
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException(
            key
                + ": '"
                + t
                + "' is not a time: write 2026-11-21T08:00:00Z or 2026-11-21 08:00:00"
                + " (UTC)",
            e2);
      }
    }
  }
}
