package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlReader;
import io.ferry.core.thl.ThlSettings;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master pipeline (binlog → THL) in a child process, killed with SIGKILL at random moments during
 * a write workload, again and again. After each kill and at the end the THL holds every source
 * transaction exactly once, in binlog order: its GTIDs follow each other without a gap or a repeat,
 * and its seqnos are dense.
 */
class ExtractionCrashTest {
  private static final int KILLS = 20;

  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  @TempDir Path thlDir;

  @Test
  void everySourceTransactionExactlyOnceInOrderAcrossKills() throws Exception {
    SandboxServer s = DB.server(1);
    Extraction.sql(
        s,
        "CREATE DATABASE crash",
        "CREATE TABLE crash.t (id INT AUTO_INCREMENT PRIMARY KEY, pad VARCHAR(500))");
    BinlogPosition start = Extraction.head(s);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong written = new AtomicLong();
    Thread workload =
        new Thread(
            () -> {
              Random r = new Random(7);
              try (Connection c = s.connect(s.root(), "");
                  Statement st = c.createStatement()) {
                while (writing.get()) {
                  int kind = r.nextInt(10);
                  if (kind == 0) {
                    // a big transaction: fragments in flight when the kill comes
                    st.execute("BEGIN");
                    for (int i = 0; i < 40; i++) {
                      st.execute("INSERT INTO crash.t (pad) VALUES (REPEAT('b', 500))");
                    }
                    st.execute("COMMIT");
                  } else {
                    st.execute("INSERT INTO crash.t (pad) VALUES ('x')");
                  }
                  written.incrementAndGet();
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    workload.start();
    Random random = new Random(11);
    int checkedKills = 0;
    for (int round = 0; round < KILLS; round++) {
      Process child = start(s, start);
      Thread.sleep(300 + random.nextInt(900));
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      verify(-1);
      checkedKills++;
    }
    writing.set(false);
    workload.join();
    long sourceLast = lastGtidSequence(s);
    Process child = start(s, start);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (lastInThl() < sourceLast && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    long count = verify(sourceLast);
    System.out.println(
        checkedKills
            + " kills; "
            + written.get()
            + " source transactions; THL holds "
            + count
            + " transactions up to GTID sequence "
            + sourceLast);
    assertThat(written.get()).isGreaterThan(100);
  }

  private Process start(SandboxServer s, BinlogPosition start) throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                ExtractToThl.class.getName(),
                s.host(),
                Integer.toString(s.port()),
                s.replicator().user(),
                s.replicator().password(),
                thlDir.toString(),
                start.file(),
                Long.toString(start.offset()),
                Long.toString(16 << 10))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).isEqualTo("STARTED");
    return child;
  }

  /** Checks the THL; returns the number of transactions it holds. */
  private long verify(long expectLast) throws Exception {
    try (Thl thl = Thl.open(ThlSettings.defaults(thlDir))) {
      long expectedSeqno = 0;
      long lastGtid = -1;
      long transactions = 0;
      int expectedFrag = 0;
      try (ThlReader r = thl.reader(0)) {
        ReplEvent e;
        while ((e = r.nextEvent(0, TimeUnit.MILLISECONDS)) != null) {
          Transaction t = (Transaction) e;
          assertThat(t.seqno()).isEqualTo(expectedSeqno);
          assertThat(t.fragno()).isEqualTo(expectedFrag);
          long gtid =
              ((MariaDbGtid) ((BinlogPosition) t.header().nativePosition()).gtid()).sequence();
          if (t.fragno() == 0) {
            if (lastGtid >= 0) {
              assertThat(gtid)
                  .as("GTID after %d (seqno %d)", lastGtid, t.seqno())
                  .isEqualTo(lastGtid + 1);
            }
            lastGtid = gtid;
          } else {
            assertThat(gtid).isEqualTo(lastGtid);
          }
          if (t.lastFrag()) {
            expectedSeqno++;
            expectedFrag = 0;
            transactions++;
          } else {
            expectedFrag++;
          }
        }
      }
      assertThat(expectedFrag).as("the log ends at a transaction boundary").isZero();
      if (expectLast >= 0) {
        assertThat(lastGtid).isEqualTo(expectLast);
      }
      return transactions;
    }
  }

  private long lastInThl() {
    try (Thl thl = Thl.openReadOnly(thlDir)) {
      var c = thl.lastCheckpoint();
      if (c.isNone()) {
        return -1;
      }
      return ((MariaDbGtid) ((BinlogPosition) c.nativePosition()).gtid()).sequence();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static long lastGtidSequence(SandboxServer s) throws Exception {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT @@gtid_binlog_pos")) {
      rs.next();
      return MariaDbGtid.parse(rs.getString(1)).sequence();
    }
  }
}
