package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sandbox commands end to end, on real servers, in a home of their own. */
class SandboxCliTest {
  private static Path home;

  @BeforeAll
  static void setUp() throws IOException {
    home = Files.createTempDirectory(Path.of("/tmp"), "ferry-cli-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterAll
  static void tearDown() {
    CliRunner.run("sandbox", "destroy", "--all", "--home", home.toString());
    CliRunner.run("sandbox", "list", "--home", home.toString());
    home.toFile().delete();
  }

  private static CliRunner.Result sandbox(String... args) {
    String[] full = new String[args.length + 3];
    full[0] = "sandbox";
    System.arraycopy(args, 0, full, 1, args.length);
    full[args.length + 1] = "--home";
    full[args.length + 2] = home.toString();
    return CliRunner.run(full);
  }

  @Test
  void lifecycleThroughTheCli() throws Exception {
    CliRunner.Result created = sandbox("create", "--name", "cli", "--servers", "2");
    assertThat(created.code()).as(created.err()).isZero();
    assertThat(created.out()).contains("Sandbox 'cli': 2 MariaDB").contains("2 running");

    assertThat(sandbox("list").out()).containsPattern("cli\\s+mariadb\\s+\\S+\\s+2\\s+2\\s+");

    Map<String, String> env = exports(sandbox("env", "cli").out());
    assertThat(env).containsKeys("S1_PORT", "S2_PORT", "S1_JDBC_URL", "S2_REPL_PASSWORD");
    Map<String, String> one = exports(sandbox("env", "cli", "--server", "2").out());
    assertThat(one.get("DB_PORT")).isEqualTo(env.get("S2_PORT"));
    assertThat(one.get("MYSQL_PWD")).isEqualTo(env.get("S2_APP_PASSWORD"));

    JsonNode doc = Json.mapper().readTree(sandbox("show", "cli", "--json").out());
    assertThat(doc.get("servers")).hasSize(2);
    assertThat(doc.get("servers").get(0).get("running").asBoolean()).isTrue();
    assertThat(doc.toString()).doesNotContain(env.get("S1_ROOT_PASSWORD"));

    CliRunner.Result sql = sandbox("sql", "cli", "--server", "2", "-e", "SELECT 40 + 2 AS answer");
    assertThat(sql.code()).as(sql.err()).isZero();
    assertThat(sql.out()).contains("42");

    CliRunner.Result stopped = sandbox("stop", "cli");
    assertThat(stopped.out()).contains("Stopped 2 servers of sandbox 'cli'");
    assertThat(sandbox("list").out()).containsPattern("cli\\s+mariadb\\s+\\S+\\s+2\\s+0\\s+");
    CliRunner.Result notRunning = sandbox("sql", "cli", "-e", "SELECT 1");
    assertThat(notRunning.code()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(notRunning.err()).contains("is not running; start it with: ferry sandbox start cli");

    assertThat(sandbox("start", "cli", "--server", "1").out()).contains("1 running");
    assertThat(sandbox("start", "cli").out()).contains("2 running");

    assertThat(sandbox("destroy", "cli").out()).contains("Destroyed sandbox 'cli'");
    assertThat(Files.exists(home.resolve("cli"))).isFalse();
  }

  @Test
  void failuresAreOneClearMessageWithExitStatus1() {
    CliRunner.Result missing = sandbox("show", "nosuch");
    assertThat(missing.code()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(missing.err()).startsWith("ferry: no sandbox named 'nosuch' in " + home);

    CliRunner.Result flavor = sandbox("create", "--name", "x", "--flavor", "oracle");
    assertThat(flavor.code()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(flavor.err())
        .isEqualTo("ferry: unknown flavor 'oracle': expected one of mariadb, postgresql\n");

    CliRunner.Result nothing = sandbox("destroy");
    assertThat(nothing.err()).contains("name the sandboxes to destroy, or give --all");
  }

  @Test
  void postgresqlThroughTheCli() {
    CliRunner.Result created =
        sandbox("create", "--name", "pgcli", "--servers", "1", "--flavor", "postgresql");
    assertThat(created.code()).as(created.err()).isZero();
    Map<String, String> env = exports(sandbox("env", "pgcli", "--server", "1").out());
    assertThat(env).containsKeys("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE");
    CliRunner.Result sql =
        sandbox("sql", "pgcli", "--account", "app", "-e", "SELECT current_setting('wal_level')");
    assertThat(sql.code()).as(sql.err()).isZero();
    assertThat(sql.out()).contains("logical");
    sandbox("destroy", "pgcli");
  }

  private static Map<String, String> exports(String text) {
    Map<String, String> result = new HashMap<>();
    Matcher m = Pattern.compile("(?m)^export (\\w+)='([^']*)'$").matcher(text);
    while (m.find()) {
      result.put(m.group(1), m.group(2));
    }
    return result;
  }

  @Test
  void aBadRequestExitsWithTheUsageStatus() {
    CliRunner.Result bad = sandbox("create", "--name", "no spaces");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("invalid sandbox name 'no spaces'");
    CliRunner.Result many = sandbox("create", "--name", "ok", "--servers", "0");
    assertThat(many.code()).isEqualTo(2);
    assertThat(many.err()).contains("--servers must be between 1 and");
  }
}
