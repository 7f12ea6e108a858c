package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Json;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three MariaDB masters, all to all, in one replicator. With every slave service offline, each site
 * changes the same rows in its own way (updates of rows 1-10, a delete on s1 against an update on
 * s2 for rows 11-15, the same new keys 101-105 inserted everywhere); then the slaves go online and
 * every change meets a row that is not the one it saw. The oracle is what the rule says must win,
 * computed from the workload: the test checks every site holds exactly that, that all three are
 * equal, and that each site's exceptions table names every conflict the test provoked there.
 */
class ConflictResolutionTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(3);

  @TempDir Path dir;

  private List<SandboxServer> servers() {
    return List.of(db.server(1), db.server(2), db.server(3));
  }

  /** The same table and rows on every site, written outside replication. */
  private void schema() throws Exception {
    for (SandboxServer s : servers()) {
      List<String> sql = new ArrayList<>();
      sql.add("SET SESSION sql_log_bin = 0");
      sql.add("CREATE DATABASE mm");
      sql.add(
          "CREATE TABLE mm.t (id INT PRIMARY KEY, v INT NOT NULL, ts DATETIME(6) NOT NULL,"
              + " ver INT NOT NULL, note VARCHAR(20) NULL)");
      for (int id = 1; id <= 15; id++) {
        sql.add("INSERT INTO mm.t VALUES (" + id + ", " + id + ", '2026-01-01 00:00:00', 1, NULL)");
      }
      Sql.run(s, sql.toArray(String[]::new));
    }
  }

  private ReplicatorFixture lab(String... slaveLines) throws Exception {
    schema();
    ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf"));
    MultiMasterLab.write(
        f,
        dir.resolve("data"),
        servers(),
        (from, to) -> {
          List<String> l = new ArrayList<>(List.of(slaveLines));
          l.add("apply.conflicts.site = " + MultiMasterLab.site(to));
          return l;
        });
    return f.start();
  }

  /** Each site's own changes, made while no slave applies, so that they all meet. */
  private static void provoke(ReplicatorFixture f, List<SandboxServer> servers) throws Exception {
    for (String slave : MultiMasterLab.slaves(3)) {
      f.ok("offline", "-service", slave);
    }
    for (int i = 1; i <= 3; i++) {
      List<String> sql = new ArrayList<>();
      sql.add(
          "UPDATE mm.t SET v = "
              + (i * 100)
              + " + id, ts = '2026-01-01 00:00:0"
              + i
              + "', ver = "
              + (1 + i)
              + " WHERE id <= 10");
      if (i == 1) {
        sql.add("DELETE FROM mm.t WHERE id BETWEEN 11 AND 15");
      }
      if (i == 2) {
        sql.add(
            "UPDATE mm.t SET v = 200 + id, ts = '2026-01-01 00:00:02', ver = 3"
                + " WHERE id BETWEEN 11 AND 15");
      }
      for (int k = 1; k <= 5; k++) {
        sql.add(
            "INSERT INTO mm.t VALUES ("
                + (100 + k)
                + ", "
                + (i * 100 + k)
                + ", '2026-01-01 00:00:0"
                + i
                + "', "
                + (1 + i)
                + ", NULL)");
      }
      Sql.run(servers.get(i - 1), sql.toArray(String[]::new));
    }
    for (String slave : MultiMasterLab.slaves(3)) {
      f.ok("online", "-service", slave);
    }
  }

  /** Whether every slave applied all its master has stored. */
  private static boolean caughtUp(ReplicatorFixture f) throws Exception {
    for (int i = 1; i <= 3; i++) {
      long stored =
          Json.mapper()
              .readTree(f.ok("status", "-service", "s" + i, "--json"))
              .path("storedLastSeqno")
              .asLong(-1);
      for (int j = 1; j <= 3; j++) {
        if (j != i) {
          long applied =
              Json.mapper()
                  .readTree(f.ok("status", "-service", "s" + i + "_to_s" + j, "--json"))
                  .path("appliedLastSeqno")
                  .asLong(-1);
          if (applied < stored) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * Waits until every slave applied all its master stored and all sites hold the same rows, and
   * keep holding them (realignments settle).
   */
  private void awaitConverged(ReplicatorFixture f) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    int stable = 0;
    String last = null;
    while (stable < 4) {
      assertThat(System.currentTimeMillis())
          .as("sites converged: " + rowsOfAll())
          .isLessThan(deadline);
      Thread.sleep(500);
      List<String> all = new ArrayList<>();
      for (SandboxServer s : servers()) {
        all.add(String.valueOf(Checksums.of(s, List.of("mm"))));
      }
      boolean equal = all.stream().distinct().count() == 1 && caughtUp(f);
      stable = equal && all.get(0).equals(last) ? stable + 1 : 0;
      last = equal ? all.get(0) : null;
    }
  }

  private String rowsOfAll() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 3; i++) {
      SandboxServer s = servers().get(i - 1);
      sb.append("\ns").append(i).append(": ").append(values(s));
      for (int from = 1; from <= 3; from++) {
        String schema = "ferry_s" + from + "_to_s" + i;
        if (from != i && Sql.exists(s, schema + ".conflicts")) {
          sb.append("\n  ")
              .append(schema)
              .append(
                  Sql.rows(
                      s,
                      "SELECT conflict_type, resolution, realign, COUNT(*) FROM "
                          + schema
                          + ".conflicts GROUP BY 1, 2, 3"));
        }
      }
    }
    return sb.toString();
  }

  /** id to v on a site. */
  private static Map<Integer, Integer> values(SandboxServer s) throws Exception {
    Map<Integer, Integer> out = new TreeMap<>();
    for (List<String> r : Sql.rows(s, "SELECT id, v FROM mm.t ORDER BY id")) {
      out.put(Integer.parseInt(r.get(0)), Integer.parseInt(r.get(1)));
    }
    return out;
  }

  /** What must win: rows 1-10 and 101-105 from {@code winner}; rows 11-15 updated, or gone. */
  private static Map<Integer, Integer> expected(int winner, boolean updateBeatsDelete) {
    Map<Integer, Integer> out = new TreeMap<>();
    for (int id = 1; id <= 10; id++) {
      out.put(id, winner * 100 + id);
    }
    if (updateBeatsDelete) {
      for (int id = 11; id <= 15; id++) {
        out.put(id, 200 + id);
      }
    }
    for (int k = 1; k <= 5; k++) {
      out.put(100 + k, winner * 100 + k);
    }
    return out;
  }

  /**
   * Every provoked conflict is in the site's exceptions table: for each row 1-10 and 101-105, one
   * from each other site (a change that arrives after the row already holds its result is none, so
   * an origin's rows may be missing only where the winner's realignment came first).
   */
  private void provokedConflictsRecorded(ReplicatorFixture f, int winner) throws Exception {
    for (int site = 1; site <= 3; site++) {
      SandboxServer s = servers().get(site - 1);
      for (int from = 1; from <= 3; from++) {
        if (from == site) {
          continue;
        }
        String schema = "ferry_s" + from + "_to_s" + site;
        List<List<String>> keys =
            Sql.rows(
                s,
                "SELECT DISTINCT row_key FROM "
                    + schema
                    + ".conflicts WHERE table_name = 't' AND origin = 's"
                    + from
                    + "'");
        List<String> recorded = keys.stream().map(r -> r.get(0)).toList();
        for (int id : List.of(1, 5, 10, 101, 105)) {
          boolean winnerHere = site == winner;
          if (winnerHere || from != winner) {
            // a losing change always meets the winner's row, or the winner's realigned row
            assertThat(recorded).as(schema + " conflicts").contains("id=" + id);
          }
        }
      }
      int from = 1;
      while (from == site || (site != winner && from == winner)) {
        from++;
      }
      JsonNode st =
          Json.mapper().readTree(f.ok("status", "-service", "s" + from + "_to_s" + site, "--json"));
      assertThat(st.path("conflicts").path("total").asLong()).isPositive();
    }
  }

  private void converges(ReplicatorFixture f, int winner, boolean updateBeatsDelete)
      throws Exception {
    provoke(f, servers());
    awaitConverged(f);
    Map<Integer, Integer> want = expected(winner, updateBeatsDelete);
    for (SandboxServer s : servers()) {
      assertThat(values(s)).as("site on port " + s.port()).isEqualTo(want);
    }
    provokedConflictsRecorded(f, winner);
    // the winning versions were realigned, and none is left behind
    long done = 0;
    for (int site = 1; site <= 3; site++) {
      for (int from = 1; from <= 3; from++) {
        if (from != site) {
          String t = "ferry_s" + from + "_to_s" + site + ".conflicts";
          SandboxServer s = servers().get(site - 1);
          assertThat(Sql.value(s, "SELECT COUNT(*) FROM " + t + " WHERE realign = 'pending'"))
              .as(t + " pending realignments")
              .isEqualTo("0");
          done +=
              Long.parseLong(Sql.value(s, "SELECT COUNT(*) FROM " + t + " WHERE realign = 'done'"));
        }
      }
    }
    assertThat(done).as("realignments sent").isPositive();
  }

  @Test
  void beforeImageWithPriorityConvergesOnTheFirstSite() throws Exception {
    try (ReplicatorFixture f =
        lab(
            "apply.conflicts = before-image",
            "apply.conflicts.resolve = priority",
            "apply.conflicts.priority = s1, s2, s3")) {
      converges(f, 1, false);
      String list = f.ok("conflicts", "list", "-service", "s2_to_s1", "-table", "mm.t");
      assertThat(list).contains("update-differs", "insert-exists", "target");
      JsonNode json =
          Json.mapper()
              .readTree(
                  f.ok("conflicts", "list", "-service", "s1_to_s3", "--json", "--limit", "500"));
      assertThat(json.size()).isPositive();
      assertThat(json.get(0).get("target").asText()).contains("v:");
    }
  }

  @Test
  void timestampNewerConvergesOnTheNewestVersion() throws Exception {
    try (ReplicatorFixture f = lab("apply.conflicts = timestamp(ts) newer")) {
      converges(f, 3, true);
      String metrics = ReplicatorFixture.metrics(f);
      assertThat(metrics).contains("ferry_conflicts_total{service=\"s3_to_s1\",table=\"mm.t\"");
    }
  }

  @Test
  void changedColumnsOnParallelChannelsDetectAndRealignToo() throws Exception {
    try (ReplicatorFixture f =
        lab(
            "apply.conflicts = changed-columns",
            "apply.conflicts.resolve = priority",
            "apply.conflicts.priority = s1, s2, s3",
            "apply.channels = 4",
            "apply.scheduler = key")) {
      converges(f, 1, false);
    }
  }

  @Test
  void versionNewerAndChangedColumnsPerTable() throws Exception {
    try (ReplicatorFixture f =
        lab(
            "apply.conflicts = changed-columns",
            "apply.conflicts.resolve = priority",
            "apply.conflicts.priority = s1, s2, s3",
            "apply.conflicts.tables = mm.t = version(ver) newer")) {
      converges(f, 3, true);
    }
  }

  @Test
  void stopIsTheDefaultAndRecordsTheConflict() throws Exception {
    try (ReplicatorFixture f = lab("apply.conflicts = key")) {
      provoke(f, servers());
      long deadline = System.currentTimeMillis() + 60_000;
      String status = "";
      while (!status.contains("OFFLINE:ERROR")) {
        assertThat(System.currentTimeMillis()).as("a slave stops").isLessThan(deadline);
        Thread.sleep(200);
        status = f.ok("status", "-service", "s2_to_s1");
      }
      assertThat(status).contains("OFFLINE:ERROR", "conflict ", "resolution stop", "origin s2");
      assertThat(
              Sql.value(
                  db.server(1),
                  "SELECT COUNT(*) FROM ferry_s2_to_s1.conflicts WHERE resolution = 'stopped'"))
          .isNotEqualTo("0");
      // nothing of the stopped transaction was applied: s1 keeps its own inserts
      assertThat(values(db.server(1)).get(101)).isEqualTo(101);
    }
  }

  /**
   * The known trap: s1 deletes a row while s2 deletes it and inserts it again. Whatever order the
   * changes arrive in, every site ends with the row s2 inserted, under both resolutions that
   * realign.
   */
  @Test
  void deleteAgainstDeleteThenInsert() throws Exception {
    try (ReplicatorFixture f =
        lab(
            "apply.conflicts = before-image",
            "apply.conflicts.resolve = priority",
            "apply.conflicts.priority = s1, s2, s3",
            "apply.conflicts.tables = mm.t = timestamp(ts) newer")) {
      for (String slave : MultiMasterLab.slaves(3)) {
        f.ok("offline", "-service", slave);
      }
      Sql.run(db.server(1), "DELETE FROM mm.t WHERE id = 7");
      Sql.run(
          db.server(2),
          "DELETE FROM mm.t WHERE id = 7",
          "INSERT INTO mm.t VALUES (7, 999, '2026-01-01 00:00:05', 9, 'again')");
      for (String slave : MultiMasterLab.slaves(3)) {
        f.ok("online", "-service", slave);
      }
      awaitConverged(f);
      for (SandboxServer s : servers()) {
        assertThat(values(s).get(7)).as("row 7 on port " + s.port()).isEqualTo(999);
      }
    }
  }
}
