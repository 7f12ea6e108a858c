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
  private long lastLookup = Long.MIN_VALUE;
  private long lookups;

  public OriginNames(Supplier<Map<Long, String>> lookup, Clock clock, long refreshMillis) {
    this.lookup = lookup;
    this.clock = clock;
    this.refreshMillis = refreshMillis;
  }

  /** The origin service of a server id, or null when no applier recorded one. */
  public String of(long serverId) {
    String name = names.get(serverId);
    if (name != null) {
      return name;
    }
    long now = clock.millis();
    if (lastLookup == Long.MIN_VALUE || now - lastLookup >= refreshMillis) {
      lastLookup = now;
      lookups++;
      names = Map.copyOf(lookup.get());
      name = names.get(serverId);
    }
    return name;
  }

  /** How many times the map was read. */
  public long lookups() {
    return lookups;
  }
}
