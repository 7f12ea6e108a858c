package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.filter.FilterStats;
import io.ferry.core.pipeline.StageStatus;
import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.testkit.SandboxExtension;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * colnames, optimize-updates, pkey and shard (by table) on either side — the apply side of a slave,
 * or the extract side of its master, whose THL then carries what they made — of a source that logs
 * {@code binlog_row_metadata = MINIMAL} (column names and keys then come from the extractor's
 * schema history): UPDATE and DELETE with FULL, MINIMAL and NOBLOB row images, key changes, a
 * composite key and a table without a key (pkey passes it, warning). The replica equals the source,
 * optimize-updates and pkey did change the stream, and the applying stage saw the shards the shard
 * filter assigned.
 */
class FilterRowShapeTest {
  @RegisterExtension
  final SandboxExtension db = SandboxExtension.mariadb(2).options("binlog-row-metadata=MINIMAL");

  @TempDir Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static final List<String> TABLES =
      List.of(
          "CREATE TABLE shop.stock (id INT PRIMARY KEY, sku VARCHAR(20), qty INT, note TEXT)",
          "CREATE TABLE shop.pairs (a INT, b INT, v VARCHAR(60), PRIMARY KEY (a, b))",
          "CREATE TABLE shop.nokey (x INT, y VARCHAR(60))");

  private static final String[] CHAIN = {
    "filter.names.type = colnames",
    "filter.slim.type = optimize-updates",
    "filter.keys.type = pkey",
    "filter.keys.on-no-key = keep",
    "filter.tables.type = shard"
  };

  private static String[] side(String list) {
    String[] lines = new String[CHAIN.length + 1];
    lines[0] = list + " = names, slim, keys, tables";
    System.arraycopy(CHAIN, 0, lines, 1, CHAIN.length);
    return lines;
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"apply", "extract"})
  void slimmedAndKeyedUpdatesAndDeletesLeaveTheReplicaEqualToTheSource(String where)
      throws Exception {
    boolean extract = where.equals("extract");
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    int port = freePort();
    Clock clock = Clock.systemUTC();
    Sql.run(source, "CREATE DATABASE shop");
    try (Service master =
            new Service(
                ServiceFiles.load(
                    ServiceFiles.master(
                        dir, "m", source, port, extract ? side("extract.filters") : new String[0])),
                clock);
        Service slave =
            new Service(
                ServiceFiles.load(
                    ServiceFiles.slave(
                        dir,
                        "s",
                        "thl://127.0.0.1:" + port,
                        replica,
                        extract ? new String[0] : side("apply.filters"))),
                clock)) {
      master.online(Service.OnlineOptions.NONE);
      slave.online(Service.OnlineOptions.NONE);
      ServiceRolesTest.awaitMark(source, replica, master, slave);
      Sql.run(source, TABLES.toArray(String[]::new));
      try (Connection c = source.connect(source.root(), "");
          Statement w = c.createStatement()) {
        StringBuilder stock = new StringBuilder("INSERT INTO shop.stock VALUES ");
        StringBuilder pairs = new StringBuilder("INSERT INTO shop.pairs VALUES ");
        StringBuilder nokey = new StringBuilder("INSERT INTO shop.nokey VALUES ");
        for (int i = 1; i <= 60; i++) {
          String sep = i == 1 ? "" : ", ";
          stock.append(sep).append("(").append(i).append(", 'sku").append(i).append("', ");
          stock.append(i * 10).append(", REPEAT('n', ").append(i).append("))");
          pairs.append(sep).append("(").append(i % 6).append(", ").append(i).append(", 'v");
          pairs.append(i).append("')");
          nokey.append(sep).append("(").append(i).append(", 'y").append(i).append("')");
        }
        w.execute(stock.toString());
        w.execute(pairs.toString());
        w.execute(nokey.toString());
        int pass = 0;
        for (String image : List.of("FULL", "MINIMAL", "NOBLOB", "FULL")) {
          pass++;
          w.execute("SET SESSION binlog_row_image = " + image);
          w.execute("UPDATE shop.stock SET qty = qty + 1 WHERE id % 2 = 0");
          w.execute("UPDATE shop.stock SET note = CONCAT(note, '" + image + "') WHERE id % 3 = 0");
          w.execute("UPDATE shop.stock SET sku = sku WHERE id % 5 = 0"); // changes nothing
          w.execute("UPDATE shop.stock SET qty = qty - 1, sku = 'x' WHERE id % 7 = 0");
          w.execute("DELETE FROM shop.stock WHERE id % 11 = " + pass);
          w.execute("UPDATE shop.stock SET id = id + 1000 WHERE id = " + pass);
          w.execute("UPDATE shop.pairs SET v = CONCAT(v, '" + image + "') WHERE b % 4 = 0");
          w.execute("UPDATE shop.pairs SET b = b + 100 WHERE a = " + pass + " AND b < 100");
          w.execute("DELETE FROM shop.pairs WHERE b % 13 = " + pass);
          w.execute("UPDATE shop.nokey SET y = CONCAT(y, '" + image + "') WHERE x % 4 = 1");
          w.execute("DELETE FROM shop.nokey WHERE x % 9 = " + pass);
        }
      }
      ServiceRolesTest.awaitMark(source, replica, master, slave);
      for (String t : List.of("shop.stock", "shop.pairs", "shop.nokey")) {
        String q = "SELECT * FROM " + t + " ORDER BY 1, 2";
        List<List<String>> expected = Sql.rows(source, q);
        assertThat(expected).as(t + " on the source").isNotEmpty();
        assertThat(Sql.rows(replica, q)).as(t).isEqualTo(expected);
      }
      Map<String, FilterStats> stats = new TreeMap<>();
      for (StageStatus st : (extract ? master : slave).status().stages()) {
        for (FilterStats f : st.filters()) {
          stats.put(f.name(), f);
        }
      }
      // The extractor's schema history names every column and flags the keys, so colnames (first
      // in the chain) has nothing to add; it must pass every change untouched.
      assertThat(stats.get("names").transactionsSeen()).isPositive();
      assertThat(stats.get("names").transactionsChanged()).as("colnames changed").isZero();
      assertThat(stats.get("slim").transactionsChanged()).as("updates slimmed").isPositive();
      assertThat(stats.get("keys").transactionsChanged()).as("before images keyed").isPositive();
      // shards by table reach the applying stage, whichever side assigned them
      assertThat(slave.status().shards())
          .extracting(io.ferry.server.ShardTracker.Shard::id)
          .contains("shop.stock", "shop.pairs", "shop.nokey");
    }
  }
}
