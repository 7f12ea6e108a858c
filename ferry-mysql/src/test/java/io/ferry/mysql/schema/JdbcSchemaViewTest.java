package io.ferry.mysql.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.filter.SchemaView.TableView;
import io.ferry.core.pipeline.Retriable;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The schema view filters ask for names and keys, on a real server: the primary key first, else the
 * first unique key whose columns are all NOT NULL (a nullable one identifies nothing), cached until
 * forgotten, and a server that went away is a retriable error.
 */
class JdbcSchemaViewTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  private static Connection connect(SandboxServer s) {
    try {
      return s.connect(s.root(), "");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void namesAndTheKeyThatIdentifiesARow() throws Exception {
    SandboxServer s = DB.server(1);
    try (Connection c = connect(s);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE v");
      // a unique key whose name sorts before PRIMARY: the primary key still comes first
      st.execute(
          "CREATE TABLE v.pk (a INT, b INT NOT NULL, c INT, PRIMARY KEY (c, a),"
              + " UNIQUE KEY `A` (b))");
      st.execute(
          "CREATE TABLE v.uk (a INT, b INT NOT NULL, c INT NOT NULL,"
              + " UNIQUE KEY a_nullable (a), UNIQUE KEY bc (b, c))");
      st.execute("CREATE TABLE v.nokey (a INT, b INT, UNIQUE KEY an (a))");
    }
    try (JdbcSchemaView view = new JdbcSchemaView("test server", () -> connect(s))) {
      assertThat(view.table("v", "pk"))
          .contains(new TableView("v", "pk", List.of("a", "b", "c"), List.of("c", "a")));
      assertThat(view.table("v", "uk").orElseThrow().key()).containsExactly("b", "c");
      assertThat(view.table("v", "nokey").orElseThrow().key()).isEmpty();
      assertThat(view.table("v", "missing")).isEqualTo(Optional.empty());

      try (Connection c = connect(s);
          Statement st = c.createStatement()) {
        st.execute("ALTER TABLE v.pk ADD COLUMN d INT");
      }
      assertThat(view.table("v", "pk").orElseThrow().columns()).containsExactly("a", "b", "c");
      view.forget("v", "pk");
      assertThat(view.table("v", "pk").orElseThrow().columns()).containsExactly("a", "b", "c", "d");
    }
    JdbcSchemaView closed = new JdbcSchemaView("test server", () -> connect(s));
    closed.close();
    assertThatThrownBy(() -> closed.table("v", "pk"))
        .isInstanceOf(Retriable.class)
        .hasMessageContaining("the view is closed");
  }

  @Test
  void aServerThatCannotBeReachedIsARetriableErrorNamingIt() {
    try (JdbcSchemaView view =
        new JdbcSchemaView(
            "target 127.0.0.1:1",
            () -> {
              throw new IllegalStateException("connection refused");
            })) {
      assertThatThrownBy(() -> view.table("v", "pk"))
          .isInstanceOf(Retriable.class)
          .satisfies(e -> assertThat(((Retriable) e).isRetriable()).isTrue())
          .hasMessageContaining("v.pk")
          .hasMessageContaining("target 127.0.0.1:1")
          .hasMessageContaining("connection refused");
    }
  }
}
