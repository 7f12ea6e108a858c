package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Json;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in headless Chromium, asserted from the rendered page: the services with their
 * real states and seqnos, the applied seqno moving after writes, a service in OFFLINE:ERROR with
 * its message, an action from the page, the login prompt a token asks for; and 50 services rendered
 * in under a second with the replicator's CPU low while the page is open. The screenshot goes to
 * {@code target/console.png}.
 */
class ConsoleTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(2);

  @TempDir Path dir;

  @BeforeEach
  void needsChromium() {
    Assumptions.assumeTrue(Browser.installed(), "chromium is not installed");
  }

  /** Each row of the services table: name, state text, state class, applied seqno. */
  private static final String ROWS =
      "[...document.querySelectorAll('#services tbody tr')].map(r => [r.dataset.service,"
          + " r.querySelector('.state').textContent, r.querySelector('.state').className,"
          + " r.querySelector('[data-field=applied]').textContent])";

  @Test
  void showsEachServiceMovingFailingAndBroughtBackOnline() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer replica = db.server(2);
    ReplicatorFixture f = new ReplicatorFixture(dir.resolve("conf"));
    f.setupMasterSlave(db, dir.resolve("data"));
    Sql.run(source, "CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY, v INT)");
    try (f;
        Browser b = new Browser(1280, 1000)) {
      f.start();
      f.ok("wait", "-service", "alpha", "-state", "ONLINE", "-limit", "60");
      f.ok("wait", "-service", "alpha_slave", "-state", "ONLINE", "-limit", "60");
      Sql.run(source, "INSERT INTO shop.t SELECT seq, seq FROM seq.seq_1_to_10");
      long applied = awaitApplied(f, replica, 10);
      b.open("http://127.0.0.1:" + f.port + "/console");
      b.await("document.querySelectorAll('#services tbody tr').length === 2", Browser.seconds(20));
      JsonNode rows = b.eval(ROWS);
      for (JsonNode r : rows) {
        JsonNode api = status(f, r.get(0).asText());
        assertThat(r.get(1).asText()).isEqualTo("ONLINE").isEqualTo(api.get("state").asText());
        assertThat(r.get(2).asText()).contains("s-online");
        // the seqno the API gives, or a later one (it may have moved between the two reads)
        assertThat(r.get(3).asLong())
            .isBetween(
                api.get("appliedLastSeqno").asLong() - 5, api.get("appliedLastSeqno").asLong());
      }
      b.await(
          "[...document.querySelectorAll('#services tbody tr')].some(r => r.dataset.service =="
              + " 'alpha_slave' && Number(r.querySelector('[data-field=applied]').textContent) >= "
              + applied
              + ")",
          Browser.seconds(10));
      // more writes: the page's applied seqno follows
      Sql.run(source, "INSERT INTO shop.t SELECT seq, seq FROM seq.seq_11_to_20");
      long later = awaitApplied(f, replica, 20);
      assertThat(later).isGreaterThan(applied);
      b.await(
          "[...document.querySelectorAll('#services tbody tr')].some(r => r.dataset.service =="
              + " 'alpha_slave' && Number(r.querySelector('[data-field=applied]').textContent) >= "
              + later
              + ")",
          Browser.seconds(10));
      // the topology: the master's node linked to the slave's, with its lag
      assertThat(b.eval("document.querySelectorAll('#topology .node').length").asInt())
          .isEqualTo(2);
      assertThat(b.eval("document.querySelector('#topology .edge-label').textContent").asText())
          .startsWith("lag ");
      // the slave fails: its table is gone on the replica
      Sql.run(replica, "DROP TABLE shop.t");
      Sql.run(source, "INSERT INTO shop.t VALUES (21, 21)");
      f.ok("wait", "-service", "alpha_slave", "-state", "OFFLINE:ERROR", "-limit", "60");
      String message = status(f, "alpha_slave").get("pendingError").get("message").asText();
      b.eval(
          "document.querySelector('#services tbody tr[data-service=alpha_slave] button').click()");
      b.await(
          "document.querySelector('[data-field=error]') !== null"
              + " && document.querySelector('#detail-h .state').textContent === 'OFFLINE:ERROR'",
          Browser.seconds(10));
      assertThat(b.eval("document.querySelector('[data-field=error]').textContent").asText())
          .contains(message);
      assertThat(
              b.eval(
                      "document.querySelector('#services tbody tr[data-service=alpha_slave]"
                          + " .state').className")
                  .asText())
          .contains("s-error");
      Path shot = Path.of("target", "console.png");
      b.screenshot(shot);
      assertThat(Files.size(shot)).isGreaterThan(10_000);
      // the link from the master stays drawn while the slave is down, and says so
      assertThat(b.eval("document.querySelector('#topology .edge-label').textContent").asText())
          .contains("not connected");
      // at 200% zoom in a narrow window nothing runs off the page sideways
      b.call(
          "Emulation.setDeviceMetricsOverride",
          java.util.Map.of("width", 640, "height", 600, "deviceScaleFactor", 2, "mobile", false));
      b.await(
          "document.documentElement.scrollWidth <= document.documentElement.clientWidth",
          Browser.seconds(5));
      b.call("Emulation.clearDeviceMetricsOverride", java.util.Map.of());
      // mended on the replica, brought online from the page (the API call the CLI makes)
      Sql.run(replica, "CREATE TABLE shop.t (id INT PRIMARY KEY, v INT)");
      b.eval("window.confirm = () => true");
      b.eval("document.querySelector('#actions button[data-verb=online]').click()");
      f.ok("wait", "-service", "alpha_slave", "-state", "ONLINE", "-limit", "60");
      b.await(
          "document.querySelector('#services tbody tr[data-service=alpha_slave] .state')"
              + ".textContent === 'ONLINE'",
          Browser.seconds(10));
      // a consistency check from the page, on the master: its run shows up
      b.eval("document.querySelector('#services tbody tr[data-service=alpha] button').click()");
      b.await(
          "document.querySelector('#detail-h').textContent.includes('alpha ')",
          Browser.seconds(10));
      b.eval("document.querySelector('#actions button[data-verb=check]').click()");
      b.await(
          "(document.querySelector('[data-field=check-job]') || {textContent: ''}).textContent"
              + ".includes('done')",
          Browser.seconds(60));
      assertThat(b.eval("document.getElementById('action-result').textContent").asText())
          .contains("Check: done for alpha");
    }
  }

  @Test
  void withATokenThePageShowsNothingButALoginPrompt() throws Exception {
    ReplicatorFixture f =
        new ReplicatorFixture(
            dir.resolve("conf"), "admin.token = s3cret-token", "services.auto-online = false");
    ServiceFiles.direct(dir.resolve("conf/services"), "hidden_svc", db.server(1), db.server(2));
    try (f;
        Browser b = new Browser(1000, 800)) {
      f.start();
      b.open("http://127.0.0.1:" + f.port + "/console");
      b.await("!document.getElementById('login').hidden", Browser.seconds(10));
      assertThat(b.eval("document.getElementById('app').hidden").asBoolean()).isTrue();
      // nothing of the services, not even hidden
      assertThat(b.eval("document.documentElement.outerHTML").asText())
          .doesNotContain("hidden_svc");
      assertThat(b.eval("document.querySelectorAll('#services tbody tr').length").asInt()).isZero();
      // a wrong token, then the right one, typed into the prompt
      login(b, "wrong");
      b.await(
          "document.getElementById('login-error').textContent.includes('not this replicator')",
          Browser.seconds(10));
      login(b, "s3cret-token");
      b.await(
          "document.querySelector('#services tbody tr[data-service=hidden_svc]') !== null",
          Browser.seconds(10));
      assertThat(b.eval("location.href").asText()).doesNotContain("s3cret");
      assertThat(b.eval("document.documentElement.outerHTML").asText()).doesNotContain("s3cret");
      // the replicator goes away: a banner says so, and what is shown stays
      f.close();
      b.await(
          "!document.getElementById('banner').hidden && document.getElementById('banner')"
              + ".textContent.includes('Cannot reach the replicator')",
          Browser.seconds(15));
      assertThat(b.eval("document.querySelectorAll('#services tbody tr').length").asInt())
          .isEqualTo(1);
    }
  }

  @Test
  void fiftyServicesRenderInUnderASecondAndCostTheReplicatorLittleCpu() throws Exception {
    ReplicatorFixture f =
        new ReplicatorFixture(dir.resolve("conf"), "services.auto-online = false");
    for (int i = 1; i <= 50; i++) {
      ServiceFiles.direct(
          dir.resolve("conf/services"), String.format("svc%02d", i), db.server(1), db.server(2));
    }
    try (f;
        Browser b = new Browser(1280, 1000)) {
      f.start();
      b.open("http://127.0.0.1:" + f.port + "/console");
      b.await("document.documentElement.dataset.renderedMs !== undefined", Browser.seconds(20));
      assertThat(b.eval("document.querySelectorAll('#services tbody tr').length").asInt())
          .isEqualTo(50);
      double rendered = b.eval("Number(document.documentElement.dataset.renderedMs)").asDouble();
      Thread.sleep(10_000); // the page polls; the replicator's code is compiled
      String before = b.eval("document.getElementById('refreshed').textContent").asText();
      double withPage = cpuShare(Duration.ofSeconds(15));
      assertThat(b.eval("document.getElementById('refreshed').textContent").asText())
          .as("the page polled while measured")
          .isNotEqualTo(before);
      b.open("about:blank");
      double without = cpuShare(Duration.ofSeconds(10));
      System.out.printf(
          "console, 50 services: first render %.0f ms after navigation; this JVM's CPU (the"
              + " replicator) %.2f%% of a core with the page open, %.2f%% without%n",
          rendered, withPage * 100, without * 100);
      assertThat(rendered).as("ms to the first full render").isLessThan(1000);
      assertThat(withPage).as("share of a core with the page open").isLessThan(0.02);
    }
  }

  @Test
  void theApiRefusesOtherWebPagesAndOtherHostNames() throws Exception {
    ReplicatorFixture f =
        new ReplicatorFixture(dir.resolve("conf"), "services.auto-online = false");
    ServiceFiles.direct(dir.resolve("conf/services"), "svc", db.server(1), db.server(2));
    try (f) {
      f.start();
      String json = "Content-Type: application/json\r\n";
      // a page of another site posting a "simple" request (no preflight) to the API
      assertThat(raw(f, "POST", "/api/v1/services/svc/online", "127.0.0.1", "")).contains(" 415 ");
      assertThat(
              raw(
                  f,
                  "POST",
                  "/api/v1/services/svc/online",
                  "127.0.0.1",
                  json + "Origin: http://evil.example\r\n"))
          .contains(" 403 ")
          .contains("another origin");
      // DNS rebinding: a foreign name for 127.0.0.1
      assertThat(raw(f, "GET", "/api/v1/console", "evil.example:" + f.port, "")).contains(" 403 ");
      assertThat(raw(f, "GET", "/api/v1/console", "localhost:" + f.port, ""))
          .contains(" 200 ")
          .contains("\"svc\"");
      // the CLI's own requests go through, and the state did not move
      assertThat(f.ok("status", "-service", "svc")).contains("OFFLINE");
    }
  }

  /** One HTTP/1.1 request as written, the whole answer as text. */
  private static String raw(
      ReplicatorFixture f, String method, String path, String host, String headers)
      throws Exception {
    try (java.net.Socket sock =
        new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), f.port)) {
      String body = method.equals("POST") ? "{}" : "";
      String req =
          method
              + " "
              + path
              + " HTTP/1.1\r\nHost: "
              + host
              + "\r\n"
              + headers
              + "Content-Length: "
              + body.length()
              + "\r\nConnection: close\r\n\r\n"
              + body;
      sock.getOutputStream().write(req.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return new String(
          sock.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static void login(Browser b, String token) throws Exception {
    b.eval(
        "document.getElementById('token').value = '"
            + token
            + "'; document.querySelector('#login button').click()");
  }

  /** This JVM's CPU time over a while, as a share of one core. */
  private static double cpuShare(Duration d) throws InterruptedException {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    Thread.sleep(d.toMillis());
    return (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - t0);
  }

  private static JsonNode status(ReplicatorFixture f, String service) throws Exception {
    return Json.mapper().readTree(f.ok("status", "-service", service, "--json"));
  }

  /** Waits for the replica to hold {@code rows} rows of shop.t; the slave's applied seqno. */
  private static long awaitApplied(ReplicatorFixture f, SandboxServer replica, int rows)
      throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      List<List<String>> r = new ArrayList<>();
      try {
        r = Sql.rows(replica, "SELECT COUNT(*) FROM shop.t");
      } catch (RuntimeException e) {
        // not created yet
      }
      if (!r.isEmpty() && Long.parseLong(r.get(0).get(0)) >= rows) {
        return status(f, "alpha_slave").get("appliedLastSeqno").asLong();
      }
      assertThat(System.nanoTime()).as("replica has " + rows + " rows").isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
