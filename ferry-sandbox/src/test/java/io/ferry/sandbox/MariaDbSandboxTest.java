package io.ferry.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real MariaDB servers: create, configure, stop, start, destroy, and the ways a start fails. */
class MariaDbSandboxTest {
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
  void createsRunningServersConfiguredForReplication() throws Exception {
    Sandbox sandbox = home.sandboxes.create(SandboxSpec.mariadb("repl", 2));
    assertThat(sandbox.runningCount()).isEqualTo(2);
    assertThat(sandbox.server(1).port()).isNotEqualTo(sandbox.server(2).port());

    List<Long> serverIds = new ArrayList<>();
    for (SandboxServer server : sandbox.servers()) {
      try (Connection c = server.connect(server.root(), "");
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT @@server_id, @@log_bin, @@binlog_format, @@binlog_row_image,"
                      + " @@binlog_row_metadata, @@gtid_strict_mode,"
                      + " @@innodb_flush_log_at_trx_commit, @@sync_binlog, @@bind_address,"
                      + " @@character_set_server")) {
        assertThat(rs.next()).isTrue();
        serverIds.add(rs.getLong(1));
        assertThat(rs.getLong(1)).isEqualTo(server.serverId());
        assertThat(rs.getInt(2)).isEqualTo(1);
        assertThat(rs.getString(3)).isEqualTo("ROW");
        assertThat(rs.getString(4)).isEqualTo("FULL");
        assertThat(rs.getString(5)).isEqualTo("FULL");
        assertThat(rs.getInt(6)).isEqualTo(1);
        assertThat(rs.getInt(7)).isEqualTo(1);
        assertThat(rs.getInt(8)).isEqualTo(1);
        assertThat(rs.getString(9)).isEqualTo("127.0.0.1");
        assertThat(rs.getString(10)).isEqualTo("utf8mb4");
      }
    }
    assertThat(serverIds).doesNotHaveDuplicates();
  }

  @Test
  void accountsHaveExactlyTheirGrantsAndStayOutOfTheBinlog() throws Exception {
    Sandbox sandbox = home.sandboxes.create(SandboxSpec.mariadb("grants", 1));
    SandboxServer server = sandbox.server(1);

    assertThat(grants(server, server.replicator()))
        .anySatisfy(
            g ->
                assertThat(g)
                    .contains("REPLICATION SLAVE")
                    .contains("BINLOG MONITOR")
                    .contains("BINLOG ADMIN")
                    .contains("BINLOG REPLAY")
                    .contains("READ_ONLY ADMIN")
                    .doesNotContain("ALL PRIVILEGES")
                    .doesNotContain("SUPER"));
    assertThat(grants(server, server.app()))
        .anySatisfy(g -> assertThat(g).contains("INSERT").doesNotContain("REPLICATION"));

    // The replicator may read the binlog positions; the application may not.
    try (Connection c = server.connect(server.replicator(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
      assertThat(rs.next()).isTrue();
    }
    try (Connection c = server.connect(server.app(), "");
        Statement st = c.createStatement()) {
      assertThatThrownBy(() -> st.executeQuery("SHOW BINARY LOGS"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("BINLOG MONITOR");
    }

    // A fresh sandbox's binlog holds no account statements for a replicator to copy.
    try (Connection c = server.connect(server.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW BINLOG EVENTS")) {
      while (rs.next()) {
        assertThat(rs.getString("Info")).doesNotContainIgnoringCase("USER");
      }
    }
  }

  private static List<String> grants(SandboxServer server, Account account) throws SQLException {
    List<String> result = new ArrayList<>();
    try (Connection c = server.connect(account, "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW GRANTS")) {
      while (rs.next()) {
        result.add(rs.getString(1));
      }
    }
    return result;
  }

  @Test
  void stopAndStartKeepTheData() throws Exception {
    Sandbox sandbox = home.sandboxes.create(SandboxSpec.mariadb("restart", 1));
    SandboxServer server = sandbox.server(1);
    try (Connection c = server.connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE shop");
      st.execute("CREATE TABLE shop.t (id INT PRIMARY KEY)");
      st.execute("INSERT INTO shop.t VALUES (1), (2)");
    }
    long pidBefore = server.pid().orElseThrow();

    assertThat(home.sandboxes.stop("restart")).isEqualTo(1);
    assertThat(server.isRunning()).isFalse();
    assertThat(Os.isAlive(pidBefore)).isFalse();
    assertThatThrownBy(server::connect).isInstanceOf(SQLException.class);
    assertThat(home.sandboxes.stop("restart")).isZero();

    // A starting server deletes the #sql files of its tmpdir: another server's temporary
    // tables, were the directory shared.
    java.nio.file.Path othersTemp =
        java.nio.file.Files.createTempFile(java.nio.file.Path.of("/tmp"), "#sql-ferry-probe-", "");
    try {
      home.sandboxes.start("restart");
      assertThat(othersTemp).as("another server's temporary file").exists();
    } finally {
      java.nio.file.Files.deleteIfExists(othersTemp);
    }
    assertThat(server.isRunning()).isTrue();
    try (Connection c = server.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM shop.t")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(2);
    }
  }

  @Test
  void killedServerRestartsAndRecovers() throws Exception {
    Sandbox sandbox = home.sandboxes.create(SandboxSpec.mariadb("crash", 1));
    SandboxServer server = sandbox.server(1);
    try (Connection c = server.connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE d");
      st.execute("CREATE TABLE d.t (id INT PRIMARY KEY) ENGINE=InnoDB");
      st.execute("INSERT INTO d.t VALUES (1)");
    }
    assertThat(home.sandboxes.killServer("crash", 1)).isTrue();
    assertThat(server.isRunning()).isFalse();
    home.sandboxes.startServer("crash", 1);
    try (Connection c = server.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM d.t")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void destroyStopsTheServersAndRemovesEverything() {
    Sandbox sandbox = home.sandboxes.create(SandboxSpec.mariadb("gone", 2));
    List<Long> pids = sandbox.servers().stream().map(s -> s.pid().orElseThrow()).toList();
    home.sandboxes.destroy("gone");
    assertThat(pids).allSatisfy(pid -> assertThat(Os.isAlive(pid)).isFalse());
    assertThat(Files.exists(sandbox.dir())).isFalse();
    assertThat(home.sandboxes.find("gone")).isEmpty();
    assertThatThrownBy(() -> home.sandboxes.destroy("gone"))
        .hasMessageContaining("no sandbox named 'gone'");
  }

  @Test
  void twoSandboxesRunSideBySide() throws Exception {
    Sandbox a = home.sandboxes.create(SandboxSpec.mariadb("side-a", 1));
    Sandbox b = home.sandboxes.create(SandboxSpec.mariadb("side-b", 1));
    assertThat(a.server(1).port()).isNotEqualTo(b.server(1).port());
    assertThat(a.server(1).serverId()).isNotEqualTo(b.server(1).serverId());
    assertThat(home.sandboxes.list()).extracting(Sandbox::name).contains("side-a", "side-b");
    home.sandboxes.stop("side-a");
    assertThat(b.server(1).isRunning()).isTrue();
    try (Connection c = b.server(1).connect()) {
      assertThat(c.isValid(5)).isTrue();
    }
  }

  @Test
  void takenBasePortIsRefusedPreciselyAndLeavesNothing() throws Exception {
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = squatter.getLocalPort();
      assertThatThrownBy(
              () -> home.sandboxes.create(SandboxSpec.mariadb("taken", 1).withBasePort(port)))
          .isInstanceOf(SandboxException.class)
          .hasMessageContaining("port " + port + " on 127.0.0.1 (for server 1) is already in use")
          .hasMessageContaining("--base-port");
    }
    assertThat(Files.exists(home.dir.resolve("taken"))).isFalse();
  }

  @Test
  void portTakenWhileStoppedGivesTheServersOwnError() throws Exception {
    Sandbox sandbox = home.sandboxes.create(SandboxSpec.mariadb("squat", 1));
    int port = sandbox.server(1).port();
    home.sandboxes.stop("squat");
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      assertThatThrownBy(() -> home.sandboxes.start("squat"))
          .isInstanceOfSatisfying(
              ServerStartException.class, e -> assertThat(e.portInUse()).isTrue())
          .hasMessageContaining("MariaDB server 1 of sandbox 'squat' (127.0.0.1:" + port + ")")
          .hasMessageContaining("Port " + port + " on 127.0.0.1 is in use by another process")
          .hasMessageContaining("Address already in use")
          .hasMessageContaining("Last lines of " + sandbox.server(1).logFile());
    }
    OptionalLong pid = sandbox.server(1).pid();
    assertThat(pid).isEmpty();
    home.sandboxes.start("squat");
    assertThat(sandbox.server(1).isRunning()).isTrue();
  }

  @Test
  void badOptionFailsWithTheServersErrorAndLeavesNothing() {
    assertThatThrownBy(
            () ->
                home.sandboxes.create(
                    SandboxSpec.mariadb("badopt", 1).withOptions(List.of("bogus_option=1"))))
        .isInstanceOf(ServerStartException.class)
        .hasMessageContaining("MariaDB server 1 of sandbox 'badopt'")
        .hasMessageContaining("did not start: the server exited with status")
        .hasMessageContaining("unknown variable 'bogus_option=1'");
    assertThat(Files.exists(home.dir.resolve("badopt"))).isFalse();
  }

  @Test
  void badRequestsAreRefusedBeforeAnythingStarts() {
    home.sandboxes.create(SandboxSpec.mariadb("dup", 1));
    assertThatThrownBy(() -> home.sandboxes.create(SandboxSpec.mariadb("dup", 1)))
        .hasMessageContaining("sandbox 'dup' already exists");
    assertThatThrownBy(() -> home.sandboxes.create(SandboxSpec.mariadb("no/slash", 1)))
        .hasMessageContaining("invalid sandbox name 'no/slash'");
    assertThatThrownBy(() -> home.sandboxes.create(SandboxSpec.mariadb("many", 10)))
        .hasMessageContaining("--servers must be between 1 and 9, not 10");
    assertThatThrownBy(
            () ->
                home.sandboxes.create(
                    SandboxSpec.mariadb("opt", 1).withOptions(List.of("not an option"))))
        .hasMessageContaining("invalid --option 'not an option'");
    assertThatThrownBy(() -> home.sandboxes.get("nope"))
        .hasMessageContaining("no sandbox named 'nope'")
        .hasMessageContaining("dup");
  }
}
