package io.ferry.cli.setup;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A multi-site topology: its sites (one database server each), which sites run a master service,
 * and the links (a slave service {@code <from>_to_<site>} applying one site's THL to another site's
 * server). Immutable; built by {@link #of}, which refuses a bad list of servers.
 *
 * @param kind the preset
 * @param sites every site, in the order given (the index is the auto-increment offset)
 * @param hub the star's hub, or null
 * @param links who feeds whom
 */
record Topology(Kind kind, List<Site> sites, Site hub, List<Link> links) {

  /** The presets. */
  enum Kind {
    ALL_MASTERS("all-masters"),
    STAR("star"),
    FAN_IN("fan-in"),
    FAN_OUT("fan-out");

    final String text;

    Kind(String text) {
      this.text = text;
    }
  }

  /**
   * One server of the topology.
   *
   * @param name the site's name (its master service's name)
   * @param index 1, 2, ...: its place in the order given
   * @param given the database as given on the command line (a URL's password masked)
   * @param db where it is
   */
  record Site(String name, int index, String given, Endpoint db) {}

  /** A slave service on {@code to} that applies {@code from}'s THL. */
  record Link(Site from, Site to) {
    String service() {
      return from.name() + "_to_" + to.name();
    }
  }

  /**
   * Builds a topology. For a star, {@code dbs.get(0)} is the hub; for fan-in, the last is the
   * target; for fan-out, the first is the master.
   */
  static Topology of(Kind kind, List<Endpoint> dbs, List<String> given, List<String> names) {
    if (dbs.size() < 2) {
      throw new CliException(
          kind.text + " needs at least 2 servers, got " + dbs.size(), Cli.EXIT_USAGE);
    }
    List<String> siteNames = names == null || names.isEmpty() ? defaultNames(dbs.size()) : names;
    if (siteNames.size() != dbs.size()) {
      throw new CliException(
          "--names gives "
              + siteNames.size()
              + " names for "
              + dbs.size()
              + " servers: give one name per server, in the same order",
          Cli.EXIT_USAGE);
    }
    Set<String> seenNames = new LinkedHashSet<>();
    Map<String, String> seenAddresses = new LinkedHashMap<>();
    List<Site> sites = new ArrayList<>();
    for (int i = 0; i < dbs.size(); i++) {
      String name = siteNames.get(i).trim();
      if (!name.matches("[A-Za-z0-9]{1,20}")) {
        throw new CliException(
            "site name '"
                + name
                + "' is not usable: use 1 to 20 letters and digits (services are named"
                + " <from>_to_<site>, catalogs ferry_<from>_to_<site>)",
            Cli.EXIT_USAGE);
      }
      if (!seenNames.add(name.toLowerCase(Locale.ROOT))) {
        throw new CliException(
            "site name '" + name + "' is used twice in --names: each site needs its own",
            Cli.EXIT_USAGE);
      }
      Endpoint e = dbs.get(i);
      String address = normalHost(e.host()) + ":" + e.port();
      String before = seenAddresses.putIfAbsent(address, given.get(i));
      if (before != null) {
        throw new CliException(
            "'"
                + given.get(i)
                + "' and '"
                + before
                + "' are the same server ("
                + e.address()
                + "): every site needs a server of its own",
            Cli.EXIT_USAGE);
      }
      sites.add(new Site(name, i + 1, given.get(i), e));
    }
    List<Link> links = new ArrayList<>();
    Site hub = null;
    switch (kind) {
      case ALL_MASTERS -> {
        for (Site to : sites) {
          for (Site from : sites) {
            if (!from.equals(to)) {
              links.add(new Link(from, to));
            }
          }
        }
      }
      case STAR -> {
        hub = sites.get(0);
        for (Site spoke : sites.subList(1, sites.size())) {
          links.add(new Link(spoke, hub));
        }
        for (Site spoke : sites.subList(1, sites.size())) {
          links.add(new Link(hub, spoke));
        }
      }
      case FAN_IN -> {
        Site target = sites.get(sites.size() - 1);
        for (Site m : sites.subList(0, sites.size() - 1)) {
          links.add(new Link(m, target));
        }
      }
      case FAN_OUT -> {
        Site master = sites.get(0);
        for (Site s : sites.subList(1, sites.size())) {
          links.add(new Link(master, s));
        }
      }
    }
    return new Topology(kind, List.copyOf(sites), hub, List.copyOf(links));
  }

  static List<String> defaultNames(int n) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      names.add("s" + i);
    }
    return names;
  }

  private static String normalHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.equals("::1") || h.equals("127.0.0.1") ? "127.0.0.1" : h;
  }

  /** Sites that run a master service: every site whose THL another site reads. */
  List<Site> masters() {
    return sites.stream().filter(s -> links.stream().anyMatch(l -> l.from().equals(s))).toList();
  }

  /** Sites that receive (run slave services). */
  List<Site> targets() {
    return sites.stream().filter(s -> links.stream().anyMatch(l -> l.to().equals(s))).toList();
  }

  /**
   * Sites where applications write, whose auto-increment sequences must not collide: every site of
   * all-masters and star, the masters of fan-in; fan-out has one writer.
   */
  List<Site> writers() {
    return switch (kind) {
      case ALL_MASTERS, STAR -> sites;
      case FAN_IN -> sites.subList(0, sites.size() - 1);
      case FAN_OUT -> List.of(sites.get(0));
    };
  }

  /**
   * What a site's master service relays: only what its server wrote for all-masters sites and
   * spokes (a change applied there came from another site, which sends it itself), everything for
   * the hub and for fan-in and fan-out masters.
   */
  String relay(Site s) {
    return switch (kind) {
      case ALL_MASTERS -> "local";
      case STAR -> s.equals(hub) ? "all" : "local";
      case FAN_IN, FAN_OUT -> "all";
    };
  }

  /**
   * Whether what Ferry applies on a site must reach that server's binlog: on the hub (its master
   * relays it to the other spokes), and on sites that have native replicas of their own.
   */
  boolean logsApplied(Site s, Set<String> nativeReplicas) {
    return s.equals(hub) || nativeReplicas.contains(s.name());
  }

  Site site(String name) {
    return sites.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }
}
