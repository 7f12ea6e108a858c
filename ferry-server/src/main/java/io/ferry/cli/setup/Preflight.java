package io.ferry.cli.setup;

import io.ferry.cli.setup.ServerFacts.TableDef;
import io.ferry.cli.setup.ServerFacts.Trigger;
import io.ferry.cli.setup.Topology.Link;
import io.ferry.cli.setup.Topology.Site;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code ferry setup TOPOLOGY --check}: reads every server of a topology (nothing is written) and
 * reports what would hurt it, each finding with its fix. Not thread-safe; one run per instance.
 */
final class Preflight {
  /** How bad a finding is: blocking ones make the check fail. */
  enum Severity {
    BLOCKING,
    WARNING;

    String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One finding.
   *
   * @param severity how bad
   * @param site the site it is about ("*" for the topology as a whole)
   * @param check a stable identifier (no-primary-key, binlog-format, ...)
   * @param problem what is wrong and what it would do
   * @param fix the SQL or setting that fixes it
   */
  record Finding(Severity severity, String site, String check, String problem, String fix) {}

  /** Clocks further apart than this are reported. */
  static final Duration MAX_SKEW = Duration.ofSeconds(1);

  private final Topology topology;
  private final Set<String> nativeReplicas;
  private final Clock clock;
  private final List<Finding> findings = new ArrayList<>();
  private final Map<Site, ServerFacts> facts = new LinkedHashMap<>();

  Preflight(Topology topology, Set<String> nativeReplicas, Clock clock) {
    this.topology = topology;
    this.nativeReplicas = nativeReplicas;
    this.clock = clock;
  }

  PreflightReport run() {
    for (Site s : topology.sites()) {
      try (Connection c = s.db().connect()) {
        facts.put(s, ServerFacts.read(c, clock));
      } catch (SQLException e) {
        blocking(
            s,
            "unreachable",
            "cannot connect to "
                + s.db().address()
                + " as "
                + s.db().user()
                + ": "
                + e.getMessage()
                + "; nothing else was checked on this site",
            "start the server, or correct the address and account, then check again");
      }
    }
    for (Site s : topology.masters()) {
      if (facts.containsKey(s)) {
        binlog(s, facts.get(s));
      }
    }
    for (Map.Entry<Site, ServerFacts> e : facts.entrySet()) {
      keys(e.getKey(), e.getValue());
      privileges(e.getKey(), e.getValue());
      clock(e.getKey(), e.getValue());
      if (topology.targets().contains(e.getKey())) {
        triggers(e.getKey(), e.getValue());
      }
    }
    serverIds();
    autoIncrement();
    definitions();
    return new PreflightReport(topology, facts, List.copyOf(findings));
  }

  private void blocking(Site s, String check, String problem, String fix) {
    findings.add(new Finding(Severity.BLOCKING, s == null ? "*" : s.name(), check, problem, fix));
  }

  private void warning(Site s, String check, String problem, String fix) {
    findings.add(new Finding(Severity.WARNING, s == null ? "*" : s.name(), check, problem, fix));
  }

  private static String section(ServerFacts f) {
    return f.mariadb() ? "[mariadbd]" : "[mysqld]";
  }

  private void binlog(Site s, ServerFacts f) {
    if (!f.logBin()) {
      blocking(
          s,
          "log-bin",
          "the binary log is off: its master service has nothing to read",
          "add log_bin=binlog to " + section(f) + " in the server's configuration and restart it");
      return;
    }
    if (!"ROW".equalsIgnoreCase(f.binlogFormat())) {
      blocking(
          s,
          "binlog-format",
          "binlog_format is "
              + f.binlogFormat()
              + ": statements replay differently on each site and carry no row images to detect"
              + " conflicts with",
          "SET GLOBAL binlog_format = 'ROW'; (sessions already open keep theirs: reconnect the"
              + " applications) and binlog_format=ROW in "
              + section(f));
    }
    if (!"FULL".equalsIgnoreCase(f.rowImage())) {
      blocking(
          s,
          "binlog-row-image",
          "binlog_row_image is "
              + f.rowImage()
              + ": rows lack the columns conflict detection and keyless tables need",
          "SET GLOBAL binlog_row_image = 'FULL'; and binlog_row_image=FULL in " + section(f));
    }
  }

