package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Replicator;
import io.ferry.server.admin.AdminServer;
import io.ferry.server.config.ConfigException;
import io.ferry.testkit.SandboxExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicator as the process a DBA runs: started and stopped with {@code ferry replicator}, its
 * admin API refusing requests without the token on a non-local address, its metrics, and no
 * password or token anywhere in its log or in what the commands print.
 */
class ReplicatorProcessTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  @TempDir Path dir;

  private static final String TOKEN = "Tok3n-Never-Printed-42";
  private static final String WRONG_PASSWORD = "Wr0ng-Pa55word-Never-Printed";

  @Test
  void aNonLocalAdminAddressNeedsAToken() throws Exception {
    Path conf = dir.resolve("open");
    Files.createDirectories(conf);
    Files.write(
        conf.resolve("replicator.conf"),
        List.of("admin.bind = 0.0.0.0", "admin.port = " + freePort()));
    Replicator r = new Replicator(conf, Clock.systemUTC());
    assertThatThrownBy(() -> new AdminServer(r, () -> {}).start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "admin.token is required when admin.bind (0.0.0.0) is not a loopback address");
  }

  @Test
  void startStatusStopWithATokenAndNoSecretInAnyOutput() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    ReplicatorFixture f =
        new ReplicatorFixture(
            dir.resolve("conf"), "admin.bind = 0.0.0.0", "admin.token = " + TOKEN);
    f.setupMasterSlave(db, dir.resolve("data"));
    // a third service whose target password is wrong: its error must not show the password
    Files.write(
        dir.resolve("conf/services/broken.conf"),
        List.of(
            "service.name = broken",
            "service.role = direct",
            "service.dir = " + dir.resolve("data/broken"),
            "source.host = 127.0.0.1",
            "source.port = " + source.port(),
            "source.user = " + source.replicator().user(),
            "source.password = " + source.replicator().password(),
            "target.host = 127.0.0.1",
            "target.port = " + replica.port(),
            "target.user = " + replica.replicator().user(),
            "target.password = " + WRONG_PASSWORD));
    List<String> printed = new ArrayList<>();
    try {
      printed.add(f.ok("replicator", "start"));
      String base = "http://127.0.0.1:" + f.port;
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> anonymous =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/services")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.body())
          .contains("requires an admin token and none was given")
          .contains("--token TOKEN or $FERRY_ADMIN_TOKEN");
      HttpResponse<String> wrong =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics"))
                  .header("Authorization", "Bearer nope")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("the admin token given is not this replicator's");
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("ferry_service_state{service=\"alpha\",state=\"ONLINE\"} 1")
          .contains("ferry_stage_commits_total{service=\"alpha_slave\",stage=\"thl-to-target\"}");
      ReplicatorFixture.Result badToken = f.ferry("services", "--token", "nope");
      assertThat(badToken.code()).isEqualTo(1);
      assertThat(badToken.err())
          .contains("the admin token given is not this replicator's")
          .contains("admin.token");

      try (var c = source.connect(source.root(), "");
          var st = c.createStatement()) {
        st.execute("CREATE DATABASE demo");
        st.execute("CREATE TABLE demo.t (id INT PRIMARY KEY)");
        st.execute("INSERT INTO demo.t VALUES (1)");
      }
      printed.add(f.ok("wait", "-service", "alpha_slave", "-applied", "2", "-limit", "30"));
      printed.add(f.ok("wait", "-service", "broken", "-state", "OFFLINE:ERROR", "-limit", "60"));
      // waiting for another state on a failed service ends at once, with the error
      long before = System.nanoTime();
      ReplicatorFixture.Result waitOnline =
          f.ferry("wait", "-service", "broken", "-state", "ONLINE", "-limit", "60");
      assertThat(waitOnline.code()).isEqualTo(1);
      assertThat(waitOnline.out())
          .contains("failed before reaching ONLINE")
          .contains("access denied");
      assertThat(System.nanoTime() - before).isLessThan(30_000_000_000L);
      printed.add(waitOnline.out() + waitOnline.err());
      ReplicatorFixture.Result status = f.ferry("status", "-service", "broken");
      printed.add(status.out() + status.err());
      assertThat(status.out())
          .contains("access denied for user '" + replica.replicator().user() + "'");
      printed.add(f.ok("status", "-service", "broken", "--json"));
      printed.add(f.ok("status", "-service", "alpha", "--json"));
      printed.add(f.ok("services"));
      printed.add(f.ok("replicator", "status"));
      printed.add(
          ReplicatorFixture.raw(
                  "config", "show", dir.resolve("conf/services/alpha.conf").toString())
              .out());
      ReplicatorFixture.Result conf =
          ReplicatorFixture.raw(
              "config", "show", dir.resolve("conf/services/broken.conf").toString());
      assertThat(conf.out()).contains("target.password").contains("*****");
      printed.add(conf.out());
    } finally {
      printed.add(f.ferry("replicator", "stop").out());
    }
    String log = Files.readString(dir.resolve("conf/logs/replicator.log"));
    assertThat(log).contains("service alpha: OFFLINE:NORMAL -> GOING-ONLINE:SYNCHRONIZING");
    assertThat(log).contains("[alpha_slave thl-to-target ");
    List<String> secrets =
        List.of(
            TOKEN,
            WRONG_PASSWORD,
            source.replicator().password(),
            replica.replicator().password(),
            source.root().password());
    for (String secret : secrets) {
      assertThat(log).as("the replicator log").doesNotContain(secret);
      for (String out : printed) {
        assertThat(out).as("command output").doesNotContain(secret);
      }
    }
    assertThat(String.join("\n", printed)).contains("replicator stopped");
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
