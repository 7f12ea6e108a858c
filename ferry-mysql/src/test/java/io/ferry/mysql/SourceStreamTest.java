package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowImage;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtidPosition;
import io.ferry.core.value.Text;
import io.ferry.mysql.source.BinlogStream;
import io.ferry.mysql.source.SourceException;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the binlog stream itself may do: row images other than FULL, rotation and a change of binlog
 * checksums in the middle, starts by GTID, and heartbeats that keep an idle stream alive while a
 * silent one is given up.
 */
class SourceStreamTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  private static List<RowChanges> rowChanges(List<Transaction> txs, String table) {
    return txs.stream()
        .flatMap(t -> t.changes().stream())
        .filter(c -> c instanceof RowChanges rc && rc.table().equals(table))
        .map(RowChanges.class::cast)
        .toList();
  }

  private static String text(Object v) {
    return v == null ? null : ((Text) v).toString();
  }

  @Test
  void minimalAndNoblobImagesAreCarriedAsTheServerSentThem() throws Exception {
    SandboxServer s = DB.server(1);
    Extraction.sql(
        s,
        "CREATE DATABASE img",
        "CREATE TABLE img.t (id INT PRIMARY KEY, a VARCHAR(10), b INT, doc TEXT)",
        "INSERT INTO img.t VALUES (1, 'one', 1, 'blob1'), (2, 'two', 2, 'blob2')");
    BinlogPosition start = Extraction.head(s);
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      st.execute("SET SESSION binlog_row_image = 'MINIMAL'");
      st.execute("UPDATE img.t SET b = 10 WHERE id = 1");
      st.execute("DELETE FROM img.t WHERE id = 2");
      st.execute("SET SESSION binlog_row_image = 'NOBLOB'");
      st.execute("UPDATE img.t SET a = 'uno' WHERE id = 1");
      st.execute("SET SESSION binlog_row_image = 'FULL'");
      st.execute("UPDATE img.t SET b = 11 WHERE id = 1");
      st.execute("CREATE TABLE img.done (id INT)");
    }
    List<RowChanges> changes =
        rowChanges(Extraction.until(s, start, Extraction.marker("img")), "t");
    assertThat(changes).hasSize(4);

    RowChanges minimalUpdate = changes.get(0);
    assertThat(minimalUpdate.image()).isEqualTo(RowImage.MINIMAL);
    assertThat(minimalUpdate.beforeColumns()).isEqualTo(ColumnMask.of(4, 0));
    assertThat(minimalUpdate.afterColumns()).isEqualTo(ColumnMask.of(4, 2));
    assertThat(minimalUpdate.rows().get(0).before(0)).isEqualTo(1L);
    assertThat(minimalUpdate.rows().get(0).after(2)).isEqualTo(10L);

    RowChanges minimalDelete = changes.get(1);
    assertThat(minimalDelete.image()).isEqualTo(RowImage.MINIMAL);
    assertThat(minimalDelete.beforeColumns()).isEqualTo(ColumnMask.of(4, 0));
    assertThat(minimalDelete.rows().get(0).before(0)).isEqualTo(2L);

    RowChanges noblobUpdate = changes.get(2);
    assertThat(noblobUpdate.image()).isEqualTo(RowImage.NOBLOB);
    assertThat(noblobUpdate.beforeColumns()).isEqualTo(ColumnMask.of(4, 0, 1, 2));
    assertThat(noblobUpdate.afterColumns()).isEqualTo(ColumnMask.of(4, 0, 1, 2));
    assertThat(text(noblobUpdate.rows().get(0).before(1))).isEqualTo("one");
    assertThat(text(noblobUpdate.rows().get(0).after(1))).isEqualTo("uno");

    RowChanges fullUpdate = changes.get(3);
    assertThat(fullUpdate.image()).isEqualTo(RowImage.FULL);
    assertThat(text(fullUpdate.rows().get(0).after(3))).isEqualTo("blob1");
  }

  @Test
  void rotationAndAChecksumChangeMidStream() throws Exception {
    SandboxServer s = DB.server(1);
    Extraction.sql(s, "CREATE DATABASE rot", "CREATE TABLE rot.t (id INT PRIMARY KEY)");
    BinlogPosition start = Extraction.head(s);
    try {
      Extraction.sql(
          s,
          "INSERT INTO rot.t VALUES (1)",
          "FLUSH BINARY LOGS",
          "INSERT INTO rot.t VALUES (2)",
          "SET GLOBAL binlog_checksum = 'NONE'",
          "INSERT INTO rot.t VALUES (3)",
          "SET GLOBAL binlog_checksum = 'CRC32'",
          "INSERT INTO rot.t VALUES (4)",
          "CREATE TABLE rot.done (id INT)");
    } finally {
      Extraction.sql(s, "SET GLOBAL binlog_checksum = 'CRC32'");
    }
    List<Transaction> txs = Extraction.until(s, start, Extraction.marker("rot"));
    List<RowChanges> inserts = rowChanges(txs, "t");
    assertThat(inserts.stream().map(rc -> rc.rows().get(0).after(0)))
        .containsExactly(1L, 2L, 3L, 4L);
    // Each insert is in a binlog file of its own: FLUSH and each checksum change rotate.
    List<String> files =
        txs.stream()
            .filter(t -> !rowChanges(List.of(t), "t").isEmpty())
            .map(t -> ((BinlogPosition) t.header().nativePosition()).file())
            .toList();
    assertThat(files).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void startsRightAfterAGtidPosition() throws Exception {
    SandboxServer s = DB.server(1);
    Extraction.sql(s, "CREATE DATABASE gt", "CREATE TABLE gt.t (id INT PRIMARY KEY)");
    Extraction.sql(s, "INSERT INTO gt.t VALUES (1)", "INSERT INTO gt.t VALUES (2)");
    String afterTwo = gtidBinlogPos(s);
    Extraction.sql(s, "INSERT INTO gt.t VALUES (3)", "CREATE TABLE gt.done (id INT)");
    List<Transaction> txs =
        Extraction.until(
            s,
            StartPosition.parse(afterTwo),
            ExtractorSettings.defaults(),
            Extraction.marker("gt"));
    assertThat(txs).hasSize(2);
    assertThat(rowChanges(txs, "t").get(0).rows().get(0).after(0)).isEqualTo(3L);

    // At the head: the next transaction committed is the first one read.
    String atHead = gtidBinlogPos(s);
    try (BinlogExtractor x =
        new BinlogExtractor(
            Extraction.source(s),
            ExtractorSettings.defaults().withStart(StartPosition.parse(atHead)),
            Clock.systemUTC())) {
      x.seek(Checkpoint.NONE);
      Extraction.sql(s, "INSERT INTO gt.t VALUES (4)");
      Transaction t = (Transaction) x.next(20, TimeUnit.SECONDS);
      assertThat(rowChanges(List.of(t), "t").get(0).rows().get(0).after(0)).isEqualTo(4L);
    }
  }

  @Test
  void gtidStartsTheSourceCannotServeAreRefused() throws Exception {
    SandboxServer s = DB.server(1);
    String future = "0-" + s.serverId() + "-" + 999_999_999L;
    try (BinlogExtractor x =
        new BinlogExtractor(
            Extraction.source(s),
            ExtractorSettings.defaults().withStart(StartPosition.parse(future)),
            Clock.systemUTC())) {
      assertThatThrownBy(() -> x.seek(Checkpoint.NONE))
          .isInstanceOf(SourceException.class)
          .hasMessageContaining("cannot send its binlog from GTID position " + future);
    }
    try (BinlogExtractor x =
        new BinlogExtractor(
            Extraction.source(s),
            ExtractorSettings.defaults()
                .withStart(StartPosition.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5")),
            Clock.systemUTC())) {
      assertThatThrownBy(() -> x.seek(Checkpoint.NONE))
          .hasMessageContaining("is a MySQL GTID set, but the source at " + s.host())
          .hasMessageContaining("is MariaDB");
    }
    assertThatThrownBy(() -> StartPosition.parse("16/B374D848"))
        .hasMessageContaining("is a pg-lsn");
  }

  @Test
  void heartbeatsKeepAnIdleStreamAliveAndSilenceEndsIt() throws Exception {
    SandboxServer s = DB.server(1);
    SourceSettings source = Extraction.source(s).withHeartbeat(Duration.ofMillis(300));
    BinlogPosition head = Extraction.head(s);
    BinlogStream stream = new BinlogStream(source, head.file(), head.offset(), 1 << 20, e -> null);
    try {
      stream.open();
      // Idle for ten silence limits: heartbeats keep arriving, so nothing fails.
      long idleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < idleUntil) {
        assertThat(stream.take(200, TimeUnit.MILLISECONDS)).isNull();
      }
      signal(s, "STOP");
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> stream.take(30, TimeUnit.SECONDS))
          .isInstanceOf(SourceException.class)
          .hasMessageContaining("sent nothing, not even a heartbeat, for 0.9 s")
          .satisfies(e -> assertThat(((SourceException) e).isRetriable()).isTrue());
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    } finally {
      signal(s, "CONT");
      stream.close();
    }
  }

  private static void signal(SandboxServer s, String signal) throws Exception {
    long pid = s.pid().orElseThrow();
    Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
    assertThat(p.waitFor()).isZero();
  }

  private static String gtidBinlogPos(SandboxServer s) throws Exception {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT @@gtid_binlog_pos")) {
      rs.next();
      return MariaDbGtidPosition.parse(rs.getString(1)).text();
    }
  }
}
