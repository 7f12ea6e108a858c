package io.ferry.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named points in the code where a crash test can stop the JVM at an exact instant, as a {@code
 * kill -9} would there (no shutdown hooks, nothing flushed): {@code
 * -Dferry.failpoints=name[:n],...} halts with status {@link #HALT_STATUS} at the n-th time (default
 * the first) the point is reached. Unset, as in production, a point costs a read of an empty map.
 * Thread-safe.
 */
public final class Failpoints {
  /** The exit status of a JVM halted at a failpoint. */
  public static final int HALT_STATUS = 86;

  private static final Map<String, AtomicInteger> ARMED =
      parse(System.getProperty("ferry.failpoints"));

  private Failpoints() {}

  private static Map<String, AtomicInteger> parse(String spec) {
    Map<String, AtomicInteger> armed = new ConcurrentHashMap<>();
    if (spec == null || spec.isBlank()) {
      return armed;
    }
    for (String part : spec.split(",", -1)) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int colon = p.indexOf(':');
      int n = colon < 0 ? 1 : Integer.parseInt(p.substring(colon + 1).strip());
      armed.put(colon < 0 ? p : p.substring(0, colon).strip(), new AtomicInteger(n));
    }
    return armed;
  }

  /** Halts the JVM here if this point is armed and its count is reached. */
  public static void hit(String name) {
    if (ARMED.isEmpty()) {
      return;
    }
    AtomicInteger left = ARMED.get(name);
    if (left != null && left.decrementAndGet() == 0) {
      System.err.println("ferry: failpoint " + name + " reached: halting the JVM");
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }
}