  private void keys(Site s, ServerFacts f) {
    Map<String, List<String>> bySchema = new TreeMap<>();
    f.tables()
        .forEach(
            (t, def) -> {
              if (def.primaryKey().isEmpty()) {
                int dot = t.indexOf('.');
                bySchema
                    .computeIfAbsent(t.substring(0, dot), k -> new ArrayList<>())
                    .add(t.substring(dot + 1));
              }
            });
    bySchema.forEach(
        (schema, tables) ->
            blocking(
                s,
                "no-primary-key",
                "schema "
                    + schema
                    + ": "
                    + tables.size()
                    + (tables.size() == 1 ? " table has" : " tables have")
                    + " no primary key ("
                    + String.join(", ", tables)
                    + "): a row cannot be told apart from its twin on another site, so conflicts"
                    + " go undetected and a change may hit the wrong row",
                tables.stream()
                        .limit(5)
                        .map(
                            t ->
                                "ALTER TABLE `"
                                    + schema
                                    + "`.`"
                                    + t
                                    + "` ADD PRIMARY KEY (<the columns that identify a row>);")
                        .collect(Collectors.joining(" "))
                    + (tables.size() > 5 ? " (and the same for the others)" : "")));
  }

  private void triggers(Site s, ServerFacts f) {
    for (Trigger t : f.triggers()) {
      if (!t.readable()) {
        blocking(
            s,
            "trigger",
            "trigger "
                + t.schema()
                + "."
                + t.name()
                + " on "
                + t.table()
                + ": "
                + s.db().user()
                + " cannot read its body, so Ferry cannot tell whether it tests @ferry_service and"
                + " stops before applying to that table",
            "GRANT TRIGGER ON *.* TO <" + s.db().user() + "'s account>; then check again");
      } else if (!t.guarded()) {
        blocking(
            s,
            "trigger",
            "trigger "
                + t.schema()
                + "."
                + t.name()
                + " on "
                + t.table()
                + " does not test @ferry_service: it would fire again for the rows the trigger"
                + " already produced on their origin, so Ferry stops before applying to that table",
            "wrap its body in IF @ferry_service IS NULL THEN ... END IF (docs/applier.md,"
                + " Triggers), or set apply.triggers = fire on the services that apply to "
                + s.name());
      }
    }
  }

  private void privileges(Site s, ServerFacts f) {
    Set<String> global = Grants.global(f.grants());
    String user = s.db().user();
    if (topology.masters().contains(s)) {
      List<String> missing = new ArrayList<>();
      if (!Grants.has(global, "REPLICATION SLAVE")) {
        missing.add("REPLICATION SLAVE");
      }
      if (!Grants.has(global, "BINLOG MONITOR") && !Grants.has(global, "REPLICATION CLIENT")) {
        missing.add(f.mariadb() ? "BINLOG MONITOR" : "REPLICATION CLIENT");
      }
      if (!missing.isEmpty()) {
        blocking(
            s,
            "privileges",
            user + " cannot read the binlog: it lacks " + String.join(", ", missing),
            "GRANT " + String.join(", ", missing) + " ON *.* TO <" + user + "'s account>;");
      }
    }
    if (topology.targets().contains(s)) {
      List<String> missing = new ArrayList<>();
      for (String p : List.of("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE")) {
        if (!Grants.has(global, p)) {
          missing.add(p);
        }
      }
      if (!missing.isEmpty()) {
        blocking(
            s,
            "privileges",
            user
                + " lacks "
                + String.join(", ", missing)
                + " on *.*: it applies to every replicated schema and creates its catalogs"
                + " (ferry_<service>)",
            "GRANT "
                + String.join(", ", missing)
                + " ON *.* TO <"
                + user
                + "'s account>; (or on each replicated schema and ferry_%)");
      }
      List<String> needed =
          topology.logsApplied(s, nativeReplicas)
              ? (f.mariadb() ? List.of("server_id", "gtid_domain_id") : List.of("server_id"))
              : List.of("sql_log_bin");
      for (String v : needed) {
        String refused = f.refused().get(v);
        if (refused != null) {
          String priv =
              v.equals("sql_log_bin")
                  ? "BINLOG ADMIN"
                  : f.mariadb() ? "BINLOG REPLAY" : "SYSTEM_VARIABLES_ADMIN";
          blocking(
              s,
              "privileges",
              user
                  + " may not set the session's "
                  + v
                  + (v.equals("sql_log_bin")
                      ? " (applied changes are kept out of the binlog)"
                      : " (changes are applied under their origin's id, which cuts loops)")
                  + ": "
                  + refused,
              "GRANT " + priv + " ON *.* TO <" + user + "'s account>; (or SUPER)");
        }
      }
    }
  }

