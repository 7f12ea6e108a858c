package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ferry rescue}: a master is killed (SIGKILL) with transactions its native replica never
 * received; the replica is promoted, and the rescue applies exactly those from the dead master's
 * binlog files. The oracle is the master itself, checksummed before it was killed: every table
 * equal, the rescued transactions logged under the master's server id and domain, a copy that lacks
 * the first binlog file refused, and a second rescue applies nothing.
 */
class RescueTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  private static final List<String> SCHEMAS = List.of("r");

  @Test
  void aDeadMastersLastTransactionsReachItsPromotedReplica() throws Exception {
    SandboxServer master = db.server(1);
    SandboxServer replica = db.server(2);
    NativeReplication.start(replica, master);
    Sql.run(
        master,
        "CREATE DATABASE r",
        "CREATE TABLE r.t (id INT PRIMARY KEY, v VARCHAR(30), d DATETIME(6))",
        "CREATE TABLE r.keyless (v INT)");
    for (int i = 0; i < 20; i++) {
      Sql.run(master, "INSERT INTO r.t VALUES (" + i + ", 'before', '2026-11-30 10:00:00.123456')");
    }
    awaitRows(replica, "r.t", 20);

    // the replica stops receiving; the master goes on, then dies
    Sql.run(replica, "STOP SLAVE");
    List<String> missing = new ArrayList<>();
    for (int i = 20; i < 30; i++) {
      missing.add("INSERT INTO r.t VALUES (" + i + ", 'after', NOW(6))");
    }
    missing.add("UPDATE r.t SET v = 'changed' WHERE id < 5");
    missing.add("DELETE FROM r.t WHERE id BETWEEN 10 AND 12");
    missing.add("INSERT INTO r.keyless VALUES (1), (1), (2)");
    missing.add("CREATE TABLE r.late (id INT PRIMARY KEY, j JSON)");
    missing.add("INSERT INTO r.late VALUES (1, '{\"a\": [1, 2]}')");
    missing.add("ALTER TABLE r.t ADD COLUMN w INT DEFAULT 7");
    missing.add("UPDATE r.t SET w = id WHERE id > 25");
    // the missing transactions span two binlog files
    Sql.run(master, missing.subList(0, 5).toArray(String[]::new));
    Sql.run(master, "FLUSH BINARY LOGS");
    Sql.run(master, missing.subList(5, missing.size()).toArray(String[]::new));
    java.util.Map<String, Long> masterChecksums = Checksums.of(master, SCHEMAS);
    assertThat(masterChecksums).containsOnlyKeys("r.t", "r.keyless", "r.late");
    String masterGtids = Sql.value(master, "SELECT @@gtid_binlog_pos");
    db.sandboxes().killServer(db.sandbox().name(), 1);

    // promote the replica (it keeps gtid_slave_pos: what it received)
    Sql.run(replica, "STOP SLAVE", "RESET SLAVE ALL");
    java.util.Map<String, Long> receivedBefore = Checksums.of(replica, SCHEMAS);

    String target = db.sandbox().name() + ":2";
    String home = db.sandboxes().home().toString();
    String dir = master.dataDir().toString();
    // a copy of the last file only lacks the first missing transactions: refused, nothing applied
    java.nio.file.Path partial = java.nio.file.Files.createTempDirectory("rescue-partial");
    try (var files = java.nio.file.Files.list(master.dataDir())) {
      java.nio.file.Path last =
          files
              .filter(f -> f.getFileName().toString().matches("binlog\\.\\d{6}"))
              .max(java.util.Comparator.naturalOrder())
              .orElseThrow();
      java.nio.file.Files.copy(last, partial.resolve(last.getFileName()));
    }
    ReplicatorFixture.Result refused =
        ReplicatorFixture.raw(
            "rescue",
            "--binlog-dir",
            partial.toString(),
            "--target",
            target,
            "--sandbox-home",
            home);
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("begin after", "Copy the earlier binlog files too");
    String dry =
        ok("rescue", "--binlog-dir", dir, "--target", target, "--sandbox-home", home, "--dry-run");
    assertThat(dry).contains(missing.size() + " transaction(s)", "dry run: nothing applied");
    assertThat(dry).contains("insert 3 row(s) r.keyless", "ALTER TABLE r.t ADD COLUMN w");
    assertThat(Checksums.of(replica, SCHEMAS)).isEqualTo(receivedBefore);

    String applied = ok("rescue", "--binlog-dir", dir, "--target", target, "--sandbox-home", home);
    assertThat(applied).contains("rescued " + missing.size() + " transaction(s)");
    assertThat(Checksums.of(replica, SCHEMAS)).isEqualTo(masterChecksums);
    // logged under the dead master's server id and domain (the sequence numbers go on from the
    // replica's own, which the catalog's creation in its binlog may have moved)
    String[] masterLast = masterGtids.split("-", -1);
    String replicaLast = Sql.value(replica, "SELECT @@gtid_binlog_pos");
    assertThat(replicaLast).startsWith(masterLast[0] + "-" + masterLast[1] + "-");

    // again: nothing more (the catalog remembers the last rescued transaction)
    String again = ok("rescue", "--binlog-dir", dir, "--target", target, "--sandbox-home", home);
    assertThat(again).contains("rescued 0 transaction(s)");
    assertThat(Checksums.of(replica, SCHEMAS)).isEqualTo(masterChecksums);
  }

  private static String ok(String... args) {
    ReplicatorFixture.Result r = ReplicatorFixture.raw(args);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    return r.out();
  }

  private static void awaitRows(SandboxServer s, String table, int rows) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (Integer.parseInt(Sql.value(s, "SELECT COUNT(*) FROM " + table)) < rows) {
      assertThat(System.currentTimeMillis()).as("replicated").isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
