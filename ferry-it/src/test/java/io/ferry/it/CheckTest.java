package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Json;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import io.ferry.testkit.Sysbench;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consistency check and repair through the log, on a master with two replicas (one applying on one
 * channel, one on four with the key scheduler) while sysbench writes: eight tables, one of them
 * 1,000,000 rows, filled alike on the three servers outside replication (as a backup would
 * provision them). A first check finds nothing; rows changed, deleted and added by hand on each
 * replica are then found in exactly the chunks that hold them, with the row counts they make;
 * repairs of those ranges (while the load runs) make a third check find nothing; and after the load
 * stops, CHECKSUM TABLE — not Ferry's checker — finds the three servers equal.
 */
class CheckTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(3);

  @TempDir Path dir;

  private static final int TABLES = 8;
  private static final int BIG = 1_000_000;
  private static final int SMALL = 20_000;
  private static final int TOUCHED = 10_000; // sysbench writes ids 1..TOUCHED only

  /** A row changed by hand on a replica: the table and its key. */
  record Edit(String table, long id, String what) {}

  @Test
  void checksFindsExactlyWhatDiffersAndRepairConvergesUnderLoad() throws Exception {
    Assumptions.assumeTrue(Sysbench.installed(), "sysbench is not installed");
    SandboxServer master = db.server(1);
    SandboxServer one = db.server(2);
    SandboxServer four = db.server(3);
    ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf"));
    f.ok(
        "setup",
        "fan-out",
        "--master",
        db.sandbox().name() + ":1",
        "--slaves",
        db.sandbox().name() + ":2," + db.sandbox().name() + ":3",
        "--names",
        "alpha,one,four",
        "--sandbox-home",
        db.sandboxes().home().toString(),
        "--data-dir",
        dir.resolve("data").toString());
    Map<String, String> slaves = slaveServices(f);
    String toOne = slaves.get("one");
    String toFour = slaves.get("four");
    Path fourConf = dir.resolve("conf").resolve("services").resolve(toFour + ".conf");
    Files.write(
        fourConf,
        List.of("apply.channels = 4", "apply.scheduler = key"),
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    fill(List.of(master, one, four));

    try (f) {
      f.start();
      Sysbench bench = new Sysbench("oltp_write_only", TABLES, TOUCHED, 4);
      Process load = bench.run(master, "sb", 0, 300, dir.resolve("sysbench.log"));
      try {
        // 1. nothing differs
        String first = check(f, toOne, toFour);
        for (String svc : List.of(toOne, toFour)) {
          JsonNode run = run(f, svc, first);
          assertThat(run.get("differ").asLong()).as(svc).isZero();
          assertThat(run.get("error").asLong()).as(svc).isZero();
          assertThat(run.get("tables").asLong()).isEqualTo(TABLES);
          assertThat(run.get("rowsChecked").asLong()).isGreaterThanOrEqualTo(BIG + 7L * SMALL);
        }

        // 2. rows changed by hand on each replica are found, chunk by chunk
        List<Edit> onOne =
            List.of(
                new Edit("sbtest1", 500_000, "UPDATE sb.sbtest1 SET c = 'hand' WHERE id = 500000"),
                new Edit("sbtest1", 750_000, "DELETE FROM sb.sbtest1 WHERE id = 750000"),
                new Edit(
                    "sbtest1",
                    BIG + 1,
                    "INSERT INTO sb.sbtest1 VALUES (" + (BIG + 1) + ", 1, 'added', 'by hand')"),
                new Edit("sbtest5", 15_000, "UPDATE sb.sbtest5 SET k = k + 1 WHERE id = 15000"));
        List<Edit> onFour =
            List.of(
                new Edit("sbtest2", 12_345, "DELETE FROM sb.sbtest2 WHERE id = 12345"),
                new Edit("sbtest8", 19_999, "UPDATE sb.sbtest8 SET pad = 'x' WHERE id = 19999"),
                new Edit(
                    "sbtest1", 333_333, "UPDATE sb.sbtest1 SET pad = 'four' WHERE id = 333333"));
        edit(one, onOne);
        edit(four, onFour);
        String second = check(f, toOne, toFour);
        List<JsonNode> diffOne = differences(f, toOne, second);
        List<JsonNode> diffFour = differences(f, toFour, second);
        expectExactly(diffOne, onOne);
        expectExactly(diffFour, onFour);
        JsonNode deleted = chunkOf(diffOne, new Edit("sbtest1", 750_000, ""));
        assertThat(deleted.get("targetRows").asLong())
            .isEqualTo(deleted.get("sourceRows").asLong() - 1);
        assertThat(ReplicatorFixture.metrics(f))
            .contains(
                "ferry_check_chunks_total{service=\""
                    + toOne
                    + "\",result=\"differ\"} "
                    + diffOne.size())
            .contains("ferry_check_chunks_total{service=\"" + toFour + "\",result=\"match\"}");
        ReplicatorFixture.Result printed = f.ferry("check", "status", "-service", toOne);
        assertThat(printed.code()).as("differences found: exit 1").isEqualTo(1);
        assertThat(printed.out()).contains("ferry repair -service alpha sb.sbtest1 --range");

        // 3. repair what differs, while the load runs; a dry run changes nothing
        Set<List<String>> ranges =
            new TreeSet<>((a, b) -> String.join(" ", a).compareTo(String.join(" ", b)));
        for (JsonNode d : concat(diffOne, diffFour)) {
          ranges.add(List.of(d.get("table").asText(), d.get("range").asText()));
        }
        List<String> first1 = new ArrayList<>(ranges.iterator().next());
        String dry =
            f.ok(
                "repair",
                "-service",
                "alpha",
                first1.get(0),
                "--range",
                first1.get(1),
                "--dry-run");
        assertThat(dry).contains("counted", "range " + first1.get(1));
        for (List<String> r : ranges) {
          if (r.get(1).equals("whole table")) {
            f.ok("repair", "-service", "alpha", r.get(0));
          } else {
            f.ok("repair", "-service", "alpha", r.get(0), "--range", r.get(1));
          }
        }
        // ranges sysbench writes at this moment, re-sent under its load: what replicas hold
        // there must come out the same as the source's, whatever commits around each transaction
        f.ok("repair", "-service", "alpha", "sb.sbtest2", "--range", "..5001");
        f.ok("repair", "-service", "alpha", "sb.sbtest3", "--range", "2000..8000");
        String third = check(f, toOne, toFour);
        for (String svc : List.of(toOne, toFour)) {
          JsonNode run = run(f, svc, third);
          assertThat(run.get("differ").asLong()).as(svc + " after repair").isZero();
          assertThat(run.get("error").asLong()).as(svc).isZero();
        }
      } finally {
        load.destroy();
        load.waitFor();
      }

      // 4. the oracle: every server's own checksum, after the replicas caught up
      long stored =
          Json.mapper()
              .readTree(f.ok("status", "-service", "alpha", "--json"))
              .get("storedLastSeqno")
              .asLong();
      for (String svc : List.of(toOne, toFour)) {
        f.ok("wait", "-service", svc, "-applied", Long.toString(stored), "-limit", "120");
      }
      Map<String, Long> sums = Checksums.of(master, List.of("sb"));
      assertThat(sums).hasSize(TABLES);
      assertThat(Checksums.of(one, List.of("sb"))).isEqualTo(sums);
      assertThat(Checksums.of(four, List.of("sb"))).isEqualTo(sums);
    }
  }

  /**
   * Three masters (all-masters, shard homes h1 at s1, h2 at s2, h3 at s3), each site writing its
   * own shard: each site's check covers only the shards homed there (the others are skipped with
   * their home named), its markers reach the other two sites, and a difference made by hand on one
   * site is found by the home's check at exactly that site and repaired from the home.
   */
  @Test
  void threeMastersCheckEachShardAtItsHome() throws Exception {
    List<SandboxServer> servers = List.of(db.server(1), db.server(2), db.server(3));
    ReplicatorFixture f = new ReplicatorFixture(dir.resolve("mm"));
    MultiMasterLab.write(f, dir.resolve("mmdata"), servers, (from, to) -> List.of());
    try (f) {
      f.start();
      for (int i = 1; i <= 3; i++) {
        f.ok("shard", "set", "h" + i, "s" + i);
      }
      for (int i = 1; i <= 3; i++) {
        Sql.run(
            servers.get(i - 1),
            "CREATE DATABASE h" + i,
            "CREATE TABLE h" + i + ".t (id INT PRIMARY KEY, v VARCHAR(40), n INT NOT NULL)",
            "INSERT INTO h" + i + ".t SELECT seq, CONCAT('v', seq), 0 FROM seq.seq_1_to_6000");
      }
      java.util.concurrent.atomic.AtomicBoolean stop =
          new java.util.concurrent.atomic.AtomicBoolean();
      List<Thread> load = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        load.add(siteLoad(servers.get(i - 1), "h" + i, stop));
      }
      try {
        syncAll(f);
        for (int i = 1; i <= 3; i++) {
          JsonNode job =
              Json.mapper().readTree(f.ok("check", "-service", "s" + i, "--json")).get("job");
          for (JsonNode t : job.get("tables")) {
            String table = t.get("table").asText();
            if (table.equals("h" + i + ".t")) {
              assertThat(t.get("state").asText()).isEqualTo("marked");
            } else {
              String home = "s" + table.charAt(1);
              assertThat(t.get("state").asText()).as(table).isEqualTo("skipped");
              assertThat(t.get("note").asText()).contains("home is service " + home);
            }
          }
          awaitMm(f, "s" + i, job.get("id").asText(), 0);
        }

        // a row of h1 changed by hand at s3, one of h2 deleted at s1
        Sql.run(
            servers.get(2),
            "SET SESSION sql_log_bin = 0",
            "UPDATE h1.t SET v = 'hand' WHERE id = 4000");
        Sql.run(servers.get(0), "SET SESSION sql_log_bin = 0", "DELETE FROM h2.t WHERE id = 4500");
        Map<String, JsonNode> found = new TreeMap<>();
        for (int i = 1; i <= 3; i++) {
          JsonNode job =
              Json.mapper().readTree(f.ok("check", "-service", "s" + i, "--json")).get("job");
          found.putAll(awaitMm(f, "s" + i, job.get("id").asText(), i == 3 ? 0 : 1));
        }
        assertThat(found).containsOnlyKeys("s1_to_s3", "s2_to_s1");
        assertThat(found.get("s1_to_s3").get("table").asText()).isEqualTo("h1.t");
        assertThat(holdsId(found.get("s1_to_s3"), 4000)).isTrue();
        assertThat(found.get("s2_to_s1").get("table").asText()).isEqualTo("h2.t");
        assertThat(holdsId(found.get("s2_to_s1"), 4500)).isTrue();
        assertThat(found.get("s2_to_s1").get("targetRows").asLong())
            .isEqualTo(found.get("s2_to_s1").get("sourceRows").asLong() - 1);

        // repaired from each shard's home, while every site writes
        f.ok(
            "repair",
            "-service",
            "s1",
            "h1.t",
            "--range",
            found.get("s1_to_s3").get("range").asText());
        f.ok(
            "repair",
            "-service",
            "s2",
            "h2.t",
            "--range",
            found.get("s2_to_s1").get("range").asText());
        for (int i = 1; i <= 3; i++) {
          JsonNode job =
              Json.mapper().readTree(f.ok("check", "-service", "s" + i, "--json")).get("job");
          assertThat(awaitMm(f, "s" + i, job.get("id").asText(), 0)).isEmpty();
        }
      } finally {
        stop.set(true);
        for (Thread t : load) {
          t.join();
        }
      }
      syncAll(f);
      List<String> schemas = List.of("h1", "h2", "h3");
      Map<String, Long> sums = Checksums.of(servers.get(0), schemas);
      assertThat(sums).hasSize(3);
      assertThat(Checksums.of(servers.get(1), schemas)).isEqualTo(sums);
      assertThat(Checksums.of(servers.get(2), schemas)).isEqualTo(sums);
      for (String s : MultiMasterLab.slaves(3)) {
        assertThat(
                Json.mapper()
                    .readTree(f.ok("status", "-service", s, "--json"))
                    .get("state")
                    .asText())
            .as(s)
            .isEqualTo("ONLINE");
      }
    }
  }

  /** A thread that updates and inserts rows of one site's own shard until stopped. */
  private static Thread siteLoad(
      SandboxServer s, String schema, java.util.concurrent.atomic.AtomicBoolean stop) {
    Thread t =
        new Thread(
            () -> {
              java.util.Random r = new java.util.Random(schema.hashCode());
              int next = 100_000;
              try (java.sql.Connection c = s.connect(s.root(), "");
                  java.sql.Statement st = c.createStatement()) {
                while (!stop.get()) {
                  st.execute(
                      "UPDATE " + schema + ".t SET n = n + 1 WHERE id = " + (1 + r.nextInt(1000)));
                  st.execute("INSERT INTO " + schema + ".t VALUES (" + next++ + ", 'new', 0)");
                  Thread.sleep(10);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "load-" + schema);
    t.start();
    return t;
  }

  /** Waits until every slave applied what its master stored. */
  private static void syncAll(ReplicatorFixture f) throws Exception {
    for (int i = 1; i <= 3; i++) {
      long stored =
          Json.mapper()
              .readTree(f.ok("status", "-service", "s" + i, "--json"))
              .get("storedLastSeqno")
              .asLong();
      for (int j = 1; j <= 3; j++) {
        if (j != i) {
          f.ok("wait", "-service", "s" + i + "_to_s" + j, "-applied", "" + stored, "-limit", "120");
        }
      }
    }
  }

  /**
   * Waits until the two other sites ended a check of site {@code i}'s shard; returns the
   * differences found, by slave service (each of at most {@code most} chunks).
   */
  private static Map<String, JsonNode> awaitMm(
      ReplicatorFixture f, String site, String id, int most) throws Exception {
    Map<String, JsonNode> found = new TreeMap<>();
    for (int j = 1; j <= 3; j++) {
      String svc = site + "_to_s" + j;
      if (site.equals("s" + j)) {
        continue;
      }
      long deadline = System.nanoTime() + 120_000_000_000L;
      JsonNode run;
      while ((run = run(f, svc, id)) == null || run.get("tablesEnded").asLong() < 1) {
        assertThat(System.nanoTime()).as(svc + " ends " + id).isLessThan(deadline);
        Thread.sleep(200);
      }
      assertThat(run.get("tables").asLong()).as(svc).isEqualTo(1);
      assertThat(run.get("error").asLong()).as(svc).isZero();
      List<JsonNode> d = differences(f, svc, id);
      assertThat(d.size()).as(svc + " differences").isLessThanOrEqualTo(most);
      if (!d.isEmpty()) {
        found.put(svc, d.get(0));
      }
    }
    return found;
  }

  private static boolean holdsId(JsonNode d, long id) {
    if (d.get("range").asText().equals("whole table")) {
      return true;
    }
    String[] r = d.get("range").asText().split("\\.\\.", -1);
    return (r[0].isEmpty() || id >= Long.parseLong(r[0]))
        && (r[1].isEmpty() || id < Long.parseLong(r[1]));
  }

  /** The slave services fan-out wrote, by the name of the server they apply to. */
  private static Map<String, String> slaveServices(ReplicatorFixture f) throws Exception {
    Map<String, String> m = new TreeMap<>();
    try (var files = Files.list(f.dir.resolve("services"))) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString().replace(".conf", "");
        if (!name.equals("alpha")) {
          m.put(name.endsWith("one") ? "one" : "four", name);
        }
      }
    }
    assertThat(m).containsKeys("one", "four");
    return m;
  }

  /** The sysbench tables, filled alike on every server and kept out of the binlog. */
  private static void fill(List<SandboxServer> servers) throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (SandboxServer s : servers) {
      Thread t =
          new Thread(
              () -> {
                try {
                  List<String> sql = new ArrayList<>();
                  sql.add("SET SESSION sql_log_bin = 0");
                  sql.add("CREATE DATABASE sb");
                  for (int i = 1; i <= TABLES; i++) {
                    sql.add(
                        "CREATE TABLE sb.sbtest"
                            + i
                            + " (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL"
                            + " DEFAULT 0, c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL"
                            + " DEFAULT '', KEY k_"
                            + i
                            + " (k)) ENGINE=InnoDB");
                    sql.add(
                        "INSERT INTO sb.sbtest"
                            + i
                            + " SELECT seq, seq % 9973, CONCAT('c-', seq, '-', REPEAT('x', 90)),"
                            + " CONCAT('p-', seq) FROM seq.seq_1_to_"
                            + (i == 1 ? BIG : SMALL));
                  }
                  Sql.run(s, sql.toArray(String[]::new));
                } catch (Exception e) {
                  failed.add(e);
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failed).isEmpty();
  }

  private static void edit(SandboxServer replica, List<Edit> edits) throws Exception {
    List<String> sql = new ArrayList<>();
    sql.add("SET SESSION sql_log_bin = 0");
    edits.forEach(e -> sql.add(e.what()));
    Sql.run(replica, sql.toArray(String[]::new));
  }

  /** Runs a check of every table on the master; returns its id once both replicas ended it. */
  private static String check(ReplicatorFixture f, String... replicas) throws Exception {
    String out = f.ok("check", "-service", "alpha", "sb", "--json");
    JsonNode job = Json.mapper().readTree(out).get("job");
    assertThat(job.get("state").asText()).isEqualTo("done");
    assertThat(job.get("tablesTotal").asInt()).isEqualTo(TABLES);
    String id = job.get("id").asText();
    long deadline = System.nanoTime() + 180_000_000_000L;
    for (String r : replicas) {
      while (true) {
        JsonNode run = run(f, r, id);
        if (run != null && run.get("tablesEnded").asLong() == TABLES) {
          break;
        }
        assertThat(System.nanoTime()).as(r + " ends check " + id).isLessThan(deadline);
        Thread.sleep(200);
      }
    }
    return id;
  }

  private static JsonNode status(ReplicatorFixture f, String svc, String id) throws Exception {
    return Json.mapper()
        .readTree(f.ferry("check", "status", "-service", svc, "--id", id, "--json").out())
        .get("results");
  }

  private static JsonNode run(ReplicatorFixture f, String svc, String id) throws Exception {
    for (JsonNode r : status(f, svc, id).get("runs")) {
      if (r.get("id").asText().equals(id)) {
        return r;
      }
    }
    return null;
  }

  private static List<JsonNode> differences(ReplicatorFixture f, String svc, String id)
      throws Exception {
    List<JsonNode> out = new ArrayList<>();
    status(f, svc, id).get("differences").forEach(out::add);
    return out;
  }

  /** Every edit's chunk differs, and every differing chunk holds an edit. */
  private static void expectExactly(List<JsonNode> diffs, List<Edit> edits) {
    for (Edit e : edits) {
      chunkOf(diffs, e);
    }
    for (JsonNode d : diffs) {
      assertThat(d.get("result").asText()).isEqualTo("differ");
      assertThat(edits.stream().anyMatch(e -> holds(d, e)))
          .as("chunk %s %s holds an edit", d.get("table").asText(), d.get("range").asText())
          .isTrue();
    }
  }

  private static JsonNode chunkOf(List<JsonNode> diffs, Edit e) {
    return diffs.stream()
        .filter(d -> holds(d, e))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no differing chunk holds " + e + ": " + diffs));
  }

  private static boolean holds(JsonNode d, Edit e) {
    if (!d.get("table").asText().equals("sb." + e.table())) {
      return false;
    }
    if (d.get("range").asText().equals("whole table")) {
      return true;
    }
    String[] r = d.get("range").asText().split("\\.\\.", -1);
    long lo = r[0].isEmpty() ? Long.MIN_VALUE : Long.parseLong(r[0]);
    long hi = r[1].isEmpty() ? Long.MAX_VALUE : Long.parseLong(r[1]);
    return e.id() >= lo && e.id() < hi;
  }

  private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
    List<JsonNode> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
