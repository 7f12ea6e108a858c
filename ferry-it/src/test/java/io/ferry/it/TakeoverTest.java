package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A native MariaDB replica under write load is taken over by Ferry ({@code ferry setup takeover})
 * and later handed back ({@code ferry handback}): native replication stops, Ferry applies from
 * exactly where it stopped, and {@code START SLAVE} resumes from exactly where Ferry stopped. Every
 * table equals the master's, no replication error (a duplicate key or a missing row would stop
 * either side), and counters updated by every transaction show that nothing ran twice.
 */
class TakeoverTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  @TempDir Path dir;

  @Test
  void takenOverUnderLoadAndHandedBack() throws Exception {
    SandboxServer master = db.server(1);
    SandboxServer replica = db.server(2);
    NativeReplication.start(replica, master);
    Sql.run(
        master,
        "CREATE DATABASE tk",
        "CREATE TABLE tk.ledger (client INT NOT NULL, n INT NOT NULL, PRIMARY KEY (client, n))",
        "CREATE TABLE tk.acct (id INT PRIMARY KEY, total BIGINT NOT NULL)",
        "INSERT INTO tk.acct VALUES (0, 0), (1, 0), (2, 0), (3, 0)");

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger written = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread load =
        new Thread(
            () -> {
              try (java.sql.Connection c = master.connect(master.root(), "");
                  java.sql.Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                for (int n = 0; !stop.get(); n++) {
                  st.execute("INSERT INTO tk.ledger VALUES (1, " + n + ")");
                  st.execute("UPDATE tk.acct SET total = total + " + n + " WHERE id = " + n % 4);
                  c.commit();
                  written.incrementAndGet();
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    load.start();
    try (ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf"))) {
      f.start();
      // twice: a second takeover after a handback starts where native replication got to
      for (int round = 0; round < 2; round++) {
        Thread.sleep(500);
        String took =
            f.ok(
                "setup",
                "takeover",
                "--replica",
                db.sandbox().name() + ":2",
                "--master",
                db.sandbox().name() + ":1",
                "--service",
                "tk",
                "--sandbox-home",
                db.sandboxes().home().toString(),
                "--data-dir",
                dir.resolve("data").toString());
        assertThat(took).contains("native replication on", "stopped", "GTID position");
        assertThat(slaveStatus(replica, "Slave_SQL_Running")).isEqualTo("No");
        f.ok("replicator", "reload");
        int before = written.get();
        awaitMark(master, replica);
        assertThat(written.get()).as("writes went on during the takeover").isGreaterThan(before);

        Thread.sleep(500);
        String back = f.ok("handback", "-service", "tk");
        assertThat(back).contains("native replication on", "gtid_slave_pos = ");
        assertThat(Files.exists(dir.resolve("conf/services/tk.conf.handed-back"))).isTrue();
        assertThat(
                Sql.value(
                    replica,
                    "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'ferry_tk'"))
            .isEqualTo("0");
      }
      Thread.sleep(500);
    } finally {
      stop.set(true);
      load.join();
    }
    assertThat(failure.get()).isNull();
    awaitMark(master, replica);
    assertThat(slaveStatus(replica, "Slave_SQL_Running")).isEqualTo("Yes");
    assertThat(slaveStatus(replica, "Last_SQL_Errno")).isEqualTo("0");
    assertThat(Checksums.of(replica, List.of("tk"))).isEqualTo(Checksums.of(master, List.of("tk")));
    assertThat(Sql.value(replica, "SELECT COUNT(*) FROM tk.ledger"))
        .isEqualTo(Integer.toString(written.get()));
  }

  private static void awaitMark(SandboxServer master, SandboxServer replica) throws Exception {
    String token = Checksums.mark(master);
    long deadline = System.currentTimeMillis() + 30_000;
    while (!Checksums.hasMark(replica, token)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(
            "the replica did not catch up; its native replication: IO "
                + slaveStatus(replica, "Last_IO_Error")
                + " / SQL "
                + slaveStatus(replica, "Last_SQL_Error")
                + " / running "
                + slaveStatus(replica, "Slave_SQL_Running"));
      }
      Thread.sleep(100);
    }
  }

  private static String slaveStatus(SandboxServer s, String column) throws Exception {
    try (java.sql.Connection c = s.connect(s.root(), "");
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(column);
    }
  }
}
