package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.pipeline.StageStatus;
import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.testkit.SandboxExtension;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time-delayed replication: with {@code apply.delay = 5s} a row reaches the replica no sooner than
 * five seconds after its source commit and not much later; the stage shows what it holds back, an
 * offline during the wait returns at once and applies nothing, and the next online keeps the delay.
 */
class DelayedReplicationTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  @TempDir Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Commits a row and returns its source commit time in milliseconds (the server's clock). */
  private static long insert(SandboxServer source, int id) throws Exception {
    Sql.run(source, "INSERT INTO shop.t VALUES (" + id + ", NOW(6))");
    return Timestamp.valueOf(Sql.value(source, "SELECT at FROM shop.t WHERE id = " + id)).getTime();
  }

  /** When the row appeared on the replica (milliseconds), polling every 20 ms. */
  private static long appeared(SandboxServer replica, int id, Service slave) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (slave.state() == Service.State.OFFLINE_ERROR) {
        throw new AssertionError("the slave failed: " + slave.failure().message());
      }
      if (!"0".equals(count(replica, id))) {
        return System.currentTimeMillis();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("row " + id + " never reached the replica");
  }

  private static String count(SandboxServer s, int id) throws Exception {
    try {
      return Sql.value(s, "SELECT COUNT(*) FROM shop.t WHERE id = " + id);
    } catch (java.sql.SQLException e) {
      return "0"; // the table itself is still held back
    }
  }

  private static StageStatus applying(Service s) {
    return s.status().stages().get(s.status().stages().size() - 1);
  }

  @Test
  void rowsArriveNoSoonerThanTheDelayAndOfflineDuringTheWaitIsImmediate() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    int port = freePort();
    Clock clock = Clock.systemUTC();
    Sql.run(
        source,
        "SET GLOBAL time_zone = '+00:00'",
        "CREATE DATABASE shop",
        "CREATE TABLE shop.t (id INT PRIMARY KEY, at DATETIME(6))");
    try (Service master =
            new Service(ServiceFiles.load(ServiceFiles.master(dir, "alpha", source, port)), clock);
        Service slave =
            new Service(
                ServiceFiles.load(
                    ServiceFiles.slave(
                        dir, "alpha_r", "thl://127.0.0.1:" + port, replica, "apply.delay = 5s")),
                clock)) {
      master.online(Service.OnlineOptions.NONE);
      slave.online(Service.OnlineOptions.NONE);
      assertThat(applying(slave).delayMillis()).isEqualTo(5000);

      long committed = insert(source, 1);
      long seen = appeared(replica, 1, slave);
      assertThat(seen - committed).as("applied after").isBetween(5000L, 8000L);

      // The next row is held back: the stage says so, and offline does not wait for it.
      committed = insert(source, 2);
      long deadline = System.currentTimeMillis() + 4000;
      while (applying(slave).delayedUntilMillis() == 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      StageStatus held = applying(slave);
      assertThat(held.state()).isEqualTo("delaying");
      // MariaDB logs whole seconds: the commit counts at the end of its second
      assertThat(held.delayedUntilMillis()).isBetween(committed + 4990, committed + 6000);
      long before = System.nanoTime();
      slave.offline();
      long offlineMillis = (System.nanoTime() - before) / 1_000_000;
      assertThat(offlineMillis).as("offline took").isLessThan(1000);
      assertThat(count(replica, 2)).isEqualTo("0");

      // Online again: still held until its time, then applied once.
      slave.online(Service.OnlineOptions.NONE);
      seen = appeared(replica, 2, slave);
      assertThat(seen - committed).as("applied after").isBetween(5000L, 8000L);
      assertThat(Sql.value(replica, "SELECT COUNT(*) FROM shop.t")).isEqualTo("2");
    }
  }
}
