package io.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.sandbox.Sandbox;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A static extension shares servers across a class; an instance one gives each test fresh ones. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxExtensionTest {
  @RegisterExtension static final SandboxExtension SHARED = SandboxExtension.mariadb(1);

  @RegisterExtension final SandboxExtension fresh = SandboxExtension.postgresql(1);

  private static final Set<String> SHARED_NAMES = new HashSet<>();
  private static final Set<String> FRESH_NAMES = new HashSet<>();
  private static Sandbox lastFresh;

  @Test
  @Order(1)
  void firstTestWritesToTheSharedServer() throws Exception {
    record(SHARED.sandbox(), fresh.sandbox());
    try (Connection c = SHARED.server(1).connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE shared");
      st.execute("CREATE TABLE shared.t (id INT PRIMARY KEY)");
      st.execute("INSERT INTO shared.t VALUES (1)");
    }
    try (Connection c = fresh.server(1).connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE only_here (id int)");
    }
  }

  @Test
  @Order(2)
  void secondTestSeesTheSharedDataButAFreshServer() throws Exception {
    record(SHARED.sandbox(), fresh.sandbox());
    try (Connection c = SHARED.server(1).connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM shared.t")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
    try (Connection c = fresh.server(1).connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('only_here') IS NULL")) {
      rs.next();
      assertThat(rs.getBoolean(1)).isTrue();
    }
  }

  private static void record(Sandbox shared, Sandbox freshOne) {
    SHARED_NAMES.add(shared.name());
    FRESH_NAMES.add(freshOne.name());
    if (lastFresh != null) {
      assertThat(lastFresh.dir()).doesNotExist();
    }
    lastFresh = freshOne;
  }

  @AfterAll
  static void oneSharedSandboxTwoFreshOnes() {
    assertThat(SHARED_NAMES).hasSize(1);
    assertThat(FRESH_NAMES).hasSize(2);
    assertThat(lastFresh.dir()).doesNotExist();
  }
}
