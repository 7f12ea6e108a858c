package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

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
 * verify-full checks the name Ferry was configured with: a certificate signed by the right CA that
 * names another host is refused (for SQL and the binlog stream alike), and accepted by verify-ca.
 */
class TlsHostNameTest {
  private static final Certificates ELSEWHERE;

  static {
    try {
      ELSEWHERE =
          Certificates.create(
              Files.createTempDirectory("ferry-tls-host").resolve("ca"), "DNS:db.example");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @RegisterExtension
  final SandboxExtension db =
      SandboxExtension.mariadb(2).options(ELSEWHERE.mariadbOptions().toArray(String[]::new));

  @TempDir Path dir;

  private Path direct(String name, String mode) throws IOException {
    SandboxServer source = db.server(1);
    SandboxServer target = db.server(2);
    List<String> lines = new ArrayList<>();
    lines.add("service.name = " + name);
    lines.add("service.role = direct");
    lines.add("service.dir = " + dir.resolve(name));
    lines.addAll(ServiceFiles.source(source));
    lines.add("source.start = beginning");
    lines.add("source.tls = " + mode);
    lines.add("source.tls.ca = " + ELSEWHERE.caFile());
    lines.addAll(ServiceFiles.target(target));
    lines.add("target.tls = verify-ca");
    lines.add("target.tls.ca = " + ELSEWHERE.caFile());
    Path file = dir.resolve(name + ".conf");
    Files.write(file, lines);
    return file;
  }

  @Test
  void aCertificateForAnotherNameIsRefusedByVerifyFullOnly() throws Exception {
    try (Service full =
        new Service(ServiceFiles.load(direct("full", "verify-full")), Clock.systemUTC())) {
      full.online(Service.OnlineOptions.NONE);
      assertThat(full.await(Service.State.OFFLINE_ERROR, Duration.ofSeconds(30))).isTrue();
      assertThat(full.failure().message())
          .contains("TLS with the source")
          .contains("source.tls = verify-full")
          .contains("the certificate names source.host");
    }
    try (Service ca =
        new Service(ServiceFiles.load(direct("ca", "verify-ca")), Clock.systemUTC())) {
      ca.online(Service.OnlineOptions.NONE);
      String token = Checksums.mark(db.server(1));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Checksums.hasMark(db.server(2), token)) {
        assertThat(ca.state()).isNotEqualTo(Service.State.OFFLINE_ERROR);
        assertThat(System.nanoTime()).as("caught up within 60 s").isLessThan(deadline);
        Thread.sleep(50);
      }
    }
  }
}
