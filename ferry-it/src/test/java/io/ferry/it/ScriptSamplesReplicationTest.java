package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.codec.RecordHeader;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlReader;
import io.ferry.core.thl.ThlRecord;
import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.server.ShardTracker;
import io.ferry.testkit.SandboxExtension;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every sample script of {@code ferry-scripting/samples/} (the files, unchanged), in Lua and in
 * JavaScript, through real replication on both sides: as {@code extract.filters} of a master (what
 * enters its THL; a plain slave applies that) and as {@code apply.filters} of a slave. Each replica
 * is compared row by row with an oracle computed from the <em>source</em> with SQL (the sample's
 * documented effect written as a query), never with another replica.
 *
 * <p>Topology of each test: one source; masters reading its binlog from the beginning (so the
 * source's DDL is replicated as statements, which the samples pass unchanged); for the extract side
 * one master per language, each with a plain slave; for the apply side one master without filters
 * and one slave per language.
 *
 * <p>Target tables. The replicated DDL creates every table as the source has it. Where a sample
 * changes a table's shape, its rows can only be applied to a target that has the new shape, so the
 * test creates exactly those target tables on the replicas before replication (empty: the rows are
 * still checked against the source), and the source creates them with {@code IF NOT EXISTS} so that
 * the replicated DDL leaves the pre-created table alone:
 *
 * <ul>
 *   <li>{@code audit_column}: its header says "the target table must have the column"; it acts on
 *       every table, the sync table {@code ferry_it_sync.mark} included, so it runs in a test of
 *       its own where both tables are pre-created with the column.
 *   <li>{@code cents_to_amount}: rows arrive with the DECIMAL column instead of the cents column
 *       ("the target locates rows by its key"), so {@code payments} is pre-created with {@code
 *       amount} and without {@code cents}.
 *   <li>{@code rename_prefix}: it renames row changes only and passes statements unchanged (its
 *       header), so the replicated {@code CREATE TABLE legacy_orders} creates the original table on
 *       the replica, and nothing creates the renamed one: {@code renamed_orders} is pre-created
 *       with the source's definition. The check: the renamed table equals the source's original,
 *       and the original on the replica holds no row.
 * </ul>
 *
 * {@code drop_column} is used without a pre-created table: the replicated DDL still has the column,
 * rows arrive without it, so on the replica it keeps its default (NULL) in every row, updates
 * included; the oracle is the source with that column NULL. This proves that no value of it
 * crossed.
 *
 * <p>Three tests, each on five fresh servers:
 *
 * <ol>
 *   <li>Nine samples that act on different tables in one chain ({@code rename_prefix, drop_column,
 *       mask_email, cents_to_amount, zero_dates, odd_even, tenant, route_shard, drop_origin} with
 *       another service's name), each instance with its own params, in Lua as extract filters, in
 *       JavaScript as extract filters, in Lua as apply filters, in JavaScript as apply filters. One
 *       workload: inserts, updates (one that changes only the dropped column), deletes, a
 *       transaction over every table, and a transaction in many fragments ({@code
 *       source.fragment-bytes = 4096}, seen in the masters' THL) whose only change of the routed
 *       table is in its first fragment. Values that catch byte/unit counting (é, an emoji), cents
 *       above 2^31, zero dates in DATE, DATETIME and TIMESTAMP columns, NULL and NOT NULL. The
 *       shard of route_shard is checked in each slave's {@code status().shards()} (the transaction
 *       count equals the source transactions that changed the table) and in the extract masters'
 *       THL headers. Rows never change their tenant or the parity of their id: tenant and odd_even
 *       decide by one image, as their headers say.
 *   <li>{@code audit_column} on both sides in both languages, default and named column: the
 *       replica's column holds the name of the service that ran the filter (the master on the
 *       extract side, the slave on the apply side), for inserts and updates.
 *   <li>{@code drop_origin} on the apply side in both languages: with the master's name the replica
 *       gets nothing (no schema but its catalog, zero rows applied, the applied seqno at the
 *       master's last, a fragmented transaction included); with another name it gets everything.
 * </ol>
 */
class ScriptSamplesReplicationTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(5);

  @TempDir Path dir;

  private static final Path SAMPLES = Path.of("..", "ferry-scripting", "samples");

  private static final String SHARD = "routed_shard";

  /** Small, so that the big transaction of the workload is cut into many fragments. */
  private static final String FRAGMENT_BYTES = "source.fragment-bytes = 4096";

  private final Clock clock = Clock.systemUTC();

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String script(String type, String sample) {
    String lang = type.equals("lua") ? "lua" : "js";
    return SAMPLES
        .resolve(lang)
        .resolve(sample + "." + lang)
        .toAbsolutePath()
        .normalize()
        .toString();
  }

  /**
   * The lines of a filter chain: {@code side.filters = names} and, per instance, its type, the
   * sample file and its params.
   */
  private static List<String> chain(String side, String type, Map<String, String[]> filters) {
    List<String> lines = new ArrayList<>();
    lines.add(side + ".filters = " + String.join(", ", filters.keySet()));
    filters.forEach(
        (name, spec) -> {
          lines.add("filter." + name + ".type = " + type);
          lines.add("filter." + name + ".script = " + script(type, spec[0]));
          for (int i = 1; i + 1 < spec.length; i += 2) {
            lines.add("filter." + name + ".param." + spec[i] + " = " + spec[i + 1]);
          }
        });
    return lines;
  }

  /** The nine samples that each act on their own tables, as one chain. */
  private static Map<String, String[]> nine() {
    Map<String, String[]> f = new LinkedHashMap<>();
    f.put("rename", new String[] {"rename_prefix", "from", "legacy_", "to", "renamed_"});
    f.put("dropcol", new String[] {"drop_column", "column", "secret", "table", "people"});
    f.put("mask", new String[] {"mask_email"});
    f.put(
        "cents",
        new String[] {"cents_to_amount", "table", "payments", "from", "cents", "to", "amount"});
    f.put("zero", new String[] {"zero_dates"});
    f.put("odd", new String[] {"odd_even", "parity", "odd", "table", "part"});
    f.put("tenant", new String[] {"tenant", "tenant_column", "tenant_id", "tenant", "acme"});
    f.put("route", new String[] {"route_shard", "table", "routed", "shard", SHARD});
    f.put("origin", new String[] {"drop_origin", "origin", "nobody"});
    return f;
  }

  private Service master(String name, SandboxServer source, int port, List<String> extra)
      throws Exception {
    return new Service(
        ServiceFiles.load(
            ServiceFiles.master(dir, name, source, port, extra.toArray(new String[0]))),
        clock);
  }

  private Service slave(String name, int port, SandboxServer target, List<String> extra)
      throws Exception {
    return new Service(
        ServiceFiles.load(
            ServiceFiles.slave(
                dir, name, "thl://127.0.0.1:" + port, target, extra.toArray(new String[0]))),
        clock);
  }

  private static List<String> with(List<String> a, String... more) {
    List<String> all = new ArrayList<>(a);
    all.addAll(List.of(more));
    return all;
  }

  /** Statements on the source in one session that accepts zero dates. */
  private static void source(SandboxServer s, String... statements) throws Exception {
    List<String> all = new ArrayList<>();
    all.add("SET SESSION sql_mode = ''");
    all.addAll(List.of(statements));
    Sql.run(s, all.toArray(new String[0]));
  }

  /** A query's rows, each as its columns joined by " | ", NULL as "NULL". */
  static List<String> rows(SandboxServer s, String query) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      st.execute("SET SESSION sql_mode = ''");
      try (ResultSet rs = st.executeQuery(query)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder b = new StringBuilder();
          for (int i = 1; i <= n; i++) {
            if (i > 1) {
              b.append(" | ");
            }
            String v = rs.getString(i);
            b.append(v == null ? "NULL" : v);
          }
          out.add(b.toString());
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // The nine samples that act on their own tables, in one chain.
  // ---------------------------------------------------------------------------------------------

  private static final String[] SOURCE_DDL = {
    "CREATE DATABASE IF NOT EXISTS app",
    "CREATE TABLE app.legacy_orders (id INT PRIMARY KEY, item VARCHAR(40), qty INT)"
        + " DEFAULT CHARSET utf8mb4",
    "CREATE TABLE app.people (id INT PRIMARY KEY, name VARCHAR(40), email VARCHAR(80),"
        + " secret VARCHAR(40) NULL) DEFAULT CHARSET utf8mb4",
    "CREATE TABLE IF NOT EXISTS app.payments (id INT PRIMARY KEY, cents BIGINT NULL,"
        + " note VARCHAR(40)) DEFAULT CHARSET utf8mb4",
    "CREATE TABLE app.events (id INT PRIMARY KEY, d DATE NULL, dt DATETIME NULL,"
        + " ts TIMESTAMP NULL DEFAULT NULL, nn DATE NOT NULL)",
    "CREATE TABLE app.part (id INT PRIMARY KEY, v VARCHAR(400))",
    "CREATE TABLE app.accounts (id INT PRIMARY KEY, tenant_id VARCHAR(20), v INT)",
    "CREATE TABLE app.routed (id INT PRIMARY KEY, v VARCHAR(20))",
    "CREATE TABLE app.plain (id INT PRIMARY KEY, v VARCHAR(20))"
  };

  /** The target tables whose shape a sample changes (see the class comment). */
  private static final String[] TARGET_DDL = {
    "CREATE DATABASE app",
    "CREATE TABLE app.renamed_orders (id INT PRIMARY KEY, item VARCHAR(40), qty INT)"
        + " DEFAULT CHARSET utf8mb4",
    "CREATE TABLE app.payments (id INT PRIMARY KEY, amount DECIMAL(20,2) NULL,"
        + " note VARCHAR(40)) DEFAULT CHARSET utf8mb4"
  };

  /** How many source transactions change app.routed (the route_shard sample's shard count). */
  private int routedTransactions;

  private void workload(SandboxServer s) throws Exception {
    source(
        s,
        "INSERT INTO app.legacy_orders VALUES (1, 'apple', 3), (2, 'pear', 5), (3, 'fig', 1)",
        "INSERT INTO app.people VALUES (1, 'Alice', 'alice@example.com', 's1'),"
            + " (2, 'Bob', 'b@x.org', 's2'), (3, 'Élise', 'élise@exemple.fr', 's3'),"
            + " (4, 'Nobody', 'no-at-sign', 's4'), (5, 'Null', NULL, NULL),"
            + " (6, 'At', '@start.example', 's6'), (7, 'Smile', '\uD83D\uDE00bob@x.org', 's7')",
        "INSERT INTO app.payments VALUES (1, 1234, 'a'), (2, -5, 'b'), (3, 0, 'c'),"
            + " (4, NULL, 'd'), (5, 100, 'e'), (6, 99, 'f'), (7, 1234567890123, 'g'),"
            + " (8, -2147483648, 'h')",
        "INSERT INTO app.events VALUES"
            + " (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00'),"
            + " (2, '2024-00-10', '2024-05-00 10:00:00', '2024-05-01 10:00:00', '2024-05-01'),"
            + " (3, '2024-05-01', '2024-05-01 10:00:00.000', NULL, '2024-05-00'),"
            + " (4, '0000-05-05', NULL, '2024-05-01 12:00:00', '2024-05-01')",
        "INSERT INTO app.part VALUES (1, 'p1'), (2, 'p2'), (3, 'p3'), (4, 'p4'), (5, 'p5')",
        "INSERT INTO app.accounts VALUES (1, 'acme', 10), (2, 'other', 20), (3, 'acme', 30),"
            + " (4, NULL, 40), (5, 'acme2', 50)",
        "INSERT INTO app.routed VALUES (1, 'r1'), (2, 'r2')",
        "INSERT INTO app.plain VALUES (1, 'x'), (2, 'y')");
    routedTransactions++;
    source(
        s,
        "UPDATE app.legacy_orders SET qty = qty + 1 WHERE id = 2",
        // only the dropped column changes: the replica's update changes nothing
        "UPDATE app.people SET secret = 'changed' WHERE id = 1",
        "UPDATE app.people SET email = 'bobby@x.org', secret = 'z' WHERE id = 2",
        "UPDATE app.payments SET cents = cents + 1 WHERE id IN (1, 2)",
        "UPDATE app.payments SET note = 'note only' WHERE id = 3",
        "UPDATE app.payments SET cents = 250 WHERE id = 4",
        "UPDATE app.events SET d = '0000-00-00' WHERE id = 3",
        "UPDATE app.events SET d = '2023-01-02' WHERE id = 1",
        "UPDATE app.events SET dt = '2024-06-01 00:00:00' WHERE id = 2",
        "UPDATE app.part SET v = CONCAT(v, '+')",
        "UPDATE app.accounts SET v = v + 1",
        "UPDATE app.routed SET v = 'r2+' WHERE id = 2",
        "UPDATE app.plain SET v = 'y+' WHERE id = 2");
    routedTransactions++;
    source(
        s,
        "DELETE FROM app.legacy_orders WHERE id = 3",
        "DELETE FROM app.people WHERE id = 4",
        "DELETE FROM app.payments WHERE id IN (2, 6)",
        "DELETE FROM app.events WHERE id = 2",
        "DELETE FROM app.part WHERE id IN (2, 3)",
        "DELETE FROM app.accounts WHERE id IN (2, 3)",
        "DELETE FROM app.routed WHERE id = 1",
        "DELETE FROM app.plain WHERE id = 1");
    routedTransactions++;
    // one transaction over every table
    source(
        s,
        "BEGIN",
        "INSERT INTO app.legacy_orders VALUES (10, 'kiwi', 2)",
        "INSERT INTO app.people VALUES (10, 'Carol', 'carol.c@example.net', 'c')",
        "INSERT INTO app.payments VALUES (10, 4599, 'tx')",
        "INSERT INTO app.events VALUES (10, '2024-02-29', '0000-00-00 00:00:00', NULL,"
            + " '0000-00-00')",
        "INSERT INTO app.part VALUES (10, 't10'), (11, 't11'), (12, 't12')",
        "UPDATE app.part SET id = id + 1000 WHERE id IN (11, 12)",
        "INSERT INTO app.accounts VALUES (10, 'acme', 1), (11, 'other', 2)",
        "UPDATE app.accounts SET v = 99 WHERE id IN (1, 11)",
        "INSERT INTO app.routed VALUES (10, 'tx')",
        "DELETE FROM app.people WHERE id = 6",
        "INSERT INTO app.plain VALUES (10, 'tx')",
        "COMMIT");
    routedTransactions++;
    // a transaction in many fragments; the routed table only in its first
    StringBuilder big = new StringBuilder("INSERT INTO app.part VALUES ");
    for (int id = 2000; id < 2300; id++) {
      big.append(id == 2000 ? "" : ", ")
          .append('(')
          .append(id)
          .append(", '")
          .append(Character.toString('a' + id % 26).repeat(300))
          .append("')");
    }
    source(
        s,
        "BEGIN",
        "INSERT INTO app.routed VALUES (20, 'big')",
        big.toString(),
        "INSERT INTO app.people VALUES (20, 'Big', 'bigboss@corp.example', 'b')",
        "INSERT INTO app.payments VALUES (20, 1999, 'big')",
        "INSERT INTO app.events VALUES (20, '0000-00-00', '2024-00-01 00:00:00', NULL,"
            + " '0000-00-00')",
        "INSERT INTO app.accounts VALUES (20, 'acme', 1), (21, 'other', 2)",
        "INSERT INTO app.legacy_orders VALUES (20, 'crate', 9)",
        "UPDATE app.part SET v = CONCAT('u', v) WHERE id BETWEEN 2000 AND 2150",
        "DELETE FROM app.part WHERE id BETWEEN 2200 AND 2210",
        "INSERT INTO app.plain VALUES (20, 'last')",
        "COMMIT");
    routedTransactions++;
  }

  /** What a replica of the nine-sample chain must hold, each as (replica query, oracle query). */
  private static Map<String, String[]> nineChecks() {
    String zero =
        "CASE WHEN %1$s IS NULL OR YEAR(%1$s) = 0 OR MONTH(%1$s) = 0 OR DAYOFMONTH(%1$s) = 0"
            + " THEN NULL ELSE CAST(%1$s AS CHAR) END";
    Map<String, String[]> m = new LinkedHashMap<>();
    m.put(
        "rename_prefix: renamed table = the source's original",
        new String[] {
          "SELECT id, item, qty FROM app.renamed_orders ORDER BY id",
          "SELECT id, item, qty FROM app.legacy_orders ORDER BY id"
        });
    m.put(
        "rename_prefix: no row under the original name",
        new String[] {"SELECT COUNT(*) FROM app.legacy_orders", "SELECT 0"});
    m.put(
        "drop_column + mask_email: people",
        new String[] {
          "SELECT id, name, email, secret FROM app.people ORDER BY id",
          "SELECT id, name, CASE WHEN LOCATE('@', email) > 1 THEN CONCAT(LEFT(email, 1),"
              + " REPEAT('*', LOCATE('@', email) - 2), SUBSTRING(email, LOCATE('@', email)))"
              + " ELSE email END, NULL FROM app.people ORDER BY id"
        });
    m.put(
        "cents_to_amount: payments",
        new String[] {
          "SELECT id, CAST(amount AS CHAR), note FROM app.payments ORDER BY id",
          "SELECT id, CAST(CAST(cents AS DECIMAL(20,0)) / 100 AS DECIMAL(20,2)), note"
              + " FROM app.payments ORDER BY id"
        });
    m.put(
        "zero_dates: events",
        new String[] {
          "SELECT id, CAST(d AS CHAR), CAST(dt AS CHAR), CAST(ts AS CHAR), CAST(nn AS CHAR)"
              + " FROM app.events ORDER BY id",
          "SELECT id, "
              + String.format(zero, "d")
              + ", "
              + String.format(zero, "dt")
              + ", "
              + String.format(zero, "ts")
              + ", CAST(nn AS CHAR) FROM app.events ORDER BY id"
        });
    m.put(
        "odd_even: part",
        new String[] {
          "SELECT id, v FROM app.part ORDER BY id",
          "SELECT id, v FROM app.part WHERE id % 2 = 1 ORDER BY id"
        });
    m.put(
        "tenant: accounts",
        new String[] {
          "SELECT id, tenant_id, v FROM app.accounts ORDER BY id",
          "SELECT id, tenant_id, v FROM app.accounts WHERE tenant_id = 'acme' ORDER BY id"
        });
    m.put(
        "route_shard: routed rows unchanged",
        new String[] {
          "SELECT id, v FROM app.routed ORDER BY id", "SELECT id, v FROM app.routed ORDER BY id"
        });
    m.put(
        "drop_origin (another origin): plain",
        new String[] {
          "SELECT id, v FROM app.plain ORDER BY id", "SELECT id, v FROM app.plain ORDER BY id"
        });
    m.put(
        "the tables: the source's, the renamed one and the original",
        new String[] {
          "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES"
              + " WHERE TABLE_SCHEMA = 'app'",
          "SELECT CONCAT_WS(',', 'accounts,events,legacy_orders,part,payments,people,plain',"
              + " 'renamed_orders,routed')"
        });
    return m;
  }

  private void checkNine(
      SoftAssertions soft, String who, SandboxServer source, SandboxServer replica, Service service)
      throws Exception {
    for (Map.Entry<String, String[]> c : nineChecks().entrySet()) {
      List<String> expected = rows(source, c.getValue()[1]);
      soft.assertThat(rows(replica, c.getValue()[0]))
          .as(who + " " + c.getKey())
          .isEqualTo(expected);
    }
    soft.assertThat(rows(replica, "SELECT COUNT(*) FROM app.part")).isNotEqualTo(List.of("0"));
    soft.assertThat(rows(replica, "SELECT COUNT(*) FROM app.accounts")).isNotEqualTo(List.of("0"));
    soft.assertThat(
            service.status().shards().stream()
                .filter(s -> s.id().equals(SHARD))
                .mapToLong(ShardTracker.Shard::transactions)
                .sum())
        .as(who + " route_shard: transactions that changed app.routed, in the shard")
        .isEqualTo(routedTransactions);
  }

  /**
   * The master's THL, by record headers: the big transactions are in several fragments (the big one
   * and the one over every table, both changing app.routed), and each one's last fragment carries
   * the routed shard, also the big one, whose only change of app.routed is in its first fragment.
   */
  private void checkFragments(SoftAssertions soft, String who, String masterName) throws Exception {
    int fragmented = 0;
    List<String> routedLast = new ArrayList<>();
    try (Thl thl = Thl.openReadOnly(dir.resolve(masterName).resolve("thl"));
        ThlReader r = thl.reader(thl.firstSeqno().orElse(0))) {
      ThlRecord rec;
      while ((rec = r.next(0, TimeUnit.MILLISECONDS)) != null) {
        RecordHeader h = rec.header();
        if (h.fragno() > 0) {
          fragmented++;
          if (h.lastFrag()) {
            routedLast.add(h.shard());
          }
        }
      }
    }
    soft.assertThat(fragmented).as(who + ": fragments after the first").isGreaterThan(3);
    soft.assertThat(routedLast)
        .as(who + ": the fragmented transactions' shard (on their last fragment)")
        .isNotEmpty()
        .containsOnly(SHARD);
  }

  /** See the class comment, item 1. */
  @Test
  void nineSamplesInOneChainOnTheExtractAndTheApplySideInLuaAndJavaScript() throws Exception {
    SandboxServer source = db.server(1);
    Sql.run(source, SOURCE_DDL);
    for (int i = 2; i <= 5; i++) {
      Sql.run(db.server(i), TARGET_DDL);
    }
    int pl = freePort();
    int pj = freePort();
    int pp = freePort();
    List<Service> all = new ArrayList<>();
    try (Service xlMaster =
            master("xlua", source, pl, with(chain("extract", "lua", nine()), FRAGMENT_BYTES));
        Service xjMaster =
            master(
                "xjs", source, pj, with(chain("extract", "javascript", nine()), FRAGMENT_BYTES));
        Service plain = master("plain", source, pp, List.of(FRAGMENT_BYTES));
        Service xl = slave("xlua_r", pl, db.server(2), List.of());
        Service xj = slave("xjs_r", pj, db.server(3), List.of());
        Service al = slave("alua", pp, db.server(4), chain("apply", "lua", nine()));
        Service aj = slave("ajs", pp, db.server(5), chain("apply", "javascript", nine()))) {
      all.addAll(List.of(xlMaster, xjMaster, plain, xl, xj, al, aj));
      for (Service s : all) {
        s.online(Service.OnlineOptions.NONE);
      }
      workload(source);
      Service[] services = all.toArray(new Service[0]);
      for (int i = 2; i <= 5; i++) {
        ServiceRolesTest.awaitMark(source, db.server(i), services);
      }
      SoftAssertions soft = new SoftAssertions();
      checkNine(soft, "extract lua", source, db.server(2), xl);
      checkNine(soft, "extract javascript", source, db.server(3), xj);
      checkNine(soft, "apply lua", source, db.server(4), al);
      checkNine(soft, "apply javascript", source, db.server(5), aj);
      for (Service s : all) {
        s.offline();
      }
      checkFragments(soft, "extract lua", "xlua");
      checkFragments(soft, "extract javascript", "xjs");
      soft.assertAll();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // audit_column: every table, so in a test of its own, with the target tables it requires.
  // ---------------------------------------------------------------------------------------------

  /** See the class comment, item 2. */
  @Test
  void auditColumnOnTheExtractAndTheApplySideInLuaAndJavaScript() throws Exception {
    SandboxServer source = db.server(1);
    Sql.run(
        source,
        "CREATE DATABASE IF NOT EXISTS app",
        "CREATE TABLE IF NOT EXISTS app.audited (id INT PRIMARY KEY, v VARCHAR(20))");
    // {replica, column}: the default column on the extract side, param.column on the apply side
    String[][] targets = {
      {"2", "replicated_by"}, {"3", "replicated_by"}, {"4", "audited_by"}, {"5", "audited_by"}
    };
    for (String[] t : targets) {
      // the sample's header: "The target table must have the column" (every table: the sync
      // table too); the source's IF NOT EXISTS statements leave these alone
      Sql.run(
          db.server(Integer.parseInt(t[0])),
          "CREATE DATABASE app",
          "CREATE TABLE app.audited (id INT PRIMARY KEY, v VARCHAR(20), " + t[1] + " VARCHAR(64))",
          "CREATE DATABASE ferry_it_sync",
          "CREATE TABLE ferry_it_sync.mark (id INT PRIMARY KEY, token VARCHAR(64), "
              + t[1]
              + " VARCHAR(64))");
    }
    Map<String, String[]> audit = new LinkedHashMap<>();
    audit.put("audit", new String[] {"audit_column"});
    Map<String, String[]> auditAs = new LinkedHashMap<>();
    auditAs.put("audit", new String[] {"audit_column", "column", "audited_by"});
    int pl = freePort();
    int pj = freePort();
    int pp = freePort();
    List<Service> all = new ArrayList<>();
    try (Service xlMaster = master("xlua", source, pl, chain("extract", "lua", audit));
        Service xjMaster = master("xjs", source, pj, chain("extract", "javascript", audit));
        Service plain = master("plain", source, pp, List.of());
        Service xl = slave("xlua_r", pl, db.server(2), List.of());
        Service xj = slave("xjs_r", pj, db.server(3), List.of());
        Service al = slave("alua", pp, db.server(4), chain("apply", "lua", auditAs));
        Service aj = slave("ajs", pp, db.server(5), chain("apply", "javascript", auditAs))) {
      all.addAll(List.of(xlMaster, xjMaster, plain, xl, xj, al, aj));
      for (Service s : all) {
        s.online(Service.OnlineOptions.NONE);
      }
      Sql.run(
          source,
          "INSERT INTO app.audited VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, NULL)",
          "UPDATE app.audited SET v = 'b+' WHERE id = 2",
          "DELETE FROM app.audited WHERE id = 3",
          "BEGIN",
          "INSERT INTO app.audited VALUES (10, 'tx')",
          "UPDATE app.audited SET v = 'a+' WHERE id = 1",
          "DELETE FROM app.audited WHERE id = 4",
          "COMMIT");
      Service[] services = all.toArray(new Service[0]);
      for (int i = 2; i <= 5; i++) {
        ServiceRolesTest.awaitMark(source, db.server(i), services);
      }
      // who ran the filter: the master on the extract side, the slave on the apply side
      String[] by = {"xlua", "xjs", "alua", "ajs"};
      SoftAssertions soft = new SoftAssertions();
      for (int i = 0; i < targets.length; i++) {
        SandboxServer replica = db.server(Integer.parseInt(targets[i][0]));
        soft.assertThat(
                rows(replica, "SELECT id, v, " + targets[i][1] + " FROM app.audited ORDER BY id"))
            .as(by[i] + " audit_column")
            .isEqualTo(rows(source, "SELECT id, v, '" + by[i] + "' FROM app.audited ORDER BY id"))
            .isNotEmpty();
        soft.assertThat(rows(replica, "SELECT " + targets[i][1] + " FROM ferry_it_sync.mark"))
            .as(by[i] + " audit_column on the sync table")
            .containsExactly(by[i]);
      }
      soft.assertAll();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // drop_origin with the master's own name: the whole stream is dropped, so a test of its own.
  // ---------------------------------------------------------------------------------------------

  /** See the class comment, item 3. */
  @Test
  void dropOriginOfTheMasterDropsEverythingAndOfAnotherNameNothing() throws Exception {
    SandboxServer source = db.server(1);
    int port = freePort();
    Map<String, String[]> own = new LinkedHashMap<>();
    own.put("origin", new String[] {"drop_origin", "origin", "alpha"});
    Map<String, String[]> other = new LinkedHashMap<>();
    other.put("origin", new String[] {"drop_origin", "origin", "beta"});
    try (Service master = master("alpha", source, port, List.of(FRAGMENT_BYTES));
        Service dl = slave("dlua", port, db.server(2), chain("apply", "lua", own));
        Service dj = slave("djs", port, db.server(3), chain("apply", "javascript", own));
        Service ol = slave("olua", port, db.server(4), chain("apply", "lua", other));
        Service oj = slave("ojs", port, db.server(5), chain("apply", "javascript", other))) {
      Service[] services = {master, dl, dj, ol, oj};
      for (Service s : services) {
        s.online(Service.OnlineOptions.NONE);
      }
      StringBuilder big = new StringBuilder("INSERT INTO app.t VALUES ");
      for (int id = 100; id < 200; id++) {
        big.append(id == 100 ? "" : ", ").append('(').append(id).append(", REPEAT('x', 200))");
      }
      Sql.run(
          source,
          "CREATE DATABASE app",
          "CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(300))",
          "INSERT INTO app.t VALUES (1, 'a'), (2, 'b')",
          "UPDATE app.t SET v = 'b+' WHERE id = 2",
          "DELETE FROM app.t WHERE id = 1",
          "BEGIN",
          big.toString(),
          "UPDATE app.t SET v = 'big' WHERE id = 150",
          "COMMIT");
      ServiceRolesTest.awaitMark(source, db.server(4), services);
      ServiceRolesTest.awaitMark(source, db.server(5), services);
      long last = master.status().storedLastSeqno();
      for (Service s : List.of(dl, dj)) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (s.applied().seqno() < last && System.nanoTime() < deadline) {
          if (s.state() == Service.State.OFFLINE_ERROR) {
            throw new AssertionError(s.name() + " failed: " + s.failure().message());
          }
          Thread.sleep(50);
        }
        assertThat(s.applied().seqno())
            .as(s.name() + " applied through the master's last")
            .isEqualTo(last);
      }
      SoftAssertions soft = new SoftAssertions();
      Service[] slaves = {dl, dj, ol, oj};
      String all = "SELECT id, v FROM app.t ORDER BY id";
      for (int i = 0; i < slaves.length; i++) {
        SandboxServer target = db.server(i + 2);
        Service s = slaves[i];
        // every schema on the target but the server's own and the service's catalog
        List<String> schemas =
            rows(
                target,
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN"
                    + " ('mysql', 'information_schema', 'performance_schema', 'sys', 'test',"
                    + " 'ferry_"
                    + s.name()
                    + "') ORDER BY 1");
        if (i < 2) {
          soft.assertThat(schemas)
              .as(s.name() + ": nothing of origin alpha, DDL included")
              .isEmpty();
          soft.assertThat(((Number) s.status().target().get("applier").get("rows")).longValue())
              .as(s.name() + " rows applied")
              .isZero();
        } else {
          soft.assertThat(schemas).as(s.name()).containsExactly("app", "ferry_it_sync");
          soft.assertThat(rows(target, all))
              .as(s.name() + ": everything of origin alpha")
              .isEqualTo(rows(source, all))
              .hasSize(101);
        }
      }
      soft.assertAll();
    }
  }
}
