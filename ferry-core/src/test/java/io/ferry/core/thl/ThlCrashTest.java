package io.ferry.core.thl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.ReplEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer in a child process is killed with SIGKILL at random moments, again and again. After each
 * kill the log is reopened: every seqno acknowledged before the kill is there, in order, once, with
 * the content that was written; a torn tail or half-written transaction is cut and the next writer
 * carries on from there.
 */
class ThlCrashTest {
  private static final int KILLS = 25;

  @TempDir Path dir;

  @Test
  void acknowledgedWritesSurviveKills() throws Exception {
    Random random = new Random(42);
    long verifiedUpTo = -1;
    int cutsSeen = 0;
    for (int round = 0; round < KILLS; round++) {
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashingWriter.class.getName(),
                  dir.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      AtomicLong acked = new AtomicLong(-1);
      AtomicLong started = new AtomicLong(-1);
      Thread pump =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                      acked.set(Long.parseLong(line.substring(4)));
                    } else if (line.startsWith("START ")) {
                      started.set(Long.parseLong(line.substring(6)));
                    }
                  }
                } catch (java.io.IOException ignored) {
                  // the child was killed
                }
              });
      pump.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (started.get() < 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(started.get())
          .as("round %d: the writer started", round)
          .isEqualTo(verifiedUpTo + 1);
      Thread.sleep(20 + random.nextInt(250));
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      pump.join();
      long ackedBeforeKill = acked.get();

      try (Thl thl = Thl.open(ThlTestSupport.small(dir))) {
        if (!thl.recoveryNotes().isEmpty()) {
          cutsSeen++;
        }
        long last = thl.lastSeqno().orElse(-1);
        assertThat(last)
            .as("round %d: everything acknowledged (%d) survives", round, ackedBeforeKill)
            .isGreaterThanOrEqualTo(ackedBeforeKill);
        assertThat(thl.lastCheckpoint().lastFrag()).isTrue();
        long expected = Math.max(0, verifiedUpTo + 1);
        try (ThlReader r = thl.reader(expected)) {
          ReplEvent e;
          int fragno = 0;
          while ((e = r.nextEvent(0, TimeUnit.MILLISECONDS)) != null) {
            assertThat(e.seqno()).as("round %d: order", round).isEqualTo(expected);
            ReplEvent original = CrashingWriter.event(expected);
            if (original instanceof io.ferry.core.event.Transaction t
                && e instanceof io.ferry.core.event.Transaction got
                && (!got.lastFrag() || got.fragno() > 0)) {
              assertThat(got.fragno()).isEqualTo(fragno++);
              assertThat(got.header().nativePosition()).isEqualTo(t.header().nativePosition());
            } else {
              assertThat(e).as("round %d: content of %d", round, expected).isEqualTo(original);
            }
            if (e.endsTransaction()) {
              expected = e.lastSeqno() + 1;
              fragno = 0;
            }
          }
        }
        verifiedUpTo = last;
      }
    }
    System.out.println(
        KILLS
            + " kills; log ends at seqno "
            + verifiedUpTo
            + "; recovery cut something "
            + cutsSeen
            + " times");
    assertThat(verifiedUpTo).isGreaterThan(KILLS * 10L);
  }
}
