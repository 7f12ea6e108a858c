package io.ferry.cli.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.setup.Topology.Kind;
import io.ferry.cli.setup.Topology.Site;
import io.ferry.cli.setup.TopologyFiles.ServiceFile;
import io.ferry.mysql.target.MySqlTargetSettings;
import io.ferry.server.config.MultiMasterSettings;
import io.ferry.server.config.ServiceConfig;
import io.ferry.server.config.ServiceSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The multi-site presets without servers: who feeds whom, the files written, bad input. */
class TopologyTest {
  private static final Path DIR = Path.of("/tmp/ferry-topology-test/services");

  private static Topology topology(Kind kind, int n, String... names) {
    List<Endpoint> dbs = new ArrayList<>();
    List<String> given = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      dbs.add(new Endpoint("db" + i + ".example", 3306, "ferry", "secret" + i));
      given.add("mysql://ferry:*****@db" + i + ".example");
    }
    return Topology.of(kind, dbs, given, List.of(names));
  }

  /** Writes the files of a topology as setup does (ports 4001, 4002, ... by site number). */
  private static Map<String, ServiceConfig> files(Topology t, Set<String> nativeReplicas) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    Map<String, String> hosts = new LinkedHashMap<>();
    Map<String, String> starts = new LinkedHashMap<>();
    for (Site s : t.masters()) {
      ports.put(s.name(), 4000 + s.index());
      hosts.put(s.name(), "thl" + s.index() + ".example");
      starts.put(s.name(), "binlog.000001:4");
    }
    Map<String, ServiceConfig> parsed = new LinkedHashMap<>();
    for (ServiceFile f :
        TopologyFiles.files(
            t, new TopologyFiles.Plan(ports, hosts, starts, null, nativeReplicas))) {
      // parse validates: unknown keys, values, keys the role needs
      ServiceConfig c = ServiceConfig.parse(DIR.resolve(f.service() + ".conf"), f.lines());
      assertThat(c.name()).isEqualTo(f.service());
      parsed.put(f.service(), c);
    }
    return parsed;
  }

  @Test
  void allMastersWritesAMasterPerSiteAndASlaveFromEveryOtherSite() {
    Map<String, ServiceConfig> files = files(topology(Kind.ALL_MASTERS, 3), Set.of());
    assertThat(files.keySet())
        .containsExactlyInAnyOrder(
            "s1",
            "s2",
            "s3",
            "s2_to_s1",
            "s3_to_s1",
            "s1_to_s2",
            "s3_to_s2",
            "s1_to_s3",
            "s2_to_s3");
    for (String site : List.of("s1", "s2", "s3")) {
      ServiceConfig m = files.get(site);
      int i = Integer.parseInt(site.substring(1));
      assertThat(m.role()).isEqualTo("master");
      assertThat(m.get(ServiceSettings.SOURCE_HOST)).isEqualTo("db" + i + ".example");
      assertThat(m.get(MultiMasterSettings.SOURCE_RELAY).text()).isEqualTo("local");
      assertThat(m.get(ServiceSettings.SERVE_PORT)).isEqualTo(4000 + i);
    }
    ServiceConfig s = files.get("s3_to_s1");
    assertThat(s.role()).isEqualTo("slave");
    assertThat(s.text(ServiceSettings.MASTER_URI)).isEqualTo("thl://thl3.example:4003");
    assertThat(s.get(ServiceSettings.TARGET_HOST)).isEqualTo("db1.example");
    assertThat(s.get(ServiceSettings.TARGET_PASSWORD)).isEqualTo("secret1");
    assertThat(s.get(MySqlTargetSettings.TARGET_LOG_TO_BINLOG)).isFalse();
    assertThat(s.get(MySqlTargetSettings.TARGET_LOG_ORIGIN)).isTrue();
    assertThat(s.get(MultiMasterSettings.APPLY_SKIP_LOCAL_ORIGIN)).isTrue();
  }

  @Test
  void aStarsHubRelaysAndLogsWhatItApplies() {
    Topology t = topology(Kind.STAR, 3, "hub", "ny", "sj");
    Map<String, ServiceConfig> files = files(t, Set.of("sj"));
    assertThat(files.keySet())
        .containsExactlyInAnyOrder(
            "hub", "ny", "sj", "ny_to_hub", "sj_to_hub", "hub_to_ny", "hub_to_sj");
    assertThat(files.get("hub").get(MultiMasterSettings.SOURCE_RELAY).text()).isEqualTo("all");
    assertThat(files.get("ny").get(MultiMasterSettings.SOURCE_RELAY).text()).isEqualTo("local");
    assertThat(files.get("ny_to_hub").get(MySqlTargetSettings.TARGET_LOG_TO_BINLOG)).isTrue();
    assertThat(files.get("hub_to_ny").get(MySqlTargetSettings.TARGET_LOG_TO_BINLOG)).isFalse();
    // sj has native replicas of its own: what Ferry applies there reaches its binlog
    assertThat(files.get("hub_to_sj").get(MySqlTargetSettings.TARGET_LOG_TO_BINLOG)).isTrue();
    assertThat(files.get("hub_to_sj").text(ServiceSettings.MASTER_URI))
        .isEqualTo("thl://thl1.example:4001");
    assertThat(t.writers()).hasSize(3);
  }

  @Test
  void fanInHasOneSlavePerMasterOnTheTargetAndNoMasterThere() {
    Topology t = topology(Kind.FAN_IN, 3);
    Map<String, ServiceConfig> files = files(t, Set.of());
    assertThat(files.keySet()).containsExactlyInAnyOrder("s1", "s2", "s1_to_s3", "s2_to_s3");
    assertThat(files.get("s2_to_s3").text(ServiceSettings.MASTER_URI))
        .isEqualTo("thl://thl2.example:4002");
    assertThat(files.get("s2_to_s3").get(ServiceSettings.TARGET_HOST)).isEqualTo("db3.example");
    assertThat(t.writers().stream().map(Site::name)).containsExactly("s1", "s2");
  }

  @Test
  void fanOutHasOneMasterAndASlavePerServer() {
    Topology t = topology(Kind.FAN_OUT, 3);
    Map<String, ServiceConfig> files = files(t, Set.of());
    assertThat(files.keySet()).containsExactlyInAnyOrder("s1", "s1_to_s2", "s1_to_s3");
    assertThat(files.get("s1").get(MultiMasterSettings.SOURCE_RELAY).text()).isEqualTo("all");
    assertThat(t.writers()).hasSize(1);
  }

  @Test
  void badListsOfServersAreRefusedWithWhatToDo() {
    assertThatThrownBy(() -> topology(Kind.ALL_MASTERS, 1))
        .hasMessageContaining("at least 2 servers");
    assertThatThrownBy(() -> topology(Kind.ALL_MASTERS, 3, "a", "b"))
        .hasMessageContaining("2 names for 3 servers");
    assertThatThrownBy(() -> topology(Kind.ALL_MASTERS, 2, "fra", "FRA"))
        .hasMessageContaining("'FRA' is used twice");
    assertThatThrownBy(() -> topology(Kind.ALL_MASTERS, 2, "fra", "new-york"))
        .hasMessageContaining("'new-york' is not usable");
    List<Endpoint> same =
        List.of(new Endpoint("localhost", 3306, "u", ""), new Endpoint("127.0.0.1", 3306, "u", ""));
    assertThatThrownBy(() -> Topology.of(Kind.STAR, same, List.of("a", "b"), List.of()))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("'b' and 'a' are the same server");
  }

  @Test
  void theCommandLineRefusesBeforeReachingAServer() {
    assertThat(run("setup", "all-masters", "--servers", "mysql://u:pw@h1:1"))
        .startsWith("2:")
        .contains("at least 2 servers");
    assertThat(run("setup", "all-masters", "--servers", "mysql://u:pw@h1:1,mysql://u:pw@h1:1"))
        .startsWith("2:")
        .contains("same server");
    assertThat(
            run(
                "setup",
                "fan-in",
                "--masters",
                "mysql://u:pw@h1:1,mysql://u:pw@h2:1",
                "--target",
                "mysql://u:pw@h3:1",
                "--names",
                "a,b,a"))
        .startsWith("2:")
        .contains("'a' is used twice");
    assertThat(
            run(
                "setup",
                "star",
                "--hub",
                "mysql://u:pw@h1:1",
                "--spokes",
                "mysql://u:pw@h2:1",
                "--native-replicas",
                "s9"))
        .startsWith("2:")
        .contains("--native-replicas names 's9'");
    assertThat(
            run(
                "setup",
                "fan-out",
                "--master",
                "mysql://u:pw@h1:1",
                "--slaves",
                "mysql://u:pw@h2:1",
                "--layout",
                "cloud"))
        .startsWith("2:")
        .contains("--layout is lab or per-site");
  }

  @Test
  void anUnreachableServerIsNamedAndNothingIsWritten(@org.junit.jupiter.api.io.TempDir Path dir) {
    String out =
        run(
            "setup",
            "all-masters",
            "--servers",
            "mysql://u:pw@127.0.0.1:1,mysql://u:pw@127.0.0.1:2",
            "--config-dir",
            dir.toString());
    assertThat(out).startsWith("1:").contains("cannot reach site s1").doesNotContain("pw@");
    assertThat(dir.resolve("services")).doesNotExist();
    String check =
        run(
            "setup",
            "all-masters",
            "--servers",
            "mysql://u:pw@127.0.0.1:1,mysql://u:pw@127.0.0.1:2",
            "--check",
            "--json");
    assertThat(check).startsWith("1:").contains("\"check\" : \"unreachable\"");
  }

  @Test
  void autoIncrementSequencesCollideWhenTheyShareAValue() {
    assertThat(Preflight.collide(1, 1, 1, 1)).isTrue();
    assertThat(Preflight.collide(3, 1, 3, 2)).isFalse();
    assertThat(Preflight.collide(2, 1, 3, 2)).isTrue(); // 5 is in both
    assertThat(Preflight.collide(4, 1, 2, 2)).isFalse(); // odd vs even
    assertThat(Preflight.collide(3, 5, 3, 1)).isTrue(); // offset > increment counts as 1
  }

  @Test
  void globalGrantsAreRead() {
    Set<String> g =
        Grants.global(
            List.of(
                "GRANT SELECT, INSERT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `f`@`%`",
                "GRANT DELETE ON `shop`.* TO `f`@`%`"));
    assertThat(Grants.has(g, "REPLICATION SLAVE")).isTrue();
    assertThat(Grants.has(g, "DELETE")).isFalse();
    assertThat(Grants.has(Grants.global(List.of("GRANT ALL PRIVILEGES ON *.* TO `r`@`h`")), "X"))
        .isTrue();
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return code + ":" + out + err;
  }
}
