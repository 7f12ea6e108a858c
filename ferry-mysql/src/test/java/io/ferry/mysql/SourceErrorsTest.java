package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.source.SourceException;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each way the source can be unusable gives an error that says what and what to do. */
class SourceErrorsTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  private static BinlogExtractor extractor(SourceSettings source, ExtractorSettings settings) {
    return new BinlogExtractor(source, settings, Clock.systemUTC());
  }

  @Test
  void unreachableHost() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (BinlogExtractor x =
        extractor(
            SourceSettings.of("127.0.0.1", port, "ferry", "x"), ExtractorSettings.defaults())) {
      assertThatThrownBy(() -> x.seek(Checkpoint.NONE))
          .isInstanceOf(SourceException.class)
          .hasMessageContaining("cannot connect to the source at 127.0.0.1:" + port)
          .hasMessageContaining("is the server running");
    }
  }

  @Test
  void wrongPassword() {
    SandboxServer s = DB.server(1);
    try (BinlogExtractor x =
        extractor(
            SourceSettings.of(s.host(), s.port(), "ferry", "wrong"),
            ExtractorSettings.defaults())) {
      assertThatThrownBy(() -> x.seek(Checkpoint.NONE))
          .hasMessageContaining("access denied for user 'ferry' at " + s.host() + ":" + s.port())
          .hasMessageContaining("check the password");
    }
  }

  @Test
  void missingGrantsAreNamed() throws Exception {
    SandboxServer s = DB.server(1);
    Extraction.sql(
        s,
        "CREATE USER 'nodump'@'127.0.0.1' IDENTIFIED BY 'pw'",
        "GRANT SELECT, BINLOG MONITOR ON *.* TO 'nodump'@'127.0.0.1'",
        "CREATE USER 'nomonitor'@'127.0.0.1' IDENTIFIED BY 'pw'",
        "GRANT SELECT, REPLICATION SLAVE ON *.* TO 'nomonitor'@'127.0.0.1'");
    try (BinlogExtractor x =
        extractor(
            SourceSettings.of(s.host(), s.port(), "nomonitor", "pw"),
            ExtractorSettings.defaults())) {
      assertThatThrownBy(() -> x.seek(Checkpoint.NONE))
          .hasMessageContaining("user 'nomonitor' may not run SHOW MASTER STATUS")
          .hasMessageContaining("it lacks the BINLOG MONITOR privilege")
          .hasMessageContaining("GRANT BINLOG MONITOR ON *.* TO 'nomonitor'");
    }
    try (BinlogExtractor x =
        extractor(
            SourceSettings.of(s.host(), s.port(), "nodump", "pw"), ExtractorSettings.defaults())) {
      assertThatThrownBy(() -> x.seek(Checkpoint.NONE))
          .hasMessageContaining("user 'nodump' may not read the binlog")
          .hasMessageContaining("it lacks the REPLICATION SLAVE privilege")
          .hasMessageContaining("GRANT REPLICATION SLAVE ON *.* TO 'nodump'");
    }
  }

  @Test
  void wrongFormatWhenRowsAreRequired() throws Exception {
    SandboxServer s = DB.server(1);
    Extraction.sql(s, "SET GLOBAL binlog_format = 'STATEMENT'");
    try (BinlogExtractor x =
        extractor(Extraction.source(s), ExtractorSettings.defaults().withRequireRowFormat(true))) {
      assertThatThrownBy(() -> x.seek(Checkpoint.NONE))
          .hasMessageContaining("logs binlog_format=STATEMENT, but this service requires ROW")
          .hasMessageContaining("SET GLOBAL binlog_format='ROW'");
    } finally {
      Extraction.sql(s, "SET GLOBAL binlog_format = 'ROW'");
    }
  }

  @Test
  void purgedPosition() throws Exception {
    SandboxServer s = DB.server(1);
    BinlogPosition old = Extraction.head(s);
    Extraction.sql(s, "FLUSH BINARY LOGS", "FLUSH BINARY LOGS");
    BinlogPosition now = Extraction.head(s);
    Extraction.sql(s, "PURGE BINARY LOGS TO '" + now.file() + "'");
    try (BinlogExtractor x =
        extractor(
            Extraction.source(s),
            ExtractorSettings.defaults().withStart(new StartPosition.At(old)))) {
      assertThatThrownBy(() -> x.seek(Checkpoint.NONE))
          .hasMessageContaining(
              "binlog file "
                  + old.file()
                  + " (needed to read from "
                  + old.text()
                  + ") is no longer on the source")
          .hasMessageContaining("it has " + now.file())
          .hasMessageContaining("re-provision");
    }
  }

  @Test
  void reconnectsAfterTheSourceRestartsWithoutLosingOrRepeating() throws Exception {
    SandboxServer s = DB.server(1);
    Extraction.sql(s, "CREATE DATABASE rc", "CREATE TABLE rc.t (id INT PRIMARY KEY)");
    BinlogPosition start = Extraction.head(s);
    List<Long> ids = new ArrayList<>();
    try (BinlogExtractor x =
        extractor(
            Extraction.source(s),
            ExtractorSettings.defaults()
                .withStart(new StartPosition.At(start))
                .withReconnectFor(Duration.ofSeconds(60)))) {
      x.seek(Checkpoint.NONE);
      Extraction.sql(s, "INSERT INTO rc.t VALUES (1)", "INSERT INTO rc.t VALUES (2)");
      collect(x, ids, 2);
      DB.sandboxes().stopServer(DB.sandbox().name(), 1);
      Thread.sleep(500);
      DB.sandboxes().startServer(DB.sandbox().name(), 1);
      Extraction.sql(s, "INSERT INTO rc.t VALUES (3)", "INSERT INTO rc.t VALUES (4)");
      collect(x, ids, 4);
      DB.sandboxes().killServer(DB.sandbox().name(), 1);
      DB.sandboxes().startServer(DB.sandbox().name(), 1);
      Extraction.sql(s, "INSERT INTO rc.t VALUES (5)");
      collect(x, ids, 5);
    }
    assertThat(ids).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  private static void collect(BinlogExtractor x, List<Long> ids, int until)
      throws InterruptedException {
    while (ids.size() < until) {
      ReplEvent e = x.next(60, TimeUnit.SECONDS);
      assertThat(e).as("a transaction within 60 s after %s", ids).isNotNull();
      for (var c : ((Transaction) e).changes()) {
        if (c instanceof RowChanges rc && rc.table().equals("t")) {
          rc.rows().forEach(r -> ids.add((Long) r.after(0)));
        }
      }
    }
  }
}
