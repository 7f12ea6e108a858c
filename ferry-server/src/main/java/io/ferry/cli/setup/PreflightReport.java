package io.ferry.cli.setup;

import io.ferry.cli.setup.Preflight.Finding;
import io.ferry.cli.setup.Preflight.Severity;
import io.ferry.cli.setup.Topology.Site;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code ferry setup ... --check} found, with what was read from each server: printed for
 * people or as JSON. Immutable.
 */
record PreflightReport(Topology topology, Map<Site, ServerFacts> facts, List<Finding> findings) {
  boolean blocking() {
    return findings.stream().anyMatch(f -> f.severity() == Severity.BLOCKING);
  }

  long count(Severity s) {
    return findings.stream().filter(f -> f.severity() == s).count();
  }

  void print(PrintWriter out) {
    out.println(
        "pre-flight of "
            + topology.kind().text
            + " ("
            + topology.sites().size()
            + " sites; nothing was written):");
    for (Site s : topology.sites()) {
      ServerFacts f = facts.get(s);
      out.println(
          "  "
              + s.name()
              + "  "
              + s.given()
              + (f == null
                  ? "  unreachable"
                  : "  "
                      + f.version()
                      + ", server_id "
                      + f.serverId()
                      + (f.domain() >= 0 ? ", gtid_domain_id " + f.domain() : "")
                      + ", auto-increment "
                      + f.increment()
                      + "/"
                      + f.offset()
                      + ", "
                      + f.tables().size()
                      + " tables"));
    }
    for (Finding f : findings) {
      out.println(
          f.severity().text().toUpperCase(Locale.ROOT)
              + "  "
              + f.site()
              + "  "
              + f.check()
              + ": "
              + f.problem());
      out.println("    fix: " + f.fix());
    }
    long b = count(Severity.BLOCKING);
    long w = count(Severity.WARNING);
    out.println(
        b == 0 && w == 0
            ? "nothing found: the servers are ready for " + topology.kind().text
            : b
                + " blocking, "
                + w
                + (w == 1 ? " warning" : " warnings")
                + (b > 0
                    ? ": fix the blocking ones before starting (exit 1)"
                    : ": nothing blocks"));
  }

  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("topology", topology.kind().text);
    List<Map<String, Object>> sites = new ArrayList<>();
    for (Site s : topology.sites()) {
      ServerFacts f = facts.get(s);
      Map<String, Object> site = new LinkedHashMap<>();
      site.put("name", s.name());
      site.put("server", s.given());
      site.put("reachable", f != null);
      if (f != null) {
        site.put("version", f.version());
        site.put("serverId", f.serverId());
        site.put("gtidDomainId", f.domain() >= 0 ? f.domain() : null);
        site.put("autoIncrementIncrement", f.increment());
        site.put("autoIncrementOffset", f.offset());
        site.put("clockSkewMillis", f.skew().toMillis());
        site.put("tables", f.tables().size());
      }
      sites.add(site);
    }
    m.put("sites", sites);
    List<Map<String, Object>> list = new ArrayList<>();
    for (Finding f : findings) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("severity", f.severity().text());
      x.put("site", f.site());
      x.put("check", f.check());
      x.put("problem", f.problem());
      x.put("fix", f.fix());
      list.add(x);
    }
    m.put("findings", list);
    m.put("blocking", count(Severity.BLOCKING));
    m.put("warnings", count(Severity.WARNING));
    return m;
  }
}
