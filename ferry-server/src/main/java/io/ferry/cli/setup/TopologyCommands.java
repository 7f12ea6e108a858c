package io.ferry.cli.setup;

import io.ferry.cli.control.AdminOptions;
import io.ferry.cli.setup.Topology.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry setup all-masters|star|fan-in|fan-out}: the multi-site presets. */
public final class TopologyCommands {
  private TopologyCommands() {}

  /** What every multi-site preset takes. */
  static final class PresetOptions {
    @Mixin AdminOptions admin;

    @Option(
        names = "--names",
        split = ",",
        paramLabel = "NAME",
        description =
            "The sites' names, one per server in the order given (default: s1, s2, ...). A site's"
                + " master service is named after it; the service applying site A's changes on"
                + " site B is A_to_B.")
    List<String> names = new ArrayList<>();

    @Option(
        names = "--layout",
        paramLabel = "LAYOUT",
        description =
            "lab (default): every service in the one replicator of --config-dir. per-site: a"
                + " replicator per site, DIR/SITE/replicator.conf (its own admin port) and"
                + " DIR/SITE/services/*.conf, each to run beside its server.")
    String layout = "lab";

    @Option(
        names = "--native-replicas",
        split = ",",
        paramLabel = "SITE",
        description =
            "Sites whose servers have native replicas of their own: what Ferry applies there is"
                + " written to their binlog (target.log-to-binlog = true), as on a star's hub.")
    List<String> nativeReplicas = new ArrayList<>();

    @Option(
        names = "--thl-host",
        paramLabel = "SITE=HOST",
        description =
            "The host other sites reach SITE's THL on (default: 127.0.0.1 in the lab layout, the"
                + " site's database host in the per-site layout). Repeatable.")
    Map<String, String> thlHosts = new LinkedHashMap<>();

    @Option(
        names = "--sandbox-home",
        paramLabel = "DIR",
        description = "Where sandboxes live, for NAME:N databases.")
    Path sandboxHome;

    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description =
            "Where the services keep their files, DIR/SERVICE each (default: service.dir's"
                + " default).")
    Path dataDir;

    @Option(
        names = "--start-at",
        paramLabel = "POSITION",
        description =
            "Where each master service reads its server's binlog from the first time: beginning,"
                + " current (the binlog's end when setup runs, written down), file:offset or"
                + " GTIDs. Default: current.")
    String startAt = "current";

    @Option(
        names = "--no-server-settings",
        description =
            "Do not set auto_increment_increment/offset and gtid_domain_id on sandbox servers;"
                + " only print the advice.")
    boolean noServerSettings;

    @Option(names = "--force", description = "Overwrite service files that exist.")
    boolean force;

    @Option(
        names = "--start",
        description =
            "Start the replicator (lab) or every site's replicator (per-site); a running one is"
                + " reloaded.")
    boolean start;

    @Option(
        names = "--check",
        description =
            "Write nothing: inspect every server (read-only) and report what would hurt this"
                + " topology, each finding with its fix. Exit 0 when nothing blocks, 1 when"
                + " something does.")
    boolean check;

    @Option(names = "--json", description = "With --check: the findings as JSON.")
    boolean json;
  }

  static final String FOOTER =
      "%nDatabases are sandbox servers (NAME:N) or mysql://user:password@host:port; the account"
          + " needs what reading and applying need (a sandbox's replicator account has it). Every"
          + " server must be reachable. Ports are chosen free on this machine. For sandbox"
          + " servers, auto_increment_increment/offset and gtid_domain_id are set (SET GLOBAL"
          + " and the sandbox's my.cnf); for others the statements are printed. --check reports"
          + " what would hurt the topology instead (docs/multi-master.md).";

  /** {@code ferry setup all-masters}. */
  @Command(
      name = "all-masters",
      header = "Every server replicates to every other (each site a master).",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      footer = TopologyCommands.FOOTER,
      description = {
        "Writes, for every site, its master service (SITE.conf, source.relay = local) and one"
            + " slave service per other site (FROM_to_SITE.conf): N masters and N*(N-1) slaves.",
      })
  public static final class AllMasters implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin PresetOptions options;

    @Option(
        names = "--servers",
        required = true,
        split = ",",
        paramLabel = "DB",
        description = "The servers, one per site (at least 2).")
    List<String> servers;

    @Override
    public Integer call() throws Exception {
      return TopologySetup.run(spec, Kind.ALL_MASTERS, servers, options);
    }
  }

  /** {@code ferry setup star}. */
  @Command(
      name = "star",
      header = "A hub relays between spokes: each spoke replicates to the hub and back.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      footer = TopologyCommands.FOOTER,
      description = {
        "Writes the hub's master service (source.relay = all: it relays what spokes sent), a"
            + " master service per spoke (source.relay = local), SPOKE_to_HUB on the hub"
            + " (target.log-to-binlog = true, so the hub's master relays it) and HUB_to_SPOKE on"
            + " each spoke. --names names the hub first, then the spokes.",
      })
  public static final class Star implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin PresetOptions options;

    @Option(names = "--hub", required = true, paramLabel = "DB", description = "The hub.")
    String hub;

    @Option(
        names = "--spokes",
        required = true,
        split = ",",
        paramLabel = "DB",
        description = "The spokes (at least 1).")
    List<String> spokes;

    @Override
    public Integer call() throws Exception {
      List<String> all = new ArrayList<>();
      all.add(hub);
      all.addAll(spokes);
      return TopologySetup.run(spec, Kind.STAR, all, options);
    }
  }

  /** {@code ferry setup fan-in}. */
  @Command(
      name = "fan-in",
      header = "Many masters into one server, each through its own slave service and catalog.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      footer = TopologyCommands.FOOTER,
      description = {
        "Writes a master service per master and MASTER_to_TARGET on the target (catalog"
            + " ferry_MASTER_to_TARGET). The target runs no master service. --names names the"
            + " masters first, then the target.",
      })
  public static final class FanIn implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin PresetOptions options;

    @Option(
        names = "--masters",
        required = true,
        split = ",",
        paramLabel = "DB",
        description = "The masters (at least 1).")
    List<String> masters;

    @Option(
        names = "--target",
        required = true,
        paramLabel = "DB",
        description = "The server they all replicate into.")
    String target;

    @Override
    public Integer call() throws Exception {
      List<String> all = new ArrayList<>(masters);
      all.add(target);
      return TopologySetup.run(spec, Kind.FAN_IN, all, options);
    }
  }

  /** {@code ferry setup fan-out}. */
  @Command(
      name = "fan-out",
      header = "One master into many servers.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      footer = TopologyCommands.FOOTER,
      description = {
        "Writes the master's service and MASTER_to_SLAVE on each slave. --names names the master"
            + " first, then the slaves.",
      })
  public static final class FanOut implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin PresetOptions options;

    @Option(names = "--master", required = true, paramLabel = "DB", description = "The master.")
    String master;

    @Option(
        names = "--slaves",
        required = true,
        split = ",",
        paramLabel = "DB",
        description = "The servers it replicates to (at least 1).")
    List<String> slaves;

    @Override
    public Integer call() throws Exception {
      List<String> all = new ArrayList<>();
      all.add(master);
      all.addAll(slaves);
      return TopologySetup.run(spec, Kind.FAN_OUT, all, options);
    }
  }
}
