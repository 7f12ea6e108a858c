package io.ferry.cli.setup;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.control.AdminClient;
import io.ferry.cli.control.AdminOptions;
import io.ferry.cli.setup.Topology.Kind;
import io.ferry.cli.setup.Topology.Site;
import io.ferry.cli.setup.TopologyCommands.PresetOptions;
import io.ferry.cli.setup.TopologyFiles.ServiceFile;
import io.ferry.server.config.ConfigException;
import io.ferry.server.config.ReplicatorSettings;
import io.ferry.server.config.ServiceConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Runs a multi-site preset: checks it, or writes its files, sets its servers and starts it. */
final class TopologySetup {
  private TopologySetup() {}

  /** What setup learnt from a server. */
  record Probe(long serverId, boolean mariadb, String version) {}

  static int run(CommandSpec spec, Kind kind, List<String> dbs, PresetOptions o)
      throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    boolean perSite = layout(o.layout);
    if (o.json && !o.check) {
      throw new CliException("--json goes with --check", Cli.EXIT_USAGE);
    }
    Topology t = topology(kind, dbs, o);
    if (o.check) {
      PreflightReport report =
          new Preflight(t, Set.copyOf(o.nativeReplicas), Clock.systemUTC()).run();
      if (o.json) {
        io.ferry.cli.Json.print(out, report.json());
      } else {
        report.print(out);
      }
      out.flush();
      return report.blocking() ? Cli.EXIT_FAILED : Cli.EXIT_OK;
    }
    Map<String, Probe> probes = probe(t);
    Path base = o.admin.configDir();
    // The files first: nothing is set on a server before every file could be written.
    Set<Integer> taken = new HashSet<>();
    Map<String, Integer> thlPorts = new LinkedHashMap<>();
    Map<String, String> thlHosts = new LinkedHashMap<>();
    Map<String, String> starts = new LinkedHashMap<>();
    for (Site s : t.masters()) {
      thlPorts.put(s.name(), freePort(taken));
      thlHosts.put(
          s.name(), o.thlHosts.getOrDefault(s.name(), perSite ? s.db().host() : "127.0.0.1"));
      starts.put(s.name(), SetupCommand.resolve(s.db(), o.startAt));
    }
    List<ServiceFile> files =
        TopologyFiles.files(
            t,
            new TopologyFiles.Plan(
                thlPorts, thlHosts, starts, o.dataDir, Set.copyOf(o.nativeReplicas)));
    Map<Site, Path> dirs = new LinkedHashMap<>();
    for (ServiceFile f : files) {
      dirs.putIfAbsent(f.site(), perSite ? base.resolve(f.site().name()) : base);
    }
    List<String> exist = new ArrayList<>();
    for (ServiceFile f : files) {
      Path p = file(dirs, f);
      if (Files.exists(p) && !o.force) {
        exist.add(p.toString());
      }
      try {
        ServiceConfig.parse(p, f.lines());
      } catch (ConfigException e) {
        throw new CliException(e.getMessage(), Cli.EXIT_USAGE);
      }
    }
    if (!exist.isEmpty()) {
      throw new CliException(
          String.join(", ", exist)
              + (exist.size() == 1 ? " exists" : " exist")
              + ": use --force to overwrite, or --names for other site names",
          Cli.EXIT_USAGE);
    }
    out.println(
        t.kind().text
            + ": "
            + t.sites().size()
            + " sites, "
            + t.masters().size()
            + " master and "
            + t.links().size()
            + " slave services ("
            + (perSite ? "a replicator per site" : "one replicator, " + base)
            + ")");
    for (Site s : t.sites()) {
      Probe p = probes.get(s.name());
      String feeds =
          t.links().stream()
              .filter(l -> l.to().equals(s))
              .map(l -> l.from().name())
              .collect(Collectors.joining(", "));
      out.println(
          "  "
              + s.name()
              + "  "
              + s.given()
              + " ("
              + s.db().address()
              + ", server_id "
              + p.serverId()
              + ")"
              + (thlPorts.containsKey(s.name())
                  ? "  THL on " + thlHosts.get(s.name()) + ":" + thlPorts.get(s.name())
                  : "")
              + (feeds.isEmpty() ? "" : "  receives from " + feeds));
    }
    Map<Site, Integer> adminPorts = new LinkedHashMap<>();
    for (Map.Entry<Site, Path> d : dirs.entrySet()) {
      Files.createDirectories(d.getValue().resolve("services"));
      if (perSite) {
        adminPorts.put(d.getKey(), replicatorConf(d.getValue(), taken, out));
      }
    }
    for (ServiceFile f : files) {
      Path p = file(dirs, f);
      try {
        ServiceConfig.writePrivate(p, f.lines());
      } catch (java.io.UncheckedIOException e) {
        throw new CliException(e.getMessage());
      }
      out.println("wrote " + p);
    }
    serverSettings(t, probes, o, out);
    return start(spec, dirs, adminPorts, o, out);
  }

  static boolean layout(String text) {
    return switch (text) {
      case "lab" -> false;
      case "per-site" -> true;
      default -> throw new CliException("--layout is lab or per-site, not '" + text + "'", 2);
    };
  }

  static Topology topology(Kind kind, List<String> dbs, PresetOptions o) {
    List<Endpoint> endpoints = new ArrayList<>();
    List<String> given = new ArrayList<>();
    for (String db : dbs) {
      endpoints.add(Endpoint.parse(db, o.sandboxHome));
      given.add(Endpoint.masked(db.trim()));
    }
    Topology t = Topology.of(kind, endpoints, given, o.names);
    for (String n : o.nativeReplicas) {
      Site s = t.site(n.trim());
      if (s == null || !t.targets().contains(s)) {
        throw new CliException(
            "--native-replicas names '"
                + n
                + "', which is not a site that receives changes here (sites: "
                + t.targets().stream().map(Site::name).collect(Collectors.joining(", "))
                + ")",
            Cli.EXIT_USAGE);
      }
    }
    for (String n : o.thlHosts.keySet()) {
      if (t.site(n) == null || !t.masters().contains(t.site(n))) {
        throw new CliException(
            "--thl-host names '"
                + n
                + "', which is not a site with a master service (sites: "
                + t.masters().stream().map(Site::name).collect(Collectors.joining(", "))
                + ")",
            Cli.EXIT_USAGE);
      }
    }
    return t;
  }

  /** Reaches every server; refuses unreachable ones and shared server ids. */
  private static Map<String, Probe> probe(Topology t) {
    Map<String, Probe> probes = new LinkedHashMap<>();
    Map<Long, Site> ids = new LinkedHashMap<>();
    for (Site s : t.sites()) {
      Probe p;
      try (Connection c = s.db().connect();
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT @@server_id, @@version")) {
        rs.next();
        p = new Probe(rs.getLong(1), rs.getString(2).contains("MariaDB"), rs.getString(2));
      } catch (SQLException e) {
        throw new CliException(
            "cannot reach site "
                + s.name()
                + " ("
                + s.given()
                + " at "
                + s.db().address()
                + " as "
                + s.db().user()
                + "): "
                + e.getMessage()
                + "; start the server or correct the address, then run setup again");
      }
      Site other = ids.putIfAbsent(p.serverId(), s);
      if (other != null) {
        throw new CliException(
            "sites "
                + other.name()
                + " and "
                + s.name()
                + " have the same server_id "
                + p.serverId()
                + ": origins are told apart by it; give each server its own (server_id in its"
                + " configuration, then restart it)");
      }
      probes.put(s.name(), p);
    }
    return probes;
  }

  private static Path file(Map<Site, Path> dirs, ServiceFile f) {
    return dirs.get(f.site()).resolve("services").resolve(f.service() + ".conf");
  }

  /** A site's replicator.conf (per-site layout): kept if it exists; its admin port either way. */
  private static int replicatorConf(Path dir, Set<Integer> taken, PrintWriter out)
      throws IOException {
    Path f = dir.resolve("replicator.conf");
    if (Files.exists(f)) {
      try {
        int port = ServiceConfig.loadReplicator(f).get(ReplicatorSettings.ADMIN_PORT);
        taken.add(port);
        return port;
      } catch (ConfigException e) {
        throw new CliException(e.getMessage(), Cli.EXIT_USAGE);
      }
    }
    int port = freePort(taken);
    Files.write(
        f,
        List.of(
            "# Written by ferry setup: this site's replicator (see docs/configuration.md).",
            "admin.port = " + port));
    out.println("wrote " + f);
    return port;
  }

  private static void serverSettings(
      Topology t, Map<String, Probe> probes, PresetOptions o, PrintWriter out) {
    List<Site> writers = t.writers();
    if (writers.size() < 2) {
      return;
    }
    out.println(
        "auto-increment: each writing site hands out its own ids (auto_increment_increment = "
            + writers.size()
            + ", auto_increment_offset = the site's number) and, on MariaDB, logs in its own GTID"
            + " domain:");
    for (int i = 0; i < writers.size(); i++) {
      Site s = writers.get(i);
      SiteSettings.Values v =
          SiteSettings.of(writers.size(), i + 1, probes.get(s.name()).mariadb());
      if (s.db().sandbox() != null && !o.noServerSettings) {
        Path cnf = SiteSettings.apply(s.db().sandbox(), s, v);
        out.println(
            "  "
                + s.name()
                + ": set "
                + String.join(", ", v.configLines())
                + " (and in "
                + cnf
                + ")");
      } else {
        out.println(
            "  "
                + s.name()
                + ": run "
                + v.sql()
                + " and add "
                + String.join(" ", v.configLines())
                + " to its configuration ([mariadbd] or [mysqld])");
      }
    }
  }

  private static int start(
      CommandSpec spec,
      Map<Site, Path> dirs,
      Map<Site, Integer> adminPorts,
      PresetOptions o,
      PrintWriter out)
      throws IOException, InterruptedException {
    Set<Path> replicators = new LinkedHashSet<>(dirs.values());
    if (!o.start) {
      out.println(
          replicators.size() == 1
              ? "start it with: ferry replicator start --config-dir "
                  + replicators.iterator().next()
              : "start each site's replicator beside its server:");
      if (replicators.size() > 1) {
        for (Map.Entry<Site, Path> d : dirs.entrySet()) {
          out.println(
              "  "
                  + d.getKey().name()
                  + ": ferry replicator start --config-dir "
                  + d.getValue()
                  + "   (admin port "
                  + adminPorts.get(d.getKey())
                  + ")");
        }
      }
      out.println(
          "then: ferry services --config-dir "
              + (replicators.size() == 1 ? replicators.iterator().next() : "DIR")
              + " shows every service and its state");
      out.flush();
      return 0;
    }
    for (Path dir : replicators) {
      AdminOptions admin = adminFor(dir, o);
      AdminClient client = admin.client();
      if (client.reachable()) {
        client.post("/api/v1/reload", Map.of());
        out.println("replicator of " + dir + " reloaded: its new services are going online");
      } else {
        out.flush();
        int code =
            Cli.run(
                new String[] {"replicator", "start", "--config-dir", dir.toString()},
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
        if (code != 0) {
          return code;
        }
      }
    }
    out.flush();
    return 0;
  }

  private static AdminOptions adminFor(Path dir, PresetOptions o) {
    return dir.equals(o.admin.configDir())
        ? o.admin
        : CommandLine.populateCommand(new AdminOptions(), "--config-dir", dir.toString());
  }

  /** A free port on this machine that no other part of this setup took. */
  static int freePort(Set<Integer> taken) throws IOException {
    for (int i = 0; i < 50; i++) {
      int p;
      try (ServerSocket s = new ServerSocket(0)) {
        p = s.getLocalPort();
      }
      if (taken.add(p)) {
        return p;
      }
    }
    throw new IOException("no free port found after 50 tries");
  }
}
