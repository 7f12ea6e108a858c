package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.Sysbench;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test helper: the write load of a multi-master acceptance test. Every site writes only its own
 * shards: sysbench ({@code oltp_write_only}, small tables) on schemas {@code SITE_sb1..N} and one
 * {@link Ledger} client on schema {@code SITE_ledger}, all at once. A site's load can be paused
 * (its sysbench runs end; its ledger client waits) while its server is down, and resumed. The
 * checks compare the sites with each other: the CHECKSUM of every table of every site's schemas,
 * and every site's ledger on every other site (each number once, no gap). Not thread-safe: one test
 * thread drives it.
 */
final class MultiMasterLoad {
  /** One writing site. */
  private static final class Site {
    final String name;
    final SandboxServer server;
    final List<String> schemas = new ArrayList<>();
    final Ledger ledger;
    final List<Process> runs = new ArrayList<>();

    Site(String name, SandboxServer server, int sysbenchSchemas, long ledgerPauseMillis) {
      this.name = name;
      this.server = server;
      for (int k = 1; k <= sysbenchSchemas; k++) {
        schemas.add(name + "_sb" + k);
      }
      this.ledger =
          new Ledger(server, List.of(name + "_ledger"), 1, ledgerPauseMillis).surviveRestarts();
    }
  }

  private final Sysbench sysbench;
  private final int rate;
  private final Map<String, Site> sites = new TreeMap<>();

  /**
   * @param rate transactions a second of each sysbench run (one a schema)
   */
  MultiMasterLoad(Sysbench sysbench, int rate) {
    this.sysbench = sysbench;
    this.rate = rate;
  }

  /** Adds a writing site. */
  MultiMasterLoad site(String name, SandboxServer server, int sysbenchSchemas, long ledgerPause) {
    sites.put(name, new Site(name, server, sysbenchSchemas, ledgerPause));
    return this;
  }

  /** Every schema the load writes, of every site. */
  List<String> schemas() {
    List<String> all = new ArrayList<>();
    for (Site s : sites.values()) {
      all.addAll(s.schemas);
      all.add(s.name + "_ledger");
    }
    return all;
  }

  /** Creates and fills every site's schemas on the site itself (they replicate from there). */
  void prepare() throws Exception {
    for (Site s : sites.values()) {
      for (String schema : s.schemas) {
        sysbench.prepare(s.server, schema);
      }
      Sql.run(s.server, "CREATE DATABASE `" + s.name + "_ledger`");
      s.ledger.create();
    }
  }

  /** Starts every site's sysbench runs and ledger client. */
  void start() throws Exception {
    for (Site s : sites.values()) {
      resume(s.name);
      s.ledger.start();
    }
  }

  /** Ends a site's sysbench runs (before its server goes down); its ledger client waits. */
  void pause(String site) throws Exception {
    Site s = sites.get(site);
    checkRunning(s);
    for (Process p : s.runs) {
      p.destroy();
      p.waitFor();
    }
    s.runs.clear();
  }

  /** Starts a site's sysbench runs again. */
  void resume(String site) throws Exception {
    Site s = sites.get(site);
    for (String schema : s.schemas) {
      s.runs.add(sysbench.run(s.server, schema, 0, rate, null));
    }
  }

  /** Fails if a sysbench run of a site ended by itself (its server was up all along). */
  void checkRunning() {
    for (Site s : sites.values()) {
      checkRunning(s);
    }
  }

  private static void checkRunning(Site s) {
    for (Process p : s.runs) {
      if (!p.isAlive()) {
        throw new AssertionError(
            "a sysbench run on " + s.name + " ended by itself, status " + p.exitValue());
      }
    }
  }

  /** Stops everything; fails if a sysbench run or a ledger client failed. */
  void stop() throws Exception {
    checkRunning();
    close();
  }

  /** Stops everything without checks (a test's finally). */
  void close() throws InterruptedException {
    InterruptedException interrupted = null;
    for (Site s : sites.values()) {
      for (Process p : s.runs) {
        p.destroyForcibly();
      }
      s.runs.clear();
    }
    for (Site s : sites.values()) {
      try {
        s.ledger.stop();
      } catch (InterruptedException e) {
        interrupted = e;
      }
    }
    if (interrupted != null) {
      throw interrupted;
    }
  }

  /** A check run while waiting, that throws when something failed (a service, a process). */
  interface Health {
    void check() throws Exception;
  }