  private void clock(Site s, ServerFacts f) {
    if (f.skew().abs().compareTo(MAX_SKEW) > 0) {
      warning(
          s,
          "clock",
          "its clock is "
              + millis(f.skew())
              + " this machine's: with timestamp conflict resolution (the newer change wins) the"
              + " site whose clock is ahead wins wrongly",
          "synchronise the hosts' clocks (NTP: chronyd or systemd-timesyncd) and check again");
    }
  }

  private static String millis(Duration d) {
    long ms = d.toMillis();
    return String.format(
        Locale.ROOT, "%.3f s %s", Math.abs(ms) / 1000.0, ms < 0 ? "behind" : "ahead of");
  }

  private void serverIds() {
    Map<Long, List<Site>> ids = new TreeMap<>();
    Map<Long, List<Site>> domains = new TreeMap<>();
    for (Map.Entry<Site, ServerFacts> e : facts.entrySet()) {
      ids.computeIfAbsent(e.getValue().serverId(), k -> new ArrayList<>()).add(e.getKey());
      if (e.getValue().domain() >= 0 && topology.writers().contains(e.getKey())) {
        domains.computeIfAbsent(e.getValue().domain(), k -> new ArrayList<>()).add(e.getKey());
      }
    }
    ids.forEach(
        (id, sites) -> {
          if (sites.size() > 1) {
            blocking(
                null,
                "server-id",
                names(sites)
                    + " share server_id "
                    + id
                    + ": a change's origin is told by its server id, so they would take each"
                    + " other's changes for their own",
                "give each its own: server_id=N in "
                    + section(facts.get(sites.get(1)))
                    + " of all but one, and restart them");
          }
        });
    domains.forEach(
        (domain, sites) -> {
          if (sites.size() > 1) {
            blocking(
                null,
                "gtid-domain",
                names(sites)
                    + " share gtid_domain_id "
                    + domain
                    + ": their transactions would interleave in one GTID domain, which a server"
                    + " with gtid_strict_mode refuses as out of order",
                sites.stream()
                    .map(
                        s ->
                            s.name()
                                + ": SET GLOBAL gtid_domain_id = "
                                + s.index()
                                + "; and gtid_domain_id="
                                + s.index()
                                + " in [mariadbd]")
                    .collect(Collectors.joining("; ")));
          }
        });
  }

  private void autoIncrement() {
    List<Site> writers = topology.writers().stream().filter(facts::containsKey).toList();
    List<String> clashes = new ArrayList<>();
    for (int i = 0; i < writers.size(); i++) {
      for (int j = i + 1; j < writers.size(); j++) {
        ServerFacts a = facts.get(writers.get(i));
        ServerFacts b = facts.get(writers.get(j));
        if (collide(a.increment(), a.offset(), b.increment(), b.offset())) {
          clashes.add(writers.get(i).name() + "/" + writers.get(j).name());
        }
      }
    }
    if (clashes.isEmpty()) {
      return;
    }
    int n = topology.writers().size();
    blocking(
        null,
        "auto-increment",
        "the auto-increment sequences of "
            + String.join(", ", clashes)
            + " overlap ("
            + writers.stream()
                .map(s -> s.name() + " " + facts.get(s).increment() + "/" + facts.get(s).offset())
                .collect(Collectors.joining(", "))
            + " as increment/offset): inserts on two sites take the same ids and collide",
        writers.stream()
                .map(
                    s ->
                        s.name()
                            + ": SET GLOBAL auto_increment_increment = "
                            + n
                            + ", auto_increment_offset = "
                            + s.index()
                            + ";")
                .collect(Collectors.joining(" "))
            + " and the same in each configuration (ferry setup does it for sandboxes)");
  }

