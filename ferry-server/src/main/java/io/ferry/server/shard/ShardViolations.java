package io.ferry.server.shard;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A service's shard home violations by kind, counted since the process started (across onlines),
 * for status and metrics. Thread-safe: counted by the stage thread, read by any.
 */
public final class ShardViolations {
  private final Map<ShardPolicy.Kind, AtomicLong> counts = new EnumMap<>(ShardPolicy.Kind.class);

  public ShardViolations() {
    for (ShardPolicy.Kind k : ShardPolicy.Kind.values()) {
      counts.put(k, new AtomicLong());
    }
  }

  void count(ShardPolicy.Kind k) {
    counts.get(k).incrementAndGet();
  }

  public long get(ShardPolicy.Kind k) {
    return counts.get(k).get();
  }

  /** Every kind's count, by its label ({@code no-home}, ...), in declaration order. */
  public Map<String, Long> byLabel() {
    Map<String, Long> m = new LinkedHashMap<>();
    counts.forEach((k, n) -> m.put(k.label(), n.get()));
    return m;
  }
}
