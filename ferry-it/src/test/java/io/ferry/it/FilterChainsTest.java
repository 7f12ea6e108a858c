package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterStats;
import io.ferry.core.pipeline.StageStatus;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlReader;
import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.server.ShardTracker;
import io.ferry.testkit.SandboxExtension;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every built-in filter on real servers, on both sides, checked against an oracle computed from the
 * source with SQL. One source feeds two masters: {@code mf} runs the routing and value chain as
 * {@code extract.filters} (so the filtered stream is what its THL holds) and its slave {@code sa}
 * applies it unfiltered to replica A; {@code mu} is unfiltered and its slave {@code sb} runs the
 * same chain as {@code apply.filters} (plus colnames, pkey, optimize-updates and shard) into
 * replica B. Both replicas must hold what the oracle says, table by table. A direct service with an
 * origin filter that drops the source's server id applies nothing and still advances.
 *
 * <p>The structures the renames and conversions need on a target (the renamed schema, table and
 * column, VARCHAR for ENUM/SET, BIGINT for BIT, a nullable DATE) are made by hand on the replicas,
 * and their source tables are made with {@code sql_log_bin = 0}: every row on a replica comes
 * through Ferry. Every other table is made by replicated DDL.
 */
class FilterChainsTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(4);

  @TempDir Path dir;

  /** Orders of these kinds, by id % 4: 'debug' rows are dropped by the drop-rows filter. */
  private static String kind(int id) {
    return switch (id % 4) {
      case 0 -> "'web'";
      case 1 -> "'debug'";
      case 2 -> "'api'";
      default -> "NULL";
    };
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The routing and value chain, the same on both sides. */
  private static List<String> chain(String side, long sourceServerId, boolean rowShape) {
    List<String> names =
        new ArrayList<>(List.of("keep", "scope", "notemp", "ren", "debug", "pii", "e2s", "conv"));
    List<String> lines = new ArrayList<>();
    if (rowShape) {
      names.add(0, "names");
      names.addAll(List.of("slim", "keys", "fine")); // slim first: pkey makes images MINIMAL
      lines.addAll(
          List.of(
              "filter.names.type = colnames",
              "filter.keys.type = pkey",
              "filter.keys.on-no-key = keep",
              "filter.slim.type = optimize-updates",
              "filter.fine.type = shard",
              "filter.fine.by = table"));
    }
    lines.add(side + ".filters = " + String.join(", ", names));
    lines.addAll(
        List.of(
            "filter.keep.type = origin",
            "filter.keep.keep-server-ids = " + sourceServerId,
            "filter.scope.type = replicate",
            "filter.scope.ignore = scratch, app.log_*",
            "filter.notemp.type = drop-temp",
            "filter.notemp.schemas = tmp_*",
            "filter.ren.type = rename",
            "filter.ren.rules = legacy=modern, app.customers=crm.clients,"
                + " app.items.descr=app.items.description",
            "filter.debug.type = drop-rows",
            "filter.debug.table = app.orders",
            "filter.debug.column = kind",
            "filter.debug.equals = debug",
            "filter.pii.type = drop-columns",
            "filter.pii.columns = app.orders.secret",
            "filter.e2s.type = enum-to-string",
            "filter.e2s.tables = app.prefs",
            "filter.conv.type = convert",
            "filter.conv.tables = app.events",
            "filter.conv.zero-dates-as-null = true",
            "filter.conv.bit-as-number = true"));
    return lines;
  }

  /** Tables whose shape on a target differs from the source's, made by hand (not replicated). */
  private static void targetShapes(SandboxServer replica) throws Exception {
    Sql.run(
        replica,
        "CREATE DATABASE app",
        "CREATE DATABASE modern",
        "CREATE DATABASE crm",
        "CREATE TABLE modern.t (id INT PRIMARY KEY, v VARCHAR(40))",
        "CREATE TABLE crm.clients (id INT PRIMARY KEY, name VARCHAR(40))",
        "CREATE TABLE app.items (id INT PRIMARY KEY, description VARCHAR(40), price DECIMAL(10,2))",
        "CREATE TABLE app.prefs (id INT PRIMARY KEY, color VARCHAR(10), tags VARCHAR(10))",
        "CREATE TABLE app.events (id INT PRIMARY KEY, d DATE NULL, b BIGINT)");
  }

  private static String orders(int from, int to, int pad) {
    StringBuilder sb = new StringBuilder("INSERT INTO app.orders VALUES ");
    for (int i = from; i <= to; i++) {
      sb.append(i == from ? "" : ", ")
          .append("(")
          .append(i)
          .append(", 'a")
          .append(i)
          .append("', 's")
          .append(i)
          .append("', ")
          .append(kind(i))
          .append(", REPEAT('p', ")
          .append(pad)
          .append("))");
    }
    return sb.toString();
  }

  private static String scratchRows(int from, int to, int pad) {
    StringBuilder sb = new StringBuilder("INSERT INTO scratch.t VALUES ");
    for (int i = from; i <= to; i++) {
      sb.append(i == from ? "" : ", ").append("(").append(i).append(", REPEAT('q', ");
      sb.append(pad).append("))");
    }
    return sb.toString();
  }

  /** Non-debug orders among ids from..to. */
  private static int kept(int from, int to) {
    int n = 0;
    for (int i = from; i <= to; i++) {
      n += i % 4 == 1 ? 0 : 1;
    }
    return n;
  }

  /** The whole workload, on one connection (session variables change along the way). */
  private static int workload(SandboxServer source) throws Exception {
    int keptOrders = 0;
    try (Connection c = source.connect(source.root(), "");
        Statement w = c.createStatement()) {
      for (String q :
          List.of(
              "CREATE TABLE app.orders (id INT PRIMARY KEY, a VARCHAR(20), secret VARCHAR(20),"
                  + " kind VARCHAR(10), pad TEXT)",
              "CREATE TABLE app.notes (id INT PRIMARY KEY, txt VARCHAR(40))",
              "CREATE TABLE app.stock (id INT PRIMARY KEY, sku VARCHAR(20), qty INT,"
                  + " note VARCHAR(40))",
              "CREATE TABLE app.pairs (a INT, b INT, v VARCHAR(20), PRIMARY KEY (a, b))",
              "CREATE TABLE app.nokey (x INT, y VARCHAR(20))",
              "CREATE TABLE app.log_2024 (id INT PRIMARY KEY, msg VARCHAR(40))",
              "CREATE DATABASE scratch",
              "CREATE TABLE scratch.t (id INT PRIMARY KEY, pad TEXT)",
              "CREATE TABLE scratch.gone (id INT)",
              "CREATE DATABASE tmp_x",
              "CREATE TABLE tmp_x.t (id INT PRIMARY KEY)")) {
        w.execute(q);
      }
      // Row-based DML on every table.
      w.execute(orders(1, 40, 10));
      keptOrders += kept(1, 40);
      w.execute("UPDATE app.orders SET a = CONCAT(a, '!'), secret = 'changed' WHERE id % 3 = 0");
      w.execute("UPDATE app.orders SET secret = 'only' WHERE id % 5 = 0");
      w.execute("DELETE FROM app.orders WHERE id % 7 = 0");
      // updates that move rows across the drop-rows rule: a kept row turned debug must leave the
      // replica, a debug row turned kept must arrive whole (the THL holds it as an insert)
      w.execute("UPDATE app.orders SET kind = 'debug' WHERE id IN (2, 3)");
      w.execute("UPDATE app.orders SET kind = 'web', a = 'back' WHERE id IN (5, 9)");
      keptOrders += 2;
      w.execute("INSERT INTO app.log_2024 VALUES (1, 'x'), (2, 'y')");
      w.execute("UPDATE app.log_2024 SET msg = 'z'");
      w.execute("INSERT INTO app.customers VALUES (1, 'ann'), (2, 'bob'), (3, 'cy'), (4, 'di')");
      w.execute("UPDATE app.customers SET name = CONCAT(name, '+') WHERE id <= 2");
      w.execute("DELETE FROM app.customers WHERE id = 3");
      w.execute("INSERT INTO app.items VALUES (1, 'pen', 1.50), (2, 'ink', 12.00), (3, 'pad', 3)");
      w.execute("UPDATE app.items SET descr = 'blue pen' WHERE id = 1");
      w.execute("UPDATE app.items SET price = price * 2 WHERE id >= 2");
      w.execute("DELETE FROM app.items WHERE id = 3");
      w.execute(
          "INSERT INTO app.prefs VALUES (1, 'red', 'a,c'), (2, 'blue', ''), (3, NULL, 'b'),"
              + " (4, 'green', 'a,b,c')");
      w.execute("UPDATE app.prefs SET color = 'green', tags = 'b,c' WHERE id = 1");
      w.execute("DELETE FROM app.prefs WHERE id = 2");
      w.execute("SET SESSION sql_mode = ''");
      w.execute(
          "INSERT INTO app.events VALUES (1, '0000-00-00', b'101'), (2, '2024-05-01', b'11111111'),"
              + " (3, '2024-00-10', b'0'), (4, NULL, NULL), (5, '2023-12-31', b'1')");
      w.execute("UPDATE app.events SET b = b'10' WHERE id = 1");
      w.execute("UPDATE app.events SET d = '0000-00-00' WHERE id = 5");
      w.execute("DELETE FROM app.events WHERE id = 3");
      w.execute("INSERT INTO legacy.t VALUES (1, 'one'), (2, 'two')");
      w.execute("UPDATE legacy.t SET v = 'TWO' WHERE id = 2");
      w.execute("INSERT INTO scratch.t VALUES (1, 'x'), (2, 'y')");
      w.execute("UPDATE scratch.t SET pad = 'z'");
      w.execute("DROP TABLE scratch.gone");
      w.execute("INSERT INTO tmp_x.t VALUES (1), (2)");
      w.execute("INSERT INTO app.notes VALUES (1, 'row'), (2, 'row')");
      // One transaction across kept and dropped tables.
      w.execute("BEGIN");
      w.execute("INSERT INTO app.notes VALUES (3, 'mixed')");
      w.execute("INSERT INTO scratch.t VALUES (3, 'mixed')");
      w.execute("INSERT INTO tmp_x.t VALUES (3)");
      w.execute("INSERT INTO app.log_2024 VALUES (3, 'mixed')");
      w.execute(orders(41, 44, 10));
      keptOrders += kept(41, 44);
      w.execute("COMMIT");

      // Statement-based: temporary tables (one shadowing the real app.notes), a statement in the
      // renamed schema by its default schema, one in an ignored schema.
      w.execute("SET SESSION binlog_format = STATEMENT");
      w.execute("USE app");
      w.execute("CREATE TEMPORARY TABLE notes (id INT PRIMARY KEY, txt VARCHAR(40))");
      w.execute("INSERT INTO notes VALUES (900, 'temp'), (901, 'temp')");
      w.execute("UPDATE notes SET txt = 'temp2' WHERE id = 900");
      w.execute("CREATE TEMPORARY TABLE scratchpad (id INT)");
      w.execute("INSERT INTO scratchpad VALUES (1)");
      w.execute("DROP TEMPORARY TABLE scratchpad");
      w.execute("DROP TEMPORARY TABLE notes");
      w.execute("INSERT INTO notes VALUES (902, 'statement')");
      w.execute("UPDATE notes SET txt = 'statement!' WHERE id = 1");
      w.execute("USE legacy");
      w.execute("INSERT INTO t VALUES (500, 'by default schema')");
      w.execute("USE scratch");
      w.execute("INSERT INTO t VALUES (500, 'dropped')");
      w.execute("USE tmp_x");
      w.execute("INSERT INTO t VALUES (500)");
      w.execute("SET SESSION binlog_format = ROW");
      w.execute("USE app");

      // Updates and deletes for pkey and optimize-updates, FULL and MINIMAL row images.
      StringBuilder stock = new StringBuilder("INSERT INTO app.stock VALUES ");
      StringBuilder pairs = new StringBuilder("INSERT INTO app.pairs VALUES ");
      StringBuilder nokey = new StringBuilder("INSERT INTO app.nokey VALUES ");
      for (int i = 1; i <= 60; i++) {
        String sep = i == 1 ? "" : ", ";
        stock.append(sep).append("(").append(i).append(", 'sku").append(i).append("', ");
        stock.append(i * 10).append(", 'n").append(i).append("')");
        pairs.append(sep).append("(").append(i % 6).append(", ").append(i).append(", 'v");
        pairs.append(i).append("')");
        nokey.append(sep).append("(").append(i).append(", 'y").append(i).append("')");
      }
      w.execute(stock.toString());
      w.execute(pairs.toString());
      w.execute(nokey.toString());
      int pass = 0;
      for (String image : List.of("FULL", "MINIMAL", "FULL")) {
        pass++;
        w.execute("SET SESSION binlog_row_image = " + image);
        w.execute("UPDATE app.stock SET qty = qty + 1 WHERE id % 2 = 0");
        w.execute("UPDATE app.stock SET note = CONCAT(note, '" + image + "') WHERE id % 3 = 0");
        w.execute("UPDATE app.stock SET sku = sku, qty = qty WHERE id % 5 = 0"); // changes nothing
        w.execute("UPDATE app.stock SET qty = qty - 1, note = 'x' WHERE id % 7 = 0");
        w.execute("DELETE FROM app.stock WHERE id % 11 = 0");
        w.execute("UPDATE app.pairs SET v = CONCAT(v, '" + image + "') WHERE b % 4 = 0");
        w.execute(
            "UPDATE app.pairs SET b = b + 100 WHERE a = " + pass + " AND b < 100"); // moves the key
        w.execute("DELETE FROM app.pairs WHERE b % 13 = 0");
        w.execute("UPDATE app.nokey SET y = CONCAT(y, '" + image + "') WHERE x % 4 = 1");
        w.execute("DELETE FROM app.nokey WHERE x % 9 = 0");
        w.execute("UPDATE app.stock SET id = id + 1000 WHERE id = 1"); // a key change
        w.execute("UPDATE app.stock SET id = id - 1000 WHERE id = 1001");
      }
      w.execute("SET SESSION binlog_row_image = FULL");

      // Fragmented transactions (fragments of 4k): kept and dropped rows and tables mixed; then
      // one entirely in an ignored schema; then a big update whose debug rows must be dropped.
      w.execute("BEGIN");
      w.execute(orders(1000, 1099, 500));
      w.execute(scratchRows(1000, 1049, 500));
      w.execute("INSERT INTO app.log_2024 SELECT seq, REPEAT('l', 30) FROM app.seq_1000_to_1100");
      w.execute(orders(1100, 1149, 500));
      w.execute("INSERT INTO app.notes VALUES (1000, 'in a fragmented transaction')");
      w.execute("COMMIT");
      keptOrders += kept(1000, 1149);
      w.execute("BEGIN");
      w.execute(scratchRows(2000, 2099, 500));
      w.execute("COMMIT");
      w.execute(
          "UPDATE app.orders SET pad = REPEAT('u', 600), secret = 'big' WHERE id >= 1000 AND id"
              + " % 3 <> 0");
      w.execute("DELETE FROM app.orders WHERE id >= 1140");
    }
    return keptOrders;
  }

  /** Compares a query on the source (the oracle) with another on a replica, row by row. */
  private static void same(
      SandboxServer source, String oracle, SandboxServer replica, String actual, String what)
      throws Exception {
    List<List<String>> expected = Sql.rows(source, oracle);
    assertThat(expected).as("the source has rows for " + what).isNotEmpty();
    assertThat(Sql.rows(replica, actual))
        .as(what + " on replica " + replica.index())
        .isEqualTo(expected);
  }

  private static void checkReplica(SandboxServer source, SandboxServer r) throws Exception {
    same(
        source,
        "SELECT id, a, kind, pad FROM app.orders WHERE NOT (kind <=> 'debug') ORDER BY id",
        r,
        "SELECT id, a, kind, pad FROM app.orders ORDER BY id",
        "app.orders without debug rows (drop-rows)");
    assertThat(Sql.value(r, "SELECT COUNT(*) FROM app.orders WHERE secret IS NOT NULL"))
        .as("app.orders.secret never arrives (drop-columns)")
        .isEqualTo("0");
    for (String t : List.of("app.notes", "app.stock", "app.pairs", "app.nokey")) {
      String q = "SELECT * FROM " + t + " ORDER BY 1, 2";
      same(source, q, r, q, t);
    }
    same(
        source,
        "SELECT id, name FROM app.customers ORDER BY id",
        r,
        "SELECT id, name FROM crm.clients ORDER BY id",
        "app.customers renamed to crm.clients");
    same(
        source,
        "SELECT id, descr, price FROM app.items ORDER BY id",
        r,
        "SELECT id, description, price FROM app.items ORDER BY id",
        "app.items.descr renamed to description");
    same(
        source,
        "SELECT id, v FROM legacy.t ORDER BY id",
        r,
        "SELECT id, v FROM modern.t ORDER BY id",
        "schema legacy renamed to modern (rows, and a statement by its default schema)");
    same(
        source,
        "SELECT id, CAST(color AS CHAR), CAST(tags AS CHAR) FROM app.prefs ORDER BY id",
        r,
        "SELECT id, color, tags FROM app.prefs ORDER BY id",
        "ENUM and SET as labels (enum-to-string)");
    same(
        source,
        "SELECT id, IF(MONTH(d) = 0 OR DAYOFMONTH(d) = 0, NULL, CAST(d AS CHAR)),"
            + " CAST(b AS UNSIGNED) FROM app.events ORDER BY id",
        r,
        "SELECT id, CAST(d AS CHAR), b FROM app.events ORDER BY id",
        "zero dates as NULL and BIT as a number (convert)");
    for (String absent :
        List.of("scratch", "tmp_x", "legacy", "app.log_2024", "app.customers", "app.scratchpad")) {
      assertThat(Sql.exists(r, absent))
          .as(absent + " (or its DDL) must not reach replica " + r.index())
          .isFalse();
    }
    assertThat(Sql.value(r, "SELECT COUNT(*) FROM app.notes WHERE id BETWEEN 900 AND 901"))
        .as("statements on the temporary app.notes must not reach the real one")
        .isEqualTo("0");
  }

  @Test
  void everyFilterOnBothSidesMatchesTheOracle() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer replicaA = db.server(2);
    SandboxServer replicaB = db.server(3);
    SandboxServer nothing = db.server(4);
    long sid = source.serverId();
    Sql.run(
        source,
        "SET sql_log_bin = 0",
        "CREATE DATABASE app",
        "CREATE DATABASE legacy",
        "CREATE TABLE legacy.t (id INT PRIMARY KEY, v VARCHAR(40))",
        "CREATE TABLE app.customers (id INT PRIMARY KEY, name VARCHAR(40))",
        "CREATE TABLE app.items (id INT PRIMARY KEY, descr VARCHAR(40), price DECIMAL(10,2))",
        "CREATE TABLE app.prefs (id INT PRIMARY KEY, color ENUM('red','green','blue'),"
            + " tags SET('a','b','c'))",
        "CREATE TABLE app.events (id INT PRIMARY KEY, d DATE, b BIT(8))");
    targetShapes(replicaA);
    targetShapes(replicaB);

    int portF = freePort();
    int portU = freePort();
    List<String> mfLines = new ArrayList<>(chain("extract", sid, false));
    mfLines.add("source.fragment-bytes = 4k");
    Clock clock = Clock.systemUTC();
    try (Service mf =
            new Service(
                ServiceFiles.load(
                    ServiceFiles.master(dir, "mf", source, portF, mfLines.toArray(String[]::new))),
                clock);
        Service sa =
            new Service(
                ServiceFiles.load(
                    ServiceFiles.slave(dir, "sa", "thl://127.0.0.1:" + portF, replicaA)),
                clock);
        Service mu =
            new Service(
                ServiceFiles.load(
                    ServiceFiles.master(dir, "mu", source, portU, "source.fragment-bytes = 4k")),
                clock);
        Service sb =
            new Service(
                ServiceFiles.load(
                    ServiceFiles.slave(
                        dir,
                        "sb",
                        "thl://127.0.0.1:" + portU,
                        replicaB,
                        chain("apply", sid, true).toArray(String[]::new))),
                clock);
        Service od =
            new Service(
                ServiceFiles.load(
                    ServiceFiles.direct(
                        dir,
                        "od",
                        source,
                        nothing,
                        "extract.filters = not-from-source",
                        "filter.not-from-source.type = origin",
                        "filter.not-from-source.drop-server-ids = " + sid)),
                clock)) {
      for (Service s : List.of(mf, sa, mu, sb, od)) {
        s.online(Service.OnlineOptions.NONE);
      }
      int keptOrders = workload(source);
      ServiceRolesTest.awaitMark(source, replicaA, mf, sa);
      ServiceRolesTest.awaitMark(source, replicaB, mu, sb);

      checkReplica(source, replicaA);
      checkReplica(source, replicaB);

      // shard by table on sb's applying stage; sa (no shard filter) keeps the extractor's schemas.
      Set<String> shardsB = shardIds(sb);
      assertThat(shardsB)
          .as("sb's shards")
          .contains("app.stock", "app.pairs", "app.nokey", "crm.clients", "ferry_it_sync.mark");
      assertThat(shardIds(sa)).as("sa's shards").contains("app").doesNotContain("app.stock");

      // origin: every transaction of the source dropped, the service online and its position
      // moved to where the unfiltered master is.
      String muAt = mu.applied().nativePosition().text();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline
          && (od.applied() == null
              || od.applied().nativePosition() == null
              || !muAt.equals(od.applied().nativePosition().text()))) {
        assertThat(od.state()).isEqualTo(Service.State.ONLINE);
        Thread.sleep(50);
      }
      assertThat(od.applied().nativePosition().text())
          .as("od's position follows the source")
          .isEqualTo(muAt);
      assertThat(od.applied().seqno()).isEqualTo(mu.applied().seqno());
      assertThat(od.state()).isEqualTo(Service.State.ONLINE);
      for (String schema : List.of("app", "legacy", "scratch", "tmp_x", "ferry_it_sync")) {
        assertThat(Sql.exists(nothing, schema)).as(schema + " on od's target").isFalse();
      }

      // The chain did the same on both sides, filter by filter; drop-temp dropped the eleven
      // transactions of tmp_x and of temporary tables (3 DDL/DML in tmp_x, 7 temporary-table
      // statements, 1 statement with USE tmp_x).
      Map<String, List<Long>> extract = filterCounts(mf, "binlog-to-thl");
      Map<String, List<Long>> apply = filterCounts(sb, "thl-to-target");
      for (String f : extract.keySet()) {
        assertThat(apply.get(f)).as("filter " + f + " on both sides").isEqualTo(extract.get(f));
      }
      assertThat(extract.get("notemp").get(2)).as("transactions drop-temp dropped").isEqualTo(11L);
      assertThat(apply.get("slim").get(1)).as("updates optimize-updates slimmed").isPositive();
      assertThat(apply.get("keys").get(1)).as("changes pkey narrowed").isPositive();

      // What the filtered master stored.
      mf.offline();
      checkFilteredThl(dir.resolve("mf").resolve("thl"), keptOrders);
    }
  }

  /** Each filter of a stage: transactions seen, changed, dropped; rows seen, dropped. */
  private static Map<String, List<Long>> filterCounts(Service s, String stage) {
    Map<String, List<Long>> out = new TreeMap<>();
    for (StageStatus st : s.status().stages()) {
      if (st.name().equals(stage)) {
        for (FilterStats f : st.filters()) {
          out.put(
              f.name(),
              List.of(
                  f.transactionsSeen(),
                  f.transactionsChanged(),
                  f.transactionsDropped(),
                  f.rowsSeen(),
                  f.rowsDropped()));
        }
      }
    }
    assertThat(out).as(s.name() + " stage " + stage).isNotEmpty();
    return out;
  }

  private static Set<String> shardIds(Service s) {
    Set<String> ids = new TreeSet<>();
    for (ShardTracker.Shard shard : s.status().shards()) {
      ids.add(shard.id());
    }
    return ids;
  }

  /** The extract side's output as stored: nothing of what the chain drops, gaps for the rest. */
  private static void checkFilteredThl(Path thlDir, int keptOrders) throws Exception {
    Map<Long, List<Transaction>> fragments = new TreeMap<>();
    Set<String> gapReasons = new TreeSet<>();
    int orderInserts = 0;
    try (Thl thl = Thl.openReadOnly(thlDir);
        ThlReader r = thl.reader(thl.firstSeqno().orElseThrow())) {
      ReplEvent e;
      while ((e = r.nextEvent(0, TimeUnit.MILLISECONDS)) != null) {
        if (e instanceof Gap g) {
          gapReasons.add(g.reason());
          continue;
        }
        Transaction tx = (Transaction) e;
        fragments.computeIfAbsent(tx.seqno(), k -> new ArrayList<>()).add(tx);
        for (Change c : tx.changes()) {
          if (c instanceof RowChanges rc) {
            String table = rc.schema() + "." + rc.table();
            assertThat(rc.schema()).as("seqno " + tx.seqno()).isNotIn("scratch", "tmp_x", "legacy");
            assertThat(table)
                .as("seqno " + tx.seqno())
                .isNotIn("app.log_2024", "app.customers", "app.scratchpad");
            if (table.equals("app.orders")) {
              assertThat(rc.columns().stream().map(ColumnSpec::name))
                  .as("seqno " + tx.seqno())
                  .doesNotContain("secret");
              if (rc.action() == Action.INSERT) {
                orderInserts += rc.rows().size();
              }
            }
          } else if (c instanceof SqlStatement st) {
            String sql = st.text().toLowerCase(Locale.ROOT);
            assertThat(sql)
                .as("seqno " + tx.seqno() + " in " + st.defaultSchema())
                .doesNotContain("temporary", "scratch", "tmp_x", "log_2024");
            assertThat(st.defaultSchema()).isNotIn("scratch", "tmp_x", "legacy");
          }
        }
      }
    }
    assertThat(orderInserts)
        .as("inserted app.orders rows that are not debug")
        .isEqualTo(keptOrders);
    assertThat(gapReasons)
        .as("whole transactions dropped")
        .contains("dropped by filter scope", "dropped by filter notemp");
    List<Long> emptyFragmented = new ArrayList<>();
    List<Long> keptFragmented = new ArrayList<>();
    for (Map.Entry<Long, List<Transaction>> e : fragments.entrySet()) {
      List<Transaction> frags = e.getValue();
      if (frags.size() < 2) {
        continue;
      }
      assertThat(frags.get(frags.size() - 1).lastFrag()).isTrue();
      boolean any =
          frags.stream()
              .flatMap(t -> t.changes().stream())
              .anyMatch(c -> c instanceof RowChanges || c instanceof SqlStatement);
      (any ? keptFragmented : emptyFragmented).add(e.getKey());
    }
    assertThat(emptyFragmented)
        .as("the fragmented transaction in scratch is stored as empty fragments")
        .hasSize(1);
    assertThat(keptFragmented).as("fragmented transactions with kept rows").hasSizeGreaterThan(1);
  }
}
