package io.ferry.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.net.MasterAddress;
import io.ferry.core.thl.FsyncPolicy;
import io.ferry.mysql.StartPosition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading and checking service configuration files: every problem, each with file and line. */
class ServiceConfigTest {
  private static final Path FILE = Path.of("/etc/ferry/alpha.conf");

  private static ServiceConfig parse(String... lines) {
    return ServiceConfig.parse(FILE, List.of(lines));
  }

  private static List<String> problems(String... lines) {
    try {
      parse(lines);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("the file was accepted");
  }

  @Test
  void aValidMasterFileWithDefaults() {
    ServiceConfig c =
        parse(
            "# the master of site A",
            "service.name = alpha",
            "service.role = master",
            "",
            "source.host = db1.example.com",
            "source.user = ferry",
            "source.password = s3cret",
            "source.start = mysql-bin.000042:1337",
            "thl.fsync = 100ms",
            "thl.dir = data/thl",
            "apply.block-commit-latency = 2s",
            "thl.serve.secret = hush");
    assertThat(c.name()).isEqualTo("alpha");
    assertThat(c.get(ServiceSettings.SOURCE_PORT)).isEqualTo(3306);
    assertThat(c.get(ServiceSettings.SOURCE_START)).isInstanceOf(StartPosition.At.class);
    assertThat(c.get(ServiceSettings.THL_FSYNC))
        .isEqualTo(FsyncPolicy.interval(Duration.ofMillis(100)));
    assertThat(c.get(ServiceSettings.BLOCK_COMMIT_LATENCY)).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.path(ServiceSettings.THL_DIR)).isEqualTo(Path.of("/etc/ferry/data/thl"));
    List<String[]> effective = c.effective();
    assertThat(effective)
        .anySatisfy(r -> assertThat(r).containsExactly("source.password", "*****", "line 7"));
    assertThat(effective)
        .anySatisfy(r -> assertThat(r).containsExactly("thl.serve.secret", "*****", "line 12"));
    assertThat(effective)
        .anySatisfy(r -> assertThat(r).containsExactly("source.port", "3306", "default"));
    assertThat(effective).noneSatisfy(r -> assertThat(r[0]).startsWith("target."));
    assertThat(String.join(" ", effective.stream().map(r -> String.join(" ", r)).toList()))
        .doesNotContain("s3cret")
        .doesNotContain("hush");
  }

  @Test
  void aSlaveFileReadsMasterAddressesInOrder() {
    ServiceConfig c =
        parse(
            "service.name = alpha_r",
            "service.role = slave",
            "master.uri = thl://10.0.0.1:2112, thl://10.0.0.2:2113",
            "target.host = 127.0.0.1",
            "target.user = ferry");
    assertThat(c.get(ServiceSettings.MASTER_URI))
        .containsExactly(new MasterAddress("10.0.0.1", 2112), new MasterAddress("10.0.0.2", 2113));
  }

  @Test
  void aMasterAddressWithoutAPortIsAnErrorThatSaysWhatToWrite() {
    List<String> p =
        problems(
            "service.name = alpha_r",
            "service.role = slave",
            "master.uri = thl://10.0.0.2",
            "master.max-frame-bytes = 1k",
            "target.host = 127.0.0.1",
            "target.user = ferry");
    assertThat(String.join("\n", p))
        .contains("alpha.conf:3: master.uri")
        .contains("has no port: write thl://10.0.0.2:PORT")
        .contains("alpha.conf:4: master.max-frame-bytes")
        .contains("from 64k to 1g");
  }

  @Test
  void everyProblemOfAFileIsReportedAtOnceWithItsLine() {
    List<String> p =
        problems(
            "service.name = alpha-1",
            "service.role = master",
            "source.hots = db1",
            "source.port = 99999",
            "source.user = ferry",
            "source.heartbeat = 5 minutes",
            "source.require-row-format = maybe",
            "source.fragment-bytes = 1x",
            "source.start = 16/B374D848",
            "source.on-unparsed-ddl = ignore",
            "this line has no equals sign",
            "source.user = again",
            "thl.fsync = sometimes",
            "master.uri = http://x");
    assertThat(p)
        .contains(
            "/etc/ferry/alpha.conf:1: service.name: 'alpha-1' is not a name: use 1 to 56 letters,"
                + " digits or underscores (expected a name (letters, digits, underscores))",
            "/etc/ferry/alpha.conf:3: source.hots: unknown key (did you mean source.host?)",
            "/etc/ferry/alpha.conf:4: source.port: 99999 is out of range 1 to 65535 (expected a"
                + " whole number from 1 to 65535)",
            "/etc/ferry/alpha.conf:11: expected key = value, found 'this line has no equals sign'",
            "/etc/ferry/alpha.conf:12: source.user is set again (first set on line 5)");
    assertThat(String.join("\n", p))
        .contains(":6: source.heartbeat: '5 minutes' is not a duration")
        .contains(":7: source.require-row-format: 'maybe' is not true or false")
        .contains(":8: source.fragment-bytes: '1x' is not a size")
        .contains(":9: source.start: start position '16/B374D848' is a pg-lsn")
        .contains(":10: source.on-unparsed-ddl: 'ignore' is not one of stop, continue")
        .contains(":13: thl.fsync: invalid fsync policy 'sometimes'")
        .contains(":14: master.uri: master address 'http://x' must be thl://host:port")
        .contains("source.host is required for a master service");
    assertThat(p).hasSize(13);
  }

