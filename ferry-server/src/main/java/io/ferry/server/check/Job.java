package io.ferry.server.check;

import java.util.Map;

/**
 * Work a service runs on its source on a thread of its own (a check, a repair, a provisioning), one
 * at a time: its id, whether it runs, a stop request, and its progress as plain values ({@code id},
 * {@code kind}, {@code state}, {@code tables}, {@code rows}, {@code estimatedRows}, {@code
 * seconds}, {@code finished}, ...). Implementations are thread-safe.
 */
public interface Job {
  String id();

  boolean running();

  void stop();

  Map<String, Object> status();

  /** The fields every job's status starts with. */
  static Map<String, Object> header(
      String id,
      String kind,
      boolean dryRun,
      String state,
      java.time.Instant started,
      java.time.Instant finished,
      java.time.Clock clock,
      String waiting,
      String error) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("id", id);
    m.put("kind", kind);
    m.put("dryRun", dryRun);
    m.put("state", state);
    m.put("started", started.toString());
    m.put("finished", finished == null ? null : finished.toString());
    java.time.Instant end = finished == null ? clock.instant() : finished;
    m.put("seconds", (end.toEpochMilli() - started.toEpochMilli()) / 1000.0);
    m.put("waiting", waiting);
    m.put("error", error);
    return m;
  }
}
