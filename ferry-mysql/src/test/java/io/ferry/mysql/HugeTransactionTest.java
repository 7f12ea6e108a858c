package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlReader;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A 1 GiB transaction passes through an extractor whose JVM has a 256 MB heap. */
class HugeTransactionTest {
  @RegisterExtension
  static final SandboxExtension DB =
      SandboxExtension.mariadb(1).options("max_allowed_packet=64M", "innodb_buffer_pool_size=256M");

  @TempDir Path thlDir;

  @Test
  void oneGigabyteWithA256MegabyteHeap() throws Exception {
    SandboxServer s = DB.server(1);
    Extraction.sql(
        s, "CREATE DATABASE huge", "CREATE TABLE huge.t (id INT PRIMARY KEY, blob_ LONGBLOB)");
    BinlogPosition start = Extraction.head(s);
    // 1024 rows of 1 MiB in one transaction: 1 GiB of row images in the binlog.
    Extraction.sql(
        s,
        "INSERT INTO huge.t SELECT seq, REPEAT(CHAR(65 + seq % 26), 1048576) FROM huge.seq_1_to_1024");
    long bigGtid;
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT @@gtid_binlog_pos")) {
      rs.next();
      bigGtid = MariaDbGtid.parse(rs.getString(1)).sequence();
    }
    Path err = Files.createTempFile("ferry-huge", ".err");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                ExtractToThl.class.getName(),
                s.host(),
                Integer.toString(s.port()),
                s.replicator().user(),
                s.replicator().password(),
                thlDir.toString(),
                start.file(),
                Long.toString(start.offset()))
            .redirectError(err.toFile())
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("STARTED");
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (System.nanoTime() < deadline && child.isAlive() && !done(bigGtid)) {
        Thread.sleep(500);
      }
      assertThat(child.isAlive())
          .as("the extractor is still running (no OutOfMemoryError): %s", Files.readString(err))
          .isTrue();
      assertThat(done(bigGtid)).as("the whole transaction reached the THL").isTrue();
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    long rows = 0;
    long payload = 0;
    int fragments = 0;
    try (Thl thl = Thl.openReadOnly(thlDir);
        ThlReader r = thl.reader(0)) {
      ReplEvent e;
      while ((e = r.nextEvent(0, TimeUnit.MILLISECONDS)) != null) {
        Transaction t = (Transaction) e;
        fragments++;
        for (var c : t.changes()) {
          if (c instanceof RowChanges rc) {
            for (var row : rc.rows()) {
              rows++;
              payload += ((byte[]) row.after(1)).length;
            }
          }
        }
      }
    }
    System.out.println(
        "1 GiB transaction: " + fragments + " fragments, " + rows + " rows, " + payload + " bytes");
    assertThat(rows).isEqualTo(1024);
    assertThat(payload).isEqualTo(1024L * 1048576);
    assertThat(fragments).isGreaterThan(500);
    Files.delete(err);
  }

  private boolean done(long gtid) {
    try (Thl thl = Thl.openReadOnly(thlDir)) {
      var c = thl.lastCheckpoint();
      return !c.isNone()
          && c.lastFrag()
          && ((MariaDbGtid) ((BinlogPosition) c.nativePosition()).gtid()).sequence() >= gtid;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
