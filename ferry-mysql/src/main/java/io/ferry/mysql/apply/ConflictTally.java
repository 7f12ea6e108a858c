package io.ferry.mysql.apply;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Conflicts a service resolved since it started, counted by table, type and resolution, and the
 * realignments it sent; shared by the service's appliers (every parallel apply channel counts
 * here). Counts only what committed. Thread-safe.
 */
public final class ConflictTally {
  /**
   * One count.
   *
   * @param table {@code schema.table}
   * @param type the conflict type (insert-exists, update-missing, ...)
   * @param resolution incoming, target or stopped
   */
  public record Key(String table, String type, String resolution) {}

  private final Map<Key, AtomicLong> counts = new ConcurrentHashMap<>();
  private final AtomicLong realigned = new AtomicLong();

  void add(Key k, long n) {
    counts.computeIfAbsent(k, x -> new AtomicLong()).addAndGet(n);
  }

  void realigned(long n) {
    realigned.addAndGet(n);
  }

  /** The counts, sorted. */
  public Map<Key, Long> counts() {
    Map<Key, Long> out =
        new TreeMap<>(
            java.util.Comparator.comparing(Key::table)
                .thenComparing(Key::type)
                .thenComparing(Key::resolution));
    counts.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public long total() {
    return counts.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Realignments sent to the other sites. */
  public long realigned() {
    return realigned.get();
  }
}
