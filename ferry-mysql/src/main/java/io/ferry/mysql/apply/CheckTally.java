package io.ferry.mysql.apply;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many check chunks a target's appliers recorded, by result (match, differ, error, end,
 * repaired), and the rows they checked; for status and metrics. Thread-safe: every channel counts
 * into one.
 */
public final class CheckTally {
  private final Map<String, AtomicLong> byResult = new ConcurrentHashMap<>();
  private final AtomicLong rows = new AtomicLong();

  void count(String result, long checkedRows) {
    byResult.computeIfAbsent(result, k -> new AtomicLong()).incrementAndGet();
    rows.addAndGet(Math.max(0, checkedRows));
  }

  /** Counts by result, sorted. */
  public Map<String, Long> counts() {
    Map<String, Long> m = new TreeMap<>();
    byResult.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  public long rows() {
    return rows.get();
  }
}
