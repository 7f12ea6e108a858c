package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.sandbox.Certificates;
import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.testkit.SandboxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication over TLS with verify-full against sandbox servers that have certificates of their own
 * CA, the replicator account required to use TLS on both; a CA that did not sign the server's
 * certificate is refused with an error that says so, not retried for ever.
 */
class TlsReplicationTest {
  private static final Path CERTS;
  private static final Certificates SERVER_CA;
  private static final Certificates OTHER_CA;

  static {
    try {
      CERTS = Files.createTempDirectory("ferry-tls-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SERVER_CA = Certificates.create(CERTS.resolve("ca"));
    OTHER_CA = Certificates.create(CERTS.resolve("other"));
  }

  @RegisterExtension
  final SandboxExtension db =
      SandboxExtension.mariadb(2).options(SERVER_CA.mariadbOptions().toArray(String[]::new));

  @TempDir Path dir;

  private Path direct(
      String name, SandboxServer source, SandboxServer target, Path sourceCa, Path targetCa)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("service.name = " + name);
    lines.add("service.role = direct");
    lines.add("service.dir = " + dir.resolve(name));
    lines.addAll(ServiceFiles.source(source));
    lines.add("source.start = beginning");
    lines.add("source.tls = verify-full");
    lines.add("source.tls.ca = " + sourceCa);
    lines.addAll(ServiceFiles.target(target));
    lines.add("target.tls = verify-full");
    lines.add("target.tls.ca = " + targetCa);
    lines.add("apply.block-commit-latency = 50ms");
    Path file = dir.resolve(name + ".conf");
    Files.write(file, lines);
    return file;
  }

  /** The replicator account may connect only over TLS. */
  private static void requireTls(SandboxServer s) throws Exception {
    for (String host : List.of("localhost", "127.0.0.1")) {
      Sql.run(
          s,
          "SET SESSION sql_log_bin = 0",
          "ALTER USER '" + s.replicator().user() + "'@'" + host + "' REQUIRE SSL");
    }
  }

  @Test
  void replicationRunsOverVerifiedTls() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    requireTls(source);
    requireTls(target);
    Sql.run(
        source,
        "CREATE DATABASE shop",
        "CREATE TABLE shop.t (id INT PRIMARY KEY, v VARCHAR(20))",
        "INSERT INTO shop.t VALUES (1, 'over'), (2, 'tls')");
    try (Service service =
        new Service(
            ServiceFiles.load(
                direct("tls", source, target, SERVER_CA.caFile(), SERVER_CA.caFile())),
            Clock.systemUTC())) {
      service.online(Service.OnlineOptions.NONE);
      String token = Checksums.mark(source);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Checksums.hasMark(target, token)) {
        assertThat(service.state()).isNotEqualTo(Service.State.OFFLINE_ERROR);
        assertThat(System.nanoTime()).as("caught up within 60 s").isLessThan(deadline);
        Thread.sleep(50);
      }
      assertThat(Checksums.of(target, List.of("shop")))
          .isEqualTo(Checksums.of(source, List.of("shop")));
      // The account Ferry used cannot connect without TLS: what replicated went over TLS.
      assertThatThrownBy(() -> source.connect(source.replicator(), "").close())
          .as("a plain connection of the replicator account")
          .isInstanceOf(java.sql.SQLException.class);
    }
  }

  @Test
  void aCaThatDidNotSignTheServersCertificateIsRefusedClearly() throws Exception {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    try (Service service =
        new Service(
            ServiceFiles.load(
                direct("wrongca", source, target, OTHER_CA.caFile(), SERVER_CA.caFile())),
            Clock.systemUTC())) {
      service.online(Service.OnlineOptions.NONE);
      assertThat(service.await(Service.State.OFFLINE_ERROR, Duration.ofSeconds(30))).isTrue();
      assertThat(service.failure().message())
          .contains("TLS with the source at " + source.host() + ":" + source.port() + " failed")
          .contains("source.tls = verify-full")
          .contains("source.tls.ca = " + OTHER_CA.caFile())
          .contains("Check that source.tls.ca is the CA that signed the server's certificate");
    }
  }
}
