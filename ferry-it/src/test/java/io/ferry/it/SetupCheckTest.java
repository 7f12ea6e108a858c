package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.sandbox.SandboxServer;
import io.ferry.server.config.MultiMasterSettings;
import io.ferry.server.config.ServiceConfig;
import io.ferry.server.config.ServiceSettings;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry setup all-masters --check} on three real servers: each thing that would hurt a
 * multi-master deployment, made on purpose, is reported with its fix; a topology that setup itself
 * prepared reports nothing blocking, and its services all go ONLINE.
 */
class SetupCheckTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(3);

  @TempDir Path dir;

  private static void sql(SandboxServer s, String... statements) throws SQLException {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement()) {
      for (String q : statements) {
        st.execute(q);
      }
    }
  }

  private static String global(SandboxServer s, String variable) throws SQLException {
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT @@GLOBAL." + variable)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private String sb(int i) {
    return db.sandbox().name() + ":" + i;
  }

  private static List<JsonNode> findings(JsonNode report, String check) {
    List<JsonNode> list = new ArrayList<>();
    report
        .get("findings")
        .forEach(
            f -> {
              if (f.get("check").asText().equals(check)) {
                list.add(f);
              }
            });
    return list;
  }

  @Test
  void everyHazardIsReportedWithItsFix() throws Exception {
    SandboxServer s1 = db.server(1);
    SandboxServer s2 = db.server(2);
    SandboxServer s3 = db.server(3);
    for (SandboxServer s : List.of(s1, s2, s3)) {
      sql(
          s,
          "SET sql_log_bin = 0",
          "CREATE DATABASE shop",
          "CREATE TABLE shop.orders (id INT PRIMARY KEY, total "
              + (s.equals(s3) ? "BIGINT" : "INT")
              + ")",
          "CREATE TABLE shop.notes (txt VARCHAR(50))");
    }
    sql(
        s2,
        "SET sql_log_bin = 0",
        "CREATE TRIGGER shop.orders_audit AFTER INSERT ON shop.orders FOR EACH ROW SET @n = 1",
        "SET GLOBAL binlog_format = 'STATEMENT'");
    sql(
        s3,
        "SET sql_log_bin = 0",
        "CREATE TRIGGER shop.orders_count AFTER INSERT ON shop.orders FOR EACH ROW"
            + " IF @ferry_service IS NULL THEN SET @n = 1; END IF",
        // an account that may read the binlog and write rows, but not keep rows out of the binlog
        "CREATE USER weak@'127.0.0.1' IDENTIFIED BY 'weak-pw'",
        "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, REPLICATION SLAVE, BINLOG MONITOR ON *.*"
            + " TO weak@'127.0.0.1'");
    // s1 and s3 hand out the same ids (1, 4, 7, ...); s2 does not (2, 5, 8, ...)
    sql(s1, "SET GLOBAL auto_increment_increment = 3, auto_increment_offset = 1");
    sql(s2, "SET GLOBAL auto_increment_increment = 3, auto_increment_offset = 2");
    sql(s3, "SET GLOBAL auto_increment_increment = 3, auto_increment_offset = 1");
    sql(s1, "SET GLOBAL gtid_domain_id = 7");
    sql(s2, "SET GLOBAL gtid_domain_id = 7");
    sql(s3, "SET GLOBAL gtid_domain_id = 3");

    ReplicatorFixture.Result r =
        ReplicatorFixture.raw(
            "setup",
            "all-masters",
            "--servers",
            sb(1) + "," + sb(2) + ",mysql://weak:weak-pw@127.0.0.1:" + s3.port(),
            "--sandbox-home",
            db.sandboxes().home().toString(),
            "--config-dir",
            dir.toString(),
            "--check",
            "--json");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    JsonNode report = new ObjectMapper().readTree(r.out());
    assertThat(report.get("blocking").asLong()).isPositive();

    List<JsonNode> noKey = findings(report, "no-primary-key");
    assertThat(noKey).extracting(f -> f.get("site").asText()).containsExactly("s1", "s2", "s3");
    assertThat(noKey.get(0).get("problem").asText()).contains("schema shop").contains("notes");
    assertThat(noKey.get(0).get("fix").asText())
        .contains("ALTER TABLE `shop`.`notes` ADD PRIMARY KEY");

    List<JsonNode> format = findings(report, "binlog-format");
    assertThat(format).hasSize(1);
    assertThat(format.get(0).get("site").asText()).isEqualTo("s2");
    assertThat(format.get(0).get("problem").asText()).contains("STATEMENT");
    assertThat(format.get(0).get("fix").asText()).contains("SET GLOBAL binlog_format = 'ROW'");

    List<JsonNode> triggers = findings(report, "trigger");
    assertThat(triggers).hasSize(2);
    assertThat(triggers.get(0).get("site").asText()).isEqualTo("s2");
    assertThat(triggers.get(0).get("problem").asText()).contains("shop.orders_audit");
    assertThat(triggers.get(0).get("fix").asText()).contains("IF @ferry_service IS NULL");
    // s3's trigger is guarded, but the weak account cannot read a trigger's body
    assertThat(triggers.get(1).get("site").asText()).isEqualTo("s3");
    assertThat(triggers.get(1).get("problem").asText()).contains("cannot read its body");
    assertThat(triggers.get(1).get("fix").asText()).contains("GRANT TRIGGER ON *.*");

    List<JsonNode> ai = findings(report, "auto-increment");
    assertThat(ai).hasSize(1);
    assertThat(ai.get(0).get("problem").asText()).contains("s1/s3").doesNotContain("s1/s2");
    assertThat(ai.get(0).get("fix").asText())
        .contains("s3: SET GLOBAL auto_increment_increment = 3, auto_increment_offset = 3");

    List<JsonNode> domains = findings(report, "gtid-domain");
    assertThat(domains).hasSize(1);
    assertThat(domains.get(0).get("problem").asText()).contains("s1, s2 share gtid_domain_id 7");

    List<JsonNode> defs = findings(report, "table-definition");
    assertThat(defs).hasSize(1);
    assertThat(defs.get(0).get("problem").asText())
        .contains("shop.orders")
        .contains("column total")
        .contains("s3 bigint");

    List<JsonNode> privileges = findings(report, "privileges");
    assertThat(privileges).hasSize(1);
    assertThat(privileges.get(0).get("site").asText()).isEqualTo("s3");
    assertThat(privileges.get(0).get("problem").asText()).contains("sql_log_bin");
    assertThat(privileges.get(0).get("fix").asText()).contains("GRANT BINLOG ADMIN ON *.*");

    assertThat(findings(report, "server-id")).isEmpty();
    assertThat(findings(report, "binlog-row-image")).isEmpty();
    // --check writes nothing, and changes nothing on the servers
    assertThat(dir.resolve("services")).doesNotExist();
    assertThat(global(s2, "binlog_format")).isEqualTo("STATEMENT");
    assertThat(global(s3, "auto_increment_offset")).isEqualTo("1");
  }

  @Test
  void aTopologySetupPreparedReportsNothingBlockingAndGoesOnline() throws Exception {
    for (int i = 1; i <= 3; i++) {
      sql(
          db.server(i),
          "SET sql_log_bin = 0",
          "CREATE DATABASE shop",
          "CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, total INT)",
          "CREATE TRIGGER shop.orders_count AFTER INSERT ON shop.orders FOR EACH ROW"
              + " IF @ferry_service IS NULL THEN SET @n = 1; END IF");
    }
    try (ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf"))) {
      String servers = sb(1) + "," + sb(2) + "," + sb(3);
      String home = db.sandboxes().home().toString();
      String out =
          f.ok(
              "setup",
              "all-masters",
              "--servers",
              servers,
              "--names",
              "fra,nyc,sjc",
              "--sandbox-home",
              home,
              "--data-dir",
              dir.resolve("data").toString());
      assertThat(out).contains("auto_increment_increment = 3").contains("wrote");
      // the servers now hand out ids apart, in their own GTID domains, now and after a restart
      for (int i = 1; i <= 3; i++) {
        SandboxServer s = db.server(i);
        assertThat(global(s, "auto_increment_increment")).isEqualTo("3");
        assertThat(global(s, "auto_increment_offset")).isEqualTo(String.valueOf(i));
        assertThat(global(s, "gtid_domain_id")).isEqualTo(String.valueOf(i));
        assertThat(Files.readAllLines(s.configFile()))
            .contains("auto_increment_offset=" + i, "gtid_domain_id=" + i);
      }
      java.util.Map<String, ServiceConfig> configs = new java.util.TreeMap<>();
      try (Stream<Path> files = Files.list(f.dir.resolve("services"))) {
        files.map(ServiceConfig::load).forEach(c -> configs.put(c.name(), c));
      }
      List<String> services = List.copyOf(configs.keySet());
      for (ServiceConfig c : configs.values()) {
        if (c.role().equals("slave")) {
          // each slave reads the THL its origin's master serves
          ServiceConfig origin = configs.get(c.name().substring(0, c.name().indexOf("_to_")));
          assertThat(c.text(ServiceSettings.MASTER_URI))
              .isEqualTo("thl://127.0.0.1:" + origin.get(ServiceSettings.SERVE_PORT));
          assertThat(c.get(io.ferry.mysql.target.MySqlTargetSettings.TARGET_LOG_TO_BINLOG))
              .isFalse();
        } else {
          assertThat(c.get(MultiMasterSettings.SOURCE_RELAY).text()).isEqualTo("local");
        }
      }
      assertThat(services)
          .containsExactly(
              "fra",
              "fra_to_nyc",
              "fra_to_sjc",
              "nyc",
              "nyc_to_fra",
              "nyc_to_sjc",
              "sjc",
              "sjc_to_fra",
              "sjc_to_nyc");

      ReplicatorFixture.Result check =
          ReplicatorFixture.raw(
              "setup", "all-masters", "--servers", servers, "--sandbox-home", home, "--check");
      assertThat(check.code()).as(check.out() + check.err()).isZero();
      assertThat(check.out()).doesNotContain("BLOCKING");

      f.start();
      for (String s : services) {
        f.ok("wait", "-service", s, "-state", "ONLINE", "-limit", "60");
      }
    }
  }
}
