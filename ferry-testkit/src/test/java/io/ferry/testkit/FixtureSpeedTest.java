package io.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxSpec;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * A fresh server is a template copy and a start away. This prints the time (it is a figure for
 * people, not a pass/fail criterion) and checks only that the server works.
 */
class FixtureSpeedTest {
  @Test
  void freshMariaDbServer() throws Exception {
    TestSandboxes.sandboxes(); // sweep and template warm-up are not part of the figure
    TestSandboxes.destroy(TestSandboxes.create("warmup", SandboxSpec.mariadb("x", 1)));
    long start = System.nanoTime();
    Sandbox sandbox = TestSandboxes.create("speed", SandboxSpec.mariadb("x", 1));
    long createdMillis = (System.nanoTime() - start) / 1_000_000;
    try (Connection c = sandbox.server(1).connect()) {
      assertThat(c.isValid(5)).isTrue();
    } finally {
      TestSandboxes.destroy(sandbox);
    }
    System.out.println("fresh MariaDB sandbox server ready in " + createdMillis + " ms");
  }
}