  /**
   * Whether two auto-increment sequences (offset + k * increment) share a value. As the server
   * does, an offset larger than the increment is ignored (1 is used).
   */
  static boolean collide(long incA, long offA, long incB, long offB) {
    long a = offA > incA ? 1 : offA;
    long b = offB > incB ? 1 : offB;
    return Math.floorMod(a - b, gcd(incA, incB)) == 0;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  private void definitions() {
    Set<String> all = new TreeSet<>();
    facts.values().forEach(f -> all.addAll(f.tables().keySet()));
    for (String table : all) {
      Map<Site, TableDef> defs = new LinkedHashMap<>();
      facts.forEach(
          (s, f) -> {
            if (f.tables().containsKey(table)) {
              defs.put(s, f.tables().get(table));
            }
          });
      if (defs.size() > 1 && defs.values().stream().distinct().count() > 1) {
        blocking(
            null,
            "table-definition",
            "table " + table + " differs between sites: " + differences(defs),
            "make them equal: compare SHOW CREATE TABLE "
                + table
                + " on each site and ALTER the"
                + " odd ones (then check again)");
      }
      List<String> missing = new ArrayList<>();
      for (Link l : topology.links()) {
        if (defs.containsKey(l.from())
            && facts.containsKey(l.to())
            && !defs.containsKey(l.to())
            && !missing.contains(l.to().name())) {
          missing.add(l.to().name());
        }
      }
      if (!missing.isEmpty()) {
        warning(
            null,
            "table-missing",
            "table "
                + table
                + " is on "
                + names(new ArrayList<>(defs.keySet()))
                + " but not on "
                + String.join(", ", missing)
                + ": changes to it stop the services that apply there",
            "create it there (SHOW CREATE TABLE "
                + table
                + " on a site that has it), or leave it"
                + " out of replication with a filter");
      }
    }
  }

  /** What differs between the definitions of one table, column by column. */
  static String differences(Map<Site, TableDef> defs) {
    Set<String> columns = new java.util.LinkedHashSet<>();
    defs.values().forEach(d -> columns.addAll(d.columns().keySet()));
    List<String> parts = new ArrayList<>();
    for (String c : columns) {
      Map<String, List<String>> byType = new LinkedHashMap<>();
      defs.forEach(
          (s, d) ->
              byType
                  .computeIfAbsent(
                      d.columns().getOrDefault(c, "(no such column)"), k -> new ArrayList<>())
                  .add(s.name()));
      if (byType.size() > 1) {
        parts.add(
            "column "
                + c
                + ": "
                + byType.entrySet().stream()
                    .map(e -> String.join("/", e.getValue()) + " " + e.getKey())
                    .collect(Collectors.joining(" vs ")));
      }
    }
    Map<List<String>, List<String>> byKey = new LinkedHashMap<>();
    defs.forEach(
        (s, d) -> byKey.computeIfAbsent(d.primaryKey(), k -> new ArrayList<>()).add(s.name()));
    if (byKey.size() > 1) {
      parts.add(
          "primary key: "
              + byKey.entrySet().stream()
                  .map(
                      e ->
                          String.join("/", e.getValue())
                              + " ("
                              + String.join(", ", e.getKey())
                              + ")")
                  .collect(Collectors.joining(" vs ")));
    }
    if (parts.isEmpty()) {
      List<String> orders = new ArrayList<>();
      defs.forEach(
          (s, d) -> orders.add(s.name() + " (" + String.join(", ", d.columns().keySet()) + ")"));
      parts.add("column order: " + String.join(" vs ", orders));
    }
    return String.join("; ", parts);
  }

  private static String names(List<Site> sites) {
    return sites.stream().map(Site::name).collect(Collectors.joining(", "));
  }
}
