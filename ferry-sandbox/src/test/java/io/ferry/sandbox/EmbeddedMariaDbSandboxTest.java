package io.ferry.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MariaDB 11.4 from the Maven artifact, for a version matrix. */
class EmbeddedMariaDbSandboxTest {
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
  void runsMariaDb114FromTheEmbeddedBinaries() throws Exception {
    Sandbox sandbox =
        home.sandboxes.create(SandboxSpec.mariadb("emb", 1).withBinaries(BinarySource.EMBEDDED));
    assertThat(sandbox.descriptor().serverVersion()).startsWith("11.4.");
    SandboxServer server = sandbox.server(1);
    try (Connection c = server.connect(server.replicator(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT VERSION(), @@binlog_row_metadata, @@log_bin")) {
      rs.next();
      assertThat(rs.getString(1)).startsWith("11.4.");
      assertThat(rs.getString(2)).isEqualTo("FULL");
      assertThat(rs.getInt(3)).isEqualTo(1);
    }
    home.sandboxes.stop("emb");
    home.sandboxes.start("emb");
    assertThat(server.isRunning()).isTrue();
  }
}
