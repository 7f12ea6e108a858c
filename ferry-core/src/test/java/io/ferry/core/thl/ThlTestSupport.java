package io.ferry.core.thl;

import io.ferry.core.TestEvents;
import io.ferry.core.event.ReplEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/** Writing and reading whole logs in tests. */
final class ThlTestSupport {
  private ThlTestSupport() {}

  static ThlSettings small(Path dir) {
    return ThlSettings.defaults(dir)
        .withSegmentBytes(16 << 10)
        .withIndexIntervalBytes(1024)
        .withRetention(null, 0);
  }

  /** Appends seqnos [from, to) made by {@code make}, committing every {@code block}. */
  static void write(Thl thl, long from, long to, int block, LongFunction<ReplEvent> make) {
    ThlWriter w = thl.writer();
    for (long s = from; s < to; s++) {
      w.append(make.apply(s));
      if ((s - from + 1) % block == 0) {
        w.commit();
      }
    }
    w.commit();
  }

  static void writeSmall(Thl thl, long from, long to) {
    write(thl, from, to, 10, TestEvents::small);
  }

  /** Every event from {@code from} to the end, without waiting. */
  static List<ReplEvent> readAll(Thl thl, long from) throws InterruptedException {
    List<ReplEvent> events = new ArrayList<>();
    try (ThlReader r = thl.reader(from)) {
      ReplEvent e;
      while ((e = r.nextEvent(0, TimeUnit.MILLISECONDS)) != null) {
        events.add(e);
      }
    }
    return events;
  }
}