  /**
   * Waits until a marker each site writes in its own ledger schema has reached every other site
   * (everything a site wrote before has then been applied everywhere); {@code health} runs between
   * looks.
   */
  void sync(Duration limit, Health health) throws Exception {
    Map<Site, String> tokens = new java.util.LinkedHashMap<>();
    for (Site s : sites.values()) {
      String token = java.util.UUID.randomUUID().toString();
      Sql.run(
          s.server,
          "CREATE TABLE IF NOT EXISTS `"
              + s.name
              + "_ledger`.sync_mark (id INT PRIMARY KEY, token VARCHAR(64))",
          "REPLACE INTO `" + s.name + "_ledger`.sync_mark VALUES (1, '" + token + "')");
      tokens.put(s, token);
    }
    long deadline = System.nanoTime() + limit.toNanos();
    for (Site to : sites.values()) {
      for (Map.Entry<Site, String> from : tokens.entrySet()) {
        if (from.getKey() == to) {
          continue;
        }
        String query = "SELECT token FROM `" + from.getKey().name + "_ledger`.sync_mark";
        while (!from.getValue().equals(valueOrNull(to.server, query))) {
          health.check();
          if (System.nanoTime() > deadline) {
            throw new AssertionError(
                from.getKey().name + "'s marker did not reach " + to.name + " within " + limit);
          }
          Thread.sleep(200);
        }
      }
    }
  }

  private static String valueOrNull(SandboxServer s, String query) {
    try {
      return Sql.value(s, query);
    } catch (Exception e) {
      return null; // not there yet (the table), or the server is restarting
    }
  }

  /**
   * What differs between the sites once the load is over: every site's ledger checked on every
   * other site, and every table's CHECKSUM compared with the first site's. Empty when they agree.
   */
  List<String> differences() throws Exception {
    List<String> problems = new ArrayList<>();
    List<String> schemas = schemas();
    Site first = sites.values().iterator().next();
    Map<String, Long> expected = Checksums.of(first.server, schemas);
    for (Site s : sites.values()) {
      Map<String, Long> got = Checksums.of(s.server, schemas);
      if (!got.equals(expected)) {
        problems.add("checksums on " + s.name + " " + got + " differ from " + first.name);
      }
      for (Site writer : sites.values()) {
        if (writer != s) {
          for (String p : writer.ledger.verify(s.server).problems()) {
            problems.add(writer.name + "'s ledger on " + s.name + ": " + p);
          }
        }
      }
    }
    return problems;
  }

  /** Tables the checksums cover (every site has the same when {@link #differences} is empty). */
  int tables() throws Exception {
    return Checksums.of(sites.values().iterator().next().server, schemas()).size();
  }

  /** Ledger rows each site committed, by site. */
  Map<String, Long> ledgerRows() {
    Map<String, Long> rows = new TreeMap<>();
    sites.forEach((name, s) -> rows.put(name, s.ledger.transactions()));
    return rows;
  }

  /** Times ledger clients lost their server and reconnected, over all sites. */
  long ledgerReconnects() {
    return sites.values().stream().mapToLong(s -> s.ledger.reconnects()).sum();
  }

  /** DDL on a site's own schema during the load: a new table, a row, a new column, a row. */
  static void ddl(SandboxServer s, String schema) throws Exception {
    Sql.run(
        s,
        "CREATE TABLE `" + schema + "`.made_during (id INT PRIMARY KEY, v VARCHAR(20))",
        "INSERT INTO `" + schema + "`.made_during VALUES (1, 'before')",
        "ALTER TABLE `" + schema + "`.made_during ADD COLUMN extra INT NULL",
        "INSERT INTO `" + schema + "`.made_during VALUES (2, 'after', 7)");
  }

  /** The DDL is in every server's binlog exactly once, under the writer's server id. */
  static void ddlOnceEverywhere(List<SandboxServer> servers, SandboxServer writer, String s)
      throws Exception {
    for (String statement :
        List.of("CREATE TABLE `" + s + "`.made_during", "`" + s + "`.made_during ADD COLUMN")) {
      for (SandboxServer server : servers) {
        assertThat(MultiMasterLoad.binlogStatements(server, statement))
            .as(statement + " in the binlog of server " + server.serverId())
            .containsExactly(writer.serverId());
      }
    }
    for (SandboxServer server : servers) {
      assertThat(Sql.rows(server, "SELECT id, v, extra FROM `" + s + "`.made_during ORDER BY id"))
          .containsExactly(
              java.util.Arrays.asList("1", "before", null), List.of("2", "after", "7"));
    }
  }

  /**
   * The server ids of every statement in a server's binlogs whose text contains {@code text} (a
   * Query event, or the Annotate_rows event of a statement logged as rows).
   */
  static List<Long> binlogStatements(SandboxServer s, String text) throws Exception {
    List<Long> ids = new ArrayList<>();
    for (List<String> log : Sql.rows(s, "SHOW BINARY LOGS")) {
      for (List<String> e : Sql.rows(s, "SHOW BINLOG EVENTS IN '" + log.get(0) + "'")) {
        // Log_name, Pos, Event_type, Server_id, End_log_pos, Info
        if ((e.get(2).equals("Query") || e.get(2).equals("Annotate_rows"))
            && e.get(5) != null
            && e.get(5).contains(text)) {
          ids.add(Long.parseLong(e.get(3)));
        }
      }
    }
    return ids;
  }
}
