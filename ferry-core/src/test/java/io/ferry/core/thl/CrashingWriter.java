package io.ferry.core.thl;

import io.ferry.core.TestEvents;
import io.ferry.core.event.ReplEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child process of {@link ThlCrashTest}: opens the log (recovering it), appends from the next
 * seqno on, and prints {@code ACK seqno} after each commit returns, until it is killed.
 */
public final class CrashingWriter {
  private CrashingWriter() {}

  /** What every seqno holds, so that the parent can check the content. */
  static ReplEvent event(long seqno) {
    return seqno % 37 == 17 ? TestEvents.sized(seqno, 40_000) : TestEvents.mixed(seqno);
  }

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    ThlSettings settings =
        ThlTestSupport.small(dir).withSegmentBytes(64 << 10).withFragmentBytes(4 << 10);
    Random random = new Random();
    try (Thl thl = Thl.open(settings)) {
      ThlWriter w = thl.writer();
      long next = thl.lastSeqno().orElse(-1) + 1;
      out.println("START " + next);
      while (true) {
        int block = 1 + random.nextInt(20);
        for (int i = 0; i < block; i++) {
          w.append(event(next++));
        }
        w.commit();
        out.println("ACK " + (next - 1));
      }
    }
  }
}
