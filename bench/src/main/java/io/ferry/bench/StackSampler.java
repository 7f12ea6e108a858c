package io.ferry.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A sampling profiler for the benchmark: every few milliseconds it takes the stacks of the threads
 * whose names end with given suffixes (Ferry's stage threads) and counts, per thread, where the
 * time goes: the innermost Ferry method on the stack, and whether the thread was waiting on the
 * database (a socket read), the disk (a file channel), its queue, or running. Prints the shares. A
 * suffix that ends with {@code *} stands for the threads whose names contain what comes before it
 * (all of parallel apply's {@code -channel-N} threads together, for example).
 */
final class StackSampler {
  private final List<String> suffixes;
  private final Map<String, Map<String, Integer>> counts = new HashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  StackSampler(List<String> suffixes) {
    this.suffixes = suffixes;
    this.thread = new Thread(this::loop, "stack-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    while (running.get()) {
      for (ThreadInfo info : mx.dumpAllThreads(false, false, 64)) {
        String name = info.getThreadName();
        for (String suffix : suffixes) {
          if (matches(name, suffix)) {
            synchronized (counts) {
              counts
                  .computeIfAbsent(suffix, k -> new HashMap<>())
                  .merge(where(info), 1, Integer::sum);
            }
          }
        }
      }
      try {
        Thread.sleep(20); // light enough not to slow the run it watches
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static boolean matches(String name, String suffix) {
    return suffix.endsWith("*")
        ? name.contains(suffix.substring(0, suffix.length() - 1))
        : name.endsWith(suffix);
  }

  /** "waiting: database" and the like, or the innermost Ferry method of a running thread. */
  private static String where(ThreadInfo info) {
    StackTraceElement[] stack = info.getStackTrace();
    String ferry = "(outside Ferry)";
    for (StackTraceElement e : stack) {
      if (e.getClassName().startsWith("io.ferry.")) {
        String cls = e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1);
        ferry = cls + "." + e.getMethodName();
        break;
      }
    }
    for (StackTraceElement e : stack) {
      String c = e.getClassName();
      if (c.startsWith("io.ferry.")) {
        break;
      }
      if (c.contains("SocketInputStream") || c.contains("NioSocketImpl") || c.contains("Socket")) {
        return "waiting on the database or network, under " + ferry;
      }
      if (c.contains("FileChannelImpl") || c.contains("FileDispatcherImpl")) {
        return "file I/O (write, fsync), under " + ferry;
      }
      if (c.contains("LockSupport") || c.contains("Object.wait") || c.equals("java.lang.Object")) {
        return "waiting for work, under " + ferry;
      }
    }
    return "running " + ferry;
  }

  /** Prints each thread's top places, with their share of the samples. */
  void print(int top) {
    System.out.print(text(top));
  }

  /** Each thread's top places, with their share of the samples, one per line. */
  String text(int top) {
    StringBuilder out = new StringBuilder();
    synchronized (counts) {
      for (Map.Entry<String, Map<String, Integer>> t : counts.entrySet()) {
        int total = t.getValue().values().stream().mapToInt(Integer::intValue).sum();
        out.append(
            String.format(
                Locale.ROOT,
                "  where stage '%s' spends its time (%,d samples):%n",
                t.getKey(),
                total));
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(t.getValue().entrySet());
        sorted.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
        for (Map.Entry<String, Integer> e : sorted.subList(0, Math.min(top, sorted.size()))) {
          out.append(
              String.format(
                  Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
        }
      }
    }
    return out.toString();
  }

  /** Stops sampling (waits for the sampler thread). */
  void stop() throws InterruptedException {
    running.set(false);
    thread.join();
  }
}
