package io.ferry.cli.analyze;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** The analysis report as text for a terminal. Stateless. */
final class TextReport {
  private TextReport() {}

  @SuppressWarnings("unchecked")
  static void print(PrintWriter out, Map<String, Object> r) {
    Map<String, Object> s = (Map<String, Object>) r.get("summary");
    out.println("Analysis of " + r.get("source"));
    out.printf("  from %s%n  to   %s%n", orDash(g(s.get("from"))), orDash(g(s.get("to"))));
    out.printf(
        "  commits %s .. %s (%s s)%n",
        orDash(g(s.get("firstCommit"))), orDash(g(s.get("lastCommit"))), g(s.get("seconds")));
    out.printf(
        "  %s transactions, %s row changes, %s bytes (%s fragments, %s heartbeats)%n",
        g(s.get("transactions")),
        g(s.get("rowChanges")),
        g(s.get("bytes")),
        g(s.get("fragments")),
        g(s.get("heartbeats")));
    out.printf(
        "  average %s transactions/s and %s row changes/s; peak %s transactions/s at %s%n",
        g(s.get("averageTransactionsPerSecond")),
        g(s.get("averageRowChangesPerSecond")),
        g(s.get("peakTransactionsPerSecond")),
        orDash(g(s.get("peakSecond"))));
    section(out, "Events by kind");
    ((Map<String, Object>) r.get("events"))
        .forEach((k, v) -> out.printf("  %-40s %12s%n", k, g(v)));
    section(out, "Statements by kind");
    ((Map<String, Object>) r.get("statements"))
        .forEach((k, v) -> out.printf("  %-40s %12s%n", k, g(v)));
    section(out, "Tables (by rows changed)");
    out.printf(
        "  %-40s %12s %12s %12s %14s %8s%n",
        "table", "inserted", "updated", "deleted", "bytes", "key");
    for (Map<String, Object> t : (List<Map<String, Object>>) r.get("tables")) {
      out.printf(
          "  %-40s %12s %12s %12s %14s %8s%n",
          g(t.get("table")),
          g(t.get("inserted")),
          g(t.get("updated")),
          g(t.get("deleted")),
          g(t.get("bytes")),
          Boolean.TRUE.equals(t.get("hasKey")) ? "yes" : "NONE");
    }
    largest(out, "Largest transactions", (List<Map<String, Object>>) r.get("largestTransactions"));
    largest(out, "Largest events", (List<Map<String, Object>>) r.get("largestEvents"));
    section(out, "What hurts replication");
    List<Map<String, Object>> hurts = (List<Map<String, Object>>) r.get("hurtsReplication");
    if (hurts.isEmpty()) {
      out.println("  nothing found");
    }
    for (Map<String, Object> h : hurts) {
      out.printf(
          "  %s × %s%n      first at %s%n", g(h.get("count")), g(h.get("what")), g(h.get("first")));
    }
    section(out, "Parallelism (what parallel apply could get at most)");
    Map<String, Object> p = (Map<String, Object>) r.get("parallelism");
    Map<String, Object> shard = (Map<String, Object>) p.get("shard");
    Map<String, Object> key = (Map<String, Object>) p.get("key");
    out.printf(
        "  shard: %sx over %s shards (busiest %s with %s transactions; %s ran alone)%n",
        g(shard.get("bound")),
        g(shard.get("shards")),
        orDash(g(shard.get("busiestShard"))),
        g(shard.get("busiestShardTransactions")),
        g(shard.get("ranAlone")));
    out.printf(
        "  key:   %sx (%s ran alone: %s)%n",
        g(key.get("bound")), g(key.get("ranAlone")), g(key.get("ranAloneBecause")));
    out.println("  " + p.get("meaning"));
  }

  private static void largest(PrintWriter out, String title, List<Map<String, Object>> list) {
    section(out, title);
    for (Map<String, Object> l : list) {
      out.printf(
          "  %12s bytes %9s rows  %s  %s%n",
          g(l.get("bytes")), g(l.get("rows")), g(l.get("at")), g(l.get("what")));
    }
  }

  private static void section(PrintWriter out, String title) {
    out.println();
    out.println(title + ":");
  }

  /** A number with thousands separators; anything else as it is. */
  private static String g(Object o) {
    if (o == null) {
      return "-";
    }
    if (o instanceof Double || o instanceof Float) {
      return String.format(java.util.Locale.ROOT, "%,.1f", ((Number) o).doubleValue());
    }
    return o instanceof Number n
        ? String.format(java.util.Locale.ROOT, "%,d", n.longValue())
        : String.valueOf(o);
  }

  private static Object orDash(Object o) {
    return o == null ? "-" : o;
  }
}
