package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.pipeline.SkipSeqnos;
import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.server.ServiceStateException;
import io.ferry.testkit.SandboxExtension;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roles as services: master and slave between two servers, an apply error taking the slave to
 * OFFLINE:ERROR and {@code online} with a skip bringing it back, a slave refused by a master with a
 * different history, and the direct role.
 */
class ServiceRolesTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(3);

  @TempDir Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void awaitMark(SandboxServer source, SandboxServer target, Service... services)
      throws Exception {
    String token = Checksums.mark(source);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (Checksums.hasMark(target, token)) {
        return;
      }
      for (Service s : services) {
        if (s.state() == Service.State.OFFLINE_ERROR) {
          throw new AssertionError("service " + s.name() + " failed: " + s.failure().message());
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the target did not catch up");
  }

  private static void sql(SandboxServer s, String... statements) throws Exception {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      for (String q : statements) {
        st.execute(q);
      }
    }
  }

  @Test
  void masterAndSlaveAnApplyErrorAndOnlineWithSkip() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    int port = freePort();
    Clock clock = Clock.systemUTC();
    try (Service master =
            new Service(ServiceFiles.load(ServiceFiles.master(dir, "alpha", source, port)), clock);
        Service slave =
            new Service(
                ServiceFiles.load(
                    ServiceFiles.slave(dir, "alpha_r", "thl://127.0.0.1:" + port, replica)),
                clock)) {
      sql(
          source,
          "CREATE DATABASE shop",
          "CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20), qty INT)",
          "INSERT INTO shop.items VALUES (1, 'apple', 5), (2, 'pear', 7), (3, 'plum', 9)");
      master.online(Service.OnlineOptions.NONE);
      slave.online(Service.OnlineOptions.NONE);
      assertThat(master.state()).isEqualTo(Service.State.ONLINE);
      assertThatThrownBy(() -> master.online(Service.OnlineOptions.NONE))
          .isInstanceOf(ServiceStateException.class)
          .hasMessageContaining("is ONLINE: only an offline service can go online");
      awaitMark(source, replica, master, slave);
      assertThat(Checksums.of(replica, List.of("shop")))
          .isEqualTo(Checksums.of(source, List.of("shop")));

      // A row deleted by hand on the replica: the next update of it stops the slave.
      sql(replica, "SET sql_log_bin = 0", "DELETE FROM shop.items WHERE id = 2");
      sql(source, "UPDATE shop.items SET qty = qty + 1 WHERE id = 2");
      assertThat(slave.await(Service.State.OFFLINE_ERROR, Duration.ofSeconds(60))).isTrue();
      Service.Failure f = slave.failure();
      assertThat(f.stage()).as(f.message()).isEqualTo("thl-to-target");
      assertThat(f.seqno()).isPositive();
      assertThat(f.nativePosition()).startsWith("binlog ");
      assertThat(f.message())
          .contains("seqno " + f.seqno())
          .contains("table shop.items")
          .contains("the row to update is not on the target")
          .contains("row: id=2")
          .contains("skip seqno " + f.seqno());
      assertThat(master.state()).isEqualTo(Service.State.ONLINE);

      // Put the row back as the source has it, skip the failed seqno, and go on.
      sql(replica, "SET sql_log_bin = 0", "INSERT INTO shop.items VALUES (2, 'pear', 8)");
      sql(source, "INSERT INTO shop.items VALUES (4, 'fig', 1)");
      slave.online(new Service.OnlineOptions(SkipSeqnos.parse(Long.toString(f.seqno()))));
      awaitMark(source, replica, master, slave);
      assertThat(Checksums.of(replica, List.of("shop")))
          .isEqualTo(Checksums.of(source, List.of("shop")));
      slave.offline();
      assertThat(slave.state()).isEqualTo(Service.State.OFFLINE_NORMAL);
      assertThatThrownBy(slave::offline).hasMessageContaining("is OFFLINE:NORMAL already");
    }
  }

  @Test
  void aDamagedOldSegmentIsTheMastersErrorAtOnceAndASlaveWithoutItsMasterShowsRetrying()
      throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    int port = freePort();
    Clock clock = Clock.systemUTC();
    Path masterFile = ServiceFiles.master(dir, "alpha", source, port, "thl.segment-bytes = 8k");
    try (Service master = new Service(ServiceFiles.load(masterFile), clock);
        Service slave =
            new Service(
                ServiceFiles.load(
                    ServiceFiles.slave(dir, "alpha_r", "thl://127.0.0.1:" + port, replica)),
                clock)) {
      sql(source, "CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY, v TEXT)");
      for (int i = 0; i < 200; i++) {
        sql(source, "INSERT INTO shop.t VALUES (" + i + ", REPEAT('x', 200))");
      }
      master.online(Service.OnlineOptions.NONE);
      long stored = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < stored
          && (master.status().storedLastSeqno() == null
              || master.status().storedLastSeqno() < 200)) {
        Thread.sleep(50);
      }
      master.offline();
      List<Path> segments;
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir.resolve("alpha"))) {
        segments = files.filter(f -> f.toString().endsWith(".seg")).sorted().toList();
      }
      assertThat(segments.size()).as("segments").isGreaterThan(3);
      try (java.io.RandomAccessFile raf =
          new java.io.RandomAccessFile(segments.get(1).toFile(), "rw")) {
        raf.seek(500);
        int b = raf.read();
        raf.seek(500);
        raf.write(b ^ 0x01);
      }

      master.online(Service.OnlineOptions.NONE);
      assertThat(master.await(Service.State.OFFLINE_ERROR, Duration.ofSeconds(10)))
          .as("the damaged segment is the master's own error within seconds")
          .isTrue();
      assertThat(master.failure().message())
          .contains("the THL of this service is damaged")
          .contains(segments.get(1).getFileName().toString())
          .contains("ferry thl purge --dir");

      // The master is down: its slave stays online, and says it keeps retrying, and why.
      slave.online(Service.OnlineOptions.NONE);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (slave.status().retrying() == null && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(slave.state()).isEqualTo(Service.State.ONLINE);
      assertThat(slave.status().retrying()).as("retrying shown within 30 s").isNotNull();
      assertThat(slave.status().retrying().stage()).isEqualTo("remote-to-thl");
      assertThat(slave.status().retrying().reason())
          .containsAnyOf("no master answered", "the master cannot read its THL");
      assertThat(slave.status().error()).isNull();
    }
  }

  @Test
  void aSlaveOfAnotherMasterIsRefusedByTheEpochCheck() throws Exception {
    SandboxServer sourceA = db.server(1);
    SandboxServer sourceB = db.server(3);
    SandboxServer replica = db.server(2);
    int portA = freePort();
    int portB = freePort();
    Clock clock = Clock.systemUTC();
    sql(sourceA, "CREATE DATABASE a", "CREATE TABLE a.t (id INT PRIMARY KEY)");
    sql(sourceB, "CREATE DATABASE b", "CREATE TABLE b.t (id INT PRIMARY KEY)");
    for (int i = 0; i < 20; i++) {
      sql(sourceA, "INSERT INTO a.t VALUES (" + i + ")");
    }
    for (int i = 0; i < 60; i++) {
      sql(sourceB, "INSERT INTO b.t VALUES (" + i + ")"); // B's log is longer than the slave's
    }
    try (Service masterA =
            new Service(ServiceFiles.load(ServiceFiles.master(dir, "ma", sourceA, portA)), clock);
        Service masterB =
            new Service(ServiceFiles.load(ServiceFiles.master(dir, "mb", sourceB, portB)), clock)) {
      masterA.online(Service.OnlineOptions.NONE);
      masterB.online(Service.OnlineOptions.NONE);
      Path slaveFile = ServiceFiles.slave(dir, "sa", "thl://127.0.0.1:" + portA, replica);
      try (Service slave = new Service(ServiceFiles.load(slaveFile), clock)) {
        slave.online(Service.OnlineOptions.NONE);
        awaitMark(sourceA, replica, masterA, slave);
        slave.offline();
      }
      // The same slave (its THL, its catalog) pointed at the other master.
      Path wrong = ServiceFiles.slave(dir, "sa", "thl://127.0.0.1:" + portB, replica);
      try (Service slave = new Service(ServiceFiles.load(wrong), clock)) {
        slave.online(Service.OnlineOptions.NONE);
        assertThat(slave.await(Service.State.OFFLINE_ERROR, Duration.ofSeconds(30))).isTrue();
        assertThat(slave.failure().stage())
            .as(slave.failure().message())
            .isEqualTo("remote-to-thl");
        assertThat(slave.failure().message())
            .contains("refused this replica")
            .containsPattern("the replica has seqno \\d+ with epoch \\d+")
            .contains("different histories");
      }
    }
  }

  @Test
  void aMasterGoingOnlineStartsANewEpoch() throws Exception {
    SandboxServer source = db.server(1);
    Path file = ServiceFiles.master(dir, "ep", source, freePort());
    sql(source, "CREATE DATABASE ep", "CREATE TABLE ep.t (id INT PRIMARY KEY)");
    List<Long> epochs = new java.util.ArrayList<>();
    for (int round = 0; round < 3; round++) {
      try (Service master = new Service(ServiceFiles.load(file), Clock.systemUTC())) {
        master.online(Service.OnlineOptions.NONE);
        sql(source, "INSERT INTO ep.t VALUES (" + round + ")");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (rows(master) < round + 3) {
          assertThat(System.nanoTime()).isLessThan(deadline);
          Thread.sleep(20);
        }
        epochs.add(master.applied().epoch());
        master.offline();
      }
    }
    assertThat(epochs).doesNotHaveDuplicates().isSorted();
  }

  /** Transactions the master has stored. */
  private static long rows(Service master) {
    return master.applied().seqno() + 1;
  }

  @Test
  void theDirectRoleMovesABinlogFromOneServerToAnother() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(3);
    sql(
        source,
        "CREATE DATABASE moved",
        "CREATE TABLE moved.t (id INT PRIMARY KEY, v TEXT)",
        "INSERT INTO moved.t SELECT seq, REPEAT('x', seq % 100) FROM moved.seq_1_to_2000",
        "DELETE FROM moved.t WHERE id % 7 = 0",
        "UPDATE moved.t SET v = CONCAT(v, '!') WHERE id % 5 = 0");
    try (Service direct =
        new Service(
            ServiceFiles.load(ServiceFiles.direct(dir, "mover", source, target)),
            Clock.systemUTC())) {
      direct.online(Service.OnlineOptions.NONE);
      awaitMark(source, target, direct);
      direct.offline();
      // Online again after more changes: it resumes after what it applied.
      sql(source, "INSERT INTO moved.t VALUES (5000, 'after')");
      direct.online(Service.OnlineOptions.NONE);
      awaitMark(source, target, direct);
    }
    assertThat(Checksums.of(target, List.of("moved")))
        .isEqualTo(Checksums.of(source, List.of("moved")));
  }
}
