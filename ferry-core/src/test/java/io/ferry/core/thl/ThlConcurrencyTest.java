package io.ferry.core.thl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.TestEvents;
import io.ferry.core.event.ReplEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer and several tailing readers: every reader sees every record once, in order. */
class ThlConcurrencyTest {
  private static final int RECORDS = 60_000;
  private static final int READERS = 4;

  @TempDir Path dir;

  @Test
  void tailingReadersSeeEveryRecordOnceInOrder() throws Exception {
    ThlSettings settings = ThlTestSupport.small(dir).withSegmentBytes(256 << 10);
    ExecutorService pool = Executors.newFixedThreadPool(READERS + 1);
    try (Thl thl = Thl.open(settings)) {
      List<Future<Long>> readers = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        long start = 0; // every reader from the beginning, started before the writer
        readers.add(
            pool.submit(
                () -> {
                  long expected = start;
                  try (ThlReader r = thl.reader(start)) {
                    while (expected < RECORDS) {
                      ReplEvent e = r.nextEvent(10, TimeUnit.SECONDS);
                      assertThat(e).as("reader stalled at %d", expected).isNotNull();
                      assertThat(e.seqno()).isEqualTo(expected);
                      if (expected % 997 == 0) {
                        assertThat(e).isEqualTo(TestEvents.mixed(expected));
                      }
                      expected = e.lastSeqno() + 1;
                    }
                    assertThat(r.nextEvent(50, TimeUnit.MILLISECONDS)).isNull();
                  }
                  return expected;
                }));
      }
      Future<?> writer =
          pool.submit(
              () -> {
                ThlTestSupport.write(thl, 0, RECORDS, 50, TestEvents::mixed);
                return null;
              });
      writer.get(120, TimeUnit.SECONDS);
      for (Future<Long> r : readers) {
        assertThat(r.get(120, TimeUnit.SECONDS)).isEqualTo(RECORDS);
      }
      assertThat(thl.segments().size()).isGreaterThan(10);
    } finally {
      pool.shutdownNow();
    }
  }
}