  @Test
  void requiredKeysDependOnTheRole() {
    assertThat(problems("service.name = a"))
        .containsExactly(
            "/etc/ferry/alpha.conf: service.role is required (master: binlog to THL, served to"
                + " replicas. slave: a master's THL to a local THL to the target. direct: binlog"
                + " straight to the target (migrations, rescuing a dead master's binlog). dummy:"
                + " reads the binlog and only counts.)");
    assertThat(problems("service.name = a", "service.role = slave"))
        .hasSize(3)
        .anySatisfy(l -> assertThat(l).contains("master.uri is required for a slave service"))
        .anySatisfy(l -> assertThat(l).contains("target.host is required for target.type = mysql"))
        .anySatisfy(l -> assertThat(l).contains("target.user is required for target.type = mysql"));
    assertThat(problems("service.name = a", "service.role = replicant"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains(
                        "service.role: 'replicant' is not one of master, slave, direct, dummy"));
  }

  @Test
  void theTargetTypeChoosesWhichTargetKeysMeanSomething() {
    String[] slave = {
      "service.name = a",
      "service.role = slave",
      "master.uri = thl://127.0.0.1:2112",
      "target.host = 127.0.0.1",
      "target.user = ferry",
    };
    assertThat(problems(concat(slave, "target.type = oracle")))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("alpha.conf:6: target.type: unknown target type 'oracle'; registered: ")
        .contains("mysql");
    // target.ddl is for the types that are not MariaDB/MySQL (none of which this module has)
    assertThat(problems(concat(slave, "target.ddl = stop")))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("alpha.conf:6: target.ddl: does not apply to target.type = mysql");
    ServiceConfig ok = parse(concat(slave, "target.type = mysql", "apply.triggers = fire"));
    assertThat(ok.targetType().name()).isEqualTo("mysql");
    assertThat(ok.effective()).noneMatch(r -> r[0].equals("target.ddl"));
    assertThat(ok.effective()).anyMatch(r -> r[0].equals("apply.triggers") && r[1].equals("fire"));
  }

  @Test
  void aFileThatCannotBeReadSaysSo() {
    assertThatThrownBy(() -> ServiceConfig.load(Path.of("/nonexistent/x.conf")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("/nonexistent/x.conf: no such file");
  }

  @Test
  void conflictSettingsAreCheckedWithTheServiceFile() {
    String[] slave = {
      "service.name = b_to_a",
      "service.role = slave",
      "master.uri = thl://127.0.0.1:2112",
      "target.host = 127.0.0.1",
      "target.user = ferry",
    };
    List<String> bad =
        problems(
            concat(
                slave,
                "apply.conflicts = timestamp",
                "apply.conflicts.tables = shop.orders = version(v) whoever"));
    assertThat(bad)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("/etc/ferry/alpha.conf:6: apply.conflicts: ")
                    .contains("timestamp needs its column"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("/etc/ferry/alpha.conf:7: apply.conflicts.tables: ")
                    .contains("'whoever' is not a resolution"));
    assertThat(problems(concat(slave, "apply.conflicts = key priority")))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("priority needs apply.conflicts.priority", "apply.conflicts.site"));
    assertThat(
            problems(
                concat(
                    slave,
                    "apply.conflicts = key priority",
                    "apply.conflicts.priority = fra, nyc",
                    "apply.conflicts.site = sjc")))
        .anySatisfy(l -> assertThat(l).contains("does not name this site (sjc"));
    assertThat(problems(concat(slave, "apply.conflicts = version(v) newer")))
        .anySatisfy(l -> assertThat(l).contains("newer needs apply.conflicts.site"));
    ServiceConfig ok =
        parse(
            concat(
                slave,
                "apply.conflicts = before-image",
                "apply.conflicts.resolve = priority",
                "apply.conflicts.priority = fra, nyc",
                "apply.conflicts.site = nyc",
                "apply.conflicts.tables = shop.orders = timestamp(ts) newer"));
    assertThat(io.ferry.mysql.target.ConflictConfig.policy(ok).ruleFor("shop", "orders").toString())
        .isEqualTo("timestamp(ts) newer");
    assertThat(io.ferry.mysql.target.ConflictConfig.policy(ok).ruleFor("shop", "items").toString())
        .isEqualTo("before-image priority");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
