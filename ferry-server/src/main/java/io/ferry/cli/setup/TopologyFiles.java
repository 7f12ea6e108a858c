package io.ferry.cli.setup;

import io.ferry.cli.setup.Topology.Link;
import io.ferry.cli.setup.Topology.Site;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The service files of a topology, as lines: a master service per site that others read (named
 * after the site) and a slave service {@code <from>_to_<site>} per link. Pure: ports, hosts and
 * start positions are decided by the caller.
 */
final class TopologyFiles {
  private TopologyFiles() {}

  /**
   * One service file.
   *
   * @param site the site whose replicator runs it (per-site layout)
   * @param service the service's name (the file is services/NAME.conf)
   * @param lines its content
   */
  record ServiceFile(Site site, String service, List<String> lines) {}

  /**
   * What the files depend on besides the topology.
   *
   * @param thlPorts the THL port of each master site, by site name
   * @param thlHosts the host slaves reach each master site's THL on, by site name
   * @param starts where each master site's service starts reading (source.start), by site name
   * @param dataDir where services keep their files (DIR/NAME), or null for the default
   * @param nativeReplicas sites that have native replicas of their own (what Ferry applies there
   *     must reach their binlog)
   */
  record Plan(
      Map<String, Integer> thlPorts,
      Map<String, String> thlHosts,
      Map<String, String> starts,
      Path dataDir,
      Set<String> nativeReplicas) {}

  static List<ServiceFile> files(Topology t, Plan plan) {
    List<ServiceFile> files = new ArrayList<>();
    for (Site s : t.masters()) {
      List<String> lines =
          header(
              t,
              s.name(),
              "master",
              "site "
                  + s.name()
                  + " ("
                  + s.given()
                  + "): reads its binlog and serves it as a THL to the other sites",
              plan);
      Endpoint e = s.db();
      lines.add("source.host = " + e.host());
      lines.add("source.port = " + e.port());
      lines.add("source.user = " + e.user());
      lines.add("source.password = " + e.password());
      lines.add("source.start = " + plan.starts().get(s.name()));
      lines.add(
          "# local: only what "
              + s.name()
              + "'s server wrote itself; all: what Ferry applied there too (a hub relays)");
      lines.add("source.relay = " + t.relay(s));
      lines.add("thl.serve.port = " + plan.thlPorts().get(s.name()));
      files.add(new ServiceFile(s, s.name(), lines));
    }
    for (Link l : t.links()) {
      Site to = l.to();
      List<String> lines =
          header(
              t,
              l.service(),
              "slave",
              "site "
                  + to.name()
                  + " ("
                  + to.given()
                  + "): applies what "
                  + l.from().name()
                  + " serves",
              plan);
      lines.add(
          "master.uri = thl://"
              + plan.thlHosts().get(l.from().name())
              + ":"
              + plan.thlPorts().get(l.from().name()));
      SetupCommand.target(lines, to.db());
      boolean log = t.logsApplied(to, plan.nativeReplicas());
      lines.add(
          log
              ? "# "
                  + to.name()
                  + "'s binlog must hold what is applied here ("
                  + (to.equals(t.hub())
                      ? "the hub relays it to the spokes"
                      : "it has native replicas")
                  + ")"
              : "# applied changes stay out of "
                  + to.name()
                  + "'s binlog: nothing reads them there");
      lines.add("target.log-to-binlog = " + log);
      lines.add(
          "# with log-to-binlog: applied under the origin's server id and GTID domain (cuts loops)");
      lines.add("target.log-origin = true");
      lines.add("apply.skip-local-origin = true");
      lines.add(
          "# conflicts: off until you choose a rule (docs/multi-master.md); this is the site it"
              + " applies to");
      lines.add("apply.conflicts = none");
      lines.add("apply.conflicts.site = " + to.name());
      files.add(new ServiceFile(to, l.service(), lines));
    }
    return files;
  }

  private static List<String> header(Topology t, String name, String role, String what, Plan plan) {
    List<String> lines = new ArrayList<>();
    lines.add("# Written by ferry setup " + t.kind().text + "; see docs/configuration.md.");
    lines.add("# " + what);
    lines.add("service.name = " + name);
    lines.add("service.role = " + role);
    if (plan.dataDir() != null) {
      lines.add("service.dir = " + plan.dataDir().toAbsolutePath().resolve(name));
    }
    return lines;
  }
}
