package io.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A test JVM killed with SIGKILL leaves servers running; the next run finds and removes them. */
class StaleSandboxSweepTest {

  @Test
  void sandboxOfAKilledJvmIsSweptWithItsServers() throws Exception {
    // First use sweeps at once; do it now so the sweep below is the one that finds the child's.
    TestSandboxes.sandboxes();
    Path home = TestSandboxes.home();
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SandboxHolder.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String name;
    long serverPid;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      while (line != null && !line.startsWith("READY ")) {
        line = out.readLine();
      }
      assertThat(line).as("the child JVM reports its sandbox").isNotNull();
      String[] parts = line.split(" ", -1);
      name = parts[1];
      serverPid = Long.parseLong(parts[2]);
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(ProcessHandle.of(serverPid).map(ProcessHandle::isAlive)).contains(true);
    assertThat(Files.isDirectory(home.resolve(name))).isTrue();

    List<String> swept = TestSandboxes.sandboxes().sweepStale();

    assertThat(swept).contains(name);
    assertThat(ProcessHandle.of(serverPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(new File(home.toFile(), name)).doesNotExist();
  }
}
