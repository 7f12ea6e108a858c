package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.testkit.SandboxExtension;
import io.ferry.testkit.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The source fails over behind the address Ferry reads (a proxy the test moves, as a virtual IP
 * moves): Ferry resumes on the promoted replica by GTID, and the target ends equal to it, row by
 * row, with an insert-only keyless ledger proving that nothing was applied twice. A RESET MASTER
 * behind Ferry's back stops the service with the transaction it expected.
 */
class SourceFailoverTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(3);

  @TempDir Path dir;

  private Path direct(String name, SandboxServer source, int sourcePort, SandboxServer target)
      throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("service.name = " + name);
    lines.add("service.role = direct");
    lines.add("service.dir = " + dir.resolve(name));
    lines.add("source.host = 127.0.0.1");
    lines.add("source.port = " + sourcePort);
    lines.add("source.user = " + source.replicator().user());
    lines.add("source.password = " + source.replicator().password());
    lines.add("source.heartbeat = 1s");
    lines.add("source.start = beginning");
    lines.addAll(ServiceFiles.target(target));
    lines.add("apply.block-commit-latency = 50ms");
    Path file = dir.resolve(name + ".conf");
    Files.write(file, lines);
    return file;
  }

  /** Writes to whichever server {@code primary} names until stopped: ledger rows and updates. */
  private static Thread writer(
      AtomicReference<SandboxServer> primary,
      AtomicBoolean stop,
      AtomicInteger counter,
      AtomicReference<Throwable> failure,
      boolean twoDomains) {
    Thread t =
        new Thread(
            () -> {
              while (!stop.get()) {
                SandboxServer s = primary.get();
                try (Connection c = s.connect(s.root(), "");
                    Statement st = c.createStatement()) {
                  while (!stop.get() && java.util.Objects.equals(primary.get(), s)) {
                    int i = counter.incrementAndGet();
                    if (twoDomains) {
                      st.execute("SET SESSION gtid_domain_id = " + (i % 2));
                    }
                    st.execute("INSERT INTO shop.ledger VALUES (" + i + ", " + s.port() + ")");
                    st.execute("UPDATE shop.acct SET n = n + 1 WHERE id = " + (i % 10));
                  }
                } catch (Exception e) {
                  failure.compareAndSet(null, e);
                  return;
                }
              }
            },
            "failover-writer");
    t.start();
    return t;
  }

  private static void awaitCatchUp(SandboxServer source, SandboxServer target, Service service)
      throws Exception {
    String token = Checksums.mark(source);
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!Checksums.hasMark(target, token)) {
      if (service.state() == Service.State.OFFLINE_ERROR) {
        throw new AssertionError("Ferry failed: " + service.failure().message());
      }
      assertThat(System.nanoTime()).as("the target catches up within 120 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @ParameterizedTest(name = "two GTID domains: {0}")
  @ValueSource(booleans = {false, true})
  void ferryFollowsTheSourceAcrossAFailoverBehindTheSameAddress(boolean twoDomains)
      throws Exception {
    SandboxServer first = db.server(1);
    SandboxServer second = db.server(2);
    SandboxServer target = db.server(3);
    // The replica's binlog is laid out differently from the first server's (its transactions are
    // in binlog.000002): the file and offset Ferry stored mean nothing there.
    Sql.run(
        second,
        "FLUSH BINARY LOGS",
        "RESET SLAVE ALL",
        "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = "
            + first.port()
            + ", MASTER_USER = '"
            + first.replicator().user()
            + "', MASTER_PASSWORD = '"
            + first.replicator().password()
            + "', MASTER_USE_GTID = slave_pos",
        "START SLAVE");
    Sql.run(
        first,
        "CREATE DATABASE shop",
        "CREATE TABLE shop.ledger (i INT NOT NULL, server INT NOT NULL)", // no key: a double apply
        // shows as a second row
        "CREATE TABLE shop.acct (id INT PRIMARY KEY, n BIGINT NOT NULL)",
        "INSERT INTO shop.acct VALUES (0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0),"
            + " (7, 0), (8, 0), (9, 0)");

    AtomicReference<SandboxServer> primary = new AtomicReference<>(first);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger counter = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", first.port());
        Service service =
            new Service(
                ServiceFiles.load(direct("follow", first, proxy.port(), target)),
                Clock.systemUTC())) {
      service.online(Service.OnlineOptions.NONE);
      Thread w = writer(primary, stop, counter, failure, twoDomains);
      Thread.sleep(3000);

      // The first server stops taking writes; the second has everything, and is promoted.
      primary.set(null);
      stop.set(true);
      w.join();
      String executed = Sql.value(first, "SELECT @@gtid_binlog_pos");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!executed.equals(Sql.value(second, "SELECT @@gtid_slave_pos"))) {
        assertThat(System.nanoTime()).as("the replica catches up").isLessThan(deadline);
        Thread.sleep(50);
      }
      Sql.run(second, "STOP SLAVE", "RESET SLAVE ALL");
      proxy.redirect(second.port());
      int before = counter.get();

      stop.set(false);
      primary.set(second);
      if (twoDomains) {
        assertThat(service.status().appliedNativePosition())
            .as("the position carries the whole GTID state")
            .matches(".*;0-\\d+-\\d+,1-\\d+-\\d+$");
      }
      w = writer(primary, stop, counter, failure, twoDomains);
      Thread.sleep(3000);
      stop.set(true);
      w.join();
      assertThat(failure.get()).isNull();
      assertThat(counter.get()).as("writes after the failover").isGreaterThan(before + 10);

      awaitCatchUp(second, target, service);
      assertThat(service.state()).isEqualTo(Service.State.ONLINE);
      assertThat(service.status().appliedNativePosition())
          .as("resumed by GTID in the promoted server's binlog")
          .startsWith("binlog binlog.000002:");
      assertThat(Checksums.of(target, List.of("shop")))
          .isEqualTo(Checksums.of(second, List.of("shop")));
      assertThat(countOn(second))
          .as("every insert is on the promoted server")
          .isEqualTo(counter.get());
      assertThat(countOn(target)).isEqualTo(counter.get());
      assertThat(Sql.value(target, "SELECT COUNT(*) - COUNT(DISTINCT i) FROM shop.ledger"))
          .as("no ledger row applied twice")
          .isEqualTo("0");
    }
  }

  private static int countOn(SandboxServer s) throws Exception {
    return Integer.parseInt(Sql.value(s, "SELECT COUNT(*) FROM shop.ledger"));
  }

  @Test
  void aResetMasterBehindFerrysBackStopsTheServiceWithWhatItExpected() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(3);
    Sql.run(
        source,
        "CREATE DATABASE shop",
        "CREATE TABLE shop.t (id INT PRIMARY KEY, v VARCHAR(20))",
        "INSERT INTO shop.t VALUES (1, 'a'), (2, 'b')");
    try (Service service =
        new Service(
            ServiceFiles.load(direct("reset", source, source.port(), target)), Clock.systemUTC())) {
      service.online(Service.OnlineOptions.NONE);
      awaitCatchUp(source, target, service);
      service.offline();
      String gtid = Sql.value(source, "SELECT @@gtid_binlog_pos");
      Sql.run(source, "RESET MASTER");
      for (int i = 3; i < 60; i++) {
        Sql.run(source, "INSERT INTO shop.t VALUES (" + i + ", REPEAT('x', 20))");
      }
      service.online(Service.OnlineOptions.NONE);
      assertThat(service.await(Service.State.OFFLINE_ERROR, Duration.ofSeconds(30))).isTrue();
      assertThat(service.failure().message())
          .contains("should follow transaction " + gtid)
          .contains("its GTID state is now")
          .contains("RESET MASTER ran on it")
          .contains("-from-event " + gtid);
    }
  }

  @Test
  void aDamagedBinlogEventIsRefusedByItsChecksumNotApplied() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(3);
    Sql.run(
        source,
        "CREATE DATABASE shop",
        "CREATE TABLE shop.t (id INT PRIMARY KEY, v VARCHAR(40))",
        "INSERT INTO shop.t VALUES (1, 'the value the source wrote')",
        "FLUSH BINARY LOGS");
    long rowsAt = -1;
    try (Connection c = source.connect(source.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW BINLOG EVENTS IN 'binlog.000001'")) {
      while (rs.next()) {
        if (rs.getString("Event_type").startsWith("Write_rows")) {
          rowsAt = rs.getLong("Pos");
        }
      }
    }
    assertThat(rowsAt).isPositive();
    Path binlog;
    try (java.util.stream.Stream<Path> files = Files.walk(source.dataDir())) {
      binlog = files.filter(f -> f.endsWith("binlog.000001")).findFirst().orElseThrow();
    }
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(binlog.toFile(), "rw")) {
      long at = rowsAt + 19 + 12; // inside the row image: 'the value...'
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x01);
    }
    try (Service service =
        new Service(
            ServiceFiles.load(direct("crc", source, source.port(), target)), Clock.systemUTC())) {
      service.online(Service.OnlineOptions.NONE);
      assertThat(service.await(Service.State.OFFLINE_ERROR, Duration.ofSeconds(30))).isTrue();
      assertThat(service.failure().message())
          .contains("a damaged binlog event")
          .contains("fails its CRC32 checksum");
      assertThat(
              Sql.value(
                  target,
                  "SELECT COUNT(*) FROM information_schema.TABLES WHERE"
                      + " TABLE_SCHEMA = 'shop' AND TABLE_NAME = 't'"))
          .isEqualTo("1");
      assertThat(Sql.value(target, "SELECT COUNT(*) FROM shop.t")).isEqualTo("0");
    }
  }
}
