package io.ferry.mysql.origin;

import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The origin service of a foreign server id, as the appliers that wrote a master's source recorded
 * it (their catalog tables {@code ferry_<service>.origins}). Asks {@code lookup} for the whole map
 * at first use and again on a miss, at most once per {@code refreshMillis}: a new origin's name is
 * found within that time of its first transaction, and an unknown server id costs no query per
 * transaction. Not thread-safe: one filter.
 */
public final class OriginNames {
  private final Supplier<Map<Long, String>> lookup;
  private final Clock clock;
  private final long refreshMillis;
  private Map<Long, String> names = Map.of();

  /** How long the first lookup of a new server id waits between its tries. */
  static final long SETTLE_MILLIS = 100;

  private final java.util.Set<Long> missed = new java.util.HashSet<>();
  private long lastLookup = Long.MIN_VALUE;
  private long lookups;

  public OriginNames(Supplier<Map<Long, String>> lookup, Clock clock, long refreshMillis) {
    this.lookup = lookup;
    this.clock = clock;
    this.refreshMillis = refreshMillis;
  }

  /**
   * The origin service of a server id, or null when no applier recorded one. The first time a
   * server id is missing the map is read at once, and again twice {@link #SETTLE_MILLIS} apart if
   * it is still missing: the server sends a transaction's binlog events to readers before its
   * engine commit is visible to other sessions, so the applier's row may come a moment late.
   */
  public String of(long serverId) {
    String name = names.get(serverId);
    if (name != null) {
      return name;
    }
    long now = clock.millis();
    if (missed.add(serverId)) {
      for (int attempt = 0; attempt < 3 && name == null; attempt++) {
        if (attempt > 0) {
          pause();
        }
        name = read(serverId, clock.millis());
      }
      return name;
    }
    if (now - lastLookup >= refreshMillis) {
      name = read(serverId, now);
    }
    return name;
  }

  private String read(long serverId, long now) {
    lastLookup = now;
    lookups++;
    names = Map.copyOf(lookup.get());
    return names.get(serverId);
  }

  private static void pause() {
    try {
      Thread.sleep(SETTLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How many times the map was read. */
  public long lookups() {
    return lookups;
  }
}
