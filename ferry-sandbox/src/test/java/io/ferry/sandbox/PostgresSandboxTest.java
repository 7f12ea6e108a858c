package io.ferry.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real PostgreSQL servers, run as the postgres user when the tests run as root. */
class PostgresSandboxTest {
  private static TempHome home;

  @BeforeAll
  static void setUp() throws Exception {
    home = new TempHome();
  }

  @AfterAll
  static void tearDown() {
    home.close();
  }

  @Test
  void createsServersReadyForLogicalDecoding() throws Exception {
    Sandbox sandbox = home.sandboxes.create(SandboxSpec.postgresql("pg", 2));
    assertThat(sandbox.runningCount()).isEqualTo(2);
    for (SandboxServer server : sandbox.servers()) {
      try (Connection c = server.connect();
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
        st.execute("INSERT INTO t VALUES (1, 'x')");
        try (ResultSet rs = st.executeQuery("SHOW wal_level")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("logical");
        }
        try (ResultSet rs = st.executeQuery("SHOW fsync")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("on");
        }
      }
      try (Connection c = server.connect(server.replicator(), "app");
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery("SELECT rolreplication FROM pg_roles WHERE rolname = current_user")) {
        rs.next();
        assertThat(rs.getBoolean(1)).isTrue();
      }
    }
  }

  @Test
  void stopStartAndDestroy() throws Exception {
    Sandbox sandbox = home.sandboxes.create(SandboxSpec.postgresql("pgcycle", 1));
    SandboxServer server = sandbox.server(1);
    try (Connection c = server.connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE kept (id int)");
    }
    long pid = server.pid().orElseThrow();
    assertThat(home.sandboxes.stop("pgcycle")).isEqualTo(1);
    assertThat(Os.isAlive(pid)).isFalse();
    home.sandboxes.start("pgcycle");
    try (Connection c = server.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM kept")) {
      assertThat(rs.next()).isTrue();
    }
    home.sandboxes.destroy("pgcycle");
    assertThat(Files.exists(sandbox.dir())).isFalse();
  }

  @Test
  void badSettingFailsWithTheServersOwnError() {
    assertThatThrownBy(
            () ->
                home.sandboxes.create(
                    SandboxSpec.postgresql("pgbad", 1).withOptions(List.of("no_such_setting = 1"))))
        .isInstanceOf(ServerStartException.class)
        .hasMessageContaining("PostgreSQL server 1 of sandbox 'pgbad'")
        .hasMessageContaining("no_such_setting");
    assertThat(Files.exists(home.dir.resolve("pgbad"))).isFalse();
  }

  @Test
  void embeddedBinariesAreOnlyForMariaDb() {
    assertThatThrownBy(
            () ->
                home.sandboxes.create(
                    SandboxSpec.postgresql("pgemb", 1).withBinaries(BinarySource.EMBEDDED)))
        .hasMessageContaining("only available for MariaDB");
  }
}
