package io.ferry.testkit;

import io.ferry.sandbox.Binaries;
import io.ferry.sandbox.Owner;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxSpec;
import io.ferry.sandbox.Sandboxes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandboxes of tests. They live in one home shared by every test JVM on the machine ({@code
 * ferry.test.sandbox.home}, else {@code $FERRY_TEST_SANDBOX_HOME}, else /tmp/ferry-test-sandboxes),
 * each owned by the JVM that created it. The first use in a JVM sweeps the sandboxes whose owner
 * died (a test run killed with SIGKILL); a shutdown hook destroys this JVM's own sandboxes if a
 * test did not. Thread-safe.
 */
public final class TestSandboxes {
  private static final Logger LOG = LoggerFactory.getLogger(TestSandboxes.class);
  private static final Set<String> OWNED = ConcurrentHashMap.newKeySet();
  private static volatile Sandboxes instance;

  private TestSandboxes() {}

  /** The shared test home, swept of stale sandboxes at first use in this JVM. */
  public static Sandboxes sandboxes() {
    Sandboxes local = instance;
    if (local == null) {
      synchronized (TestSandboxes.class) {
        local = instance;
        if (local == null) {
          local = new Sandboxes(home(), new Binaries(Binaries.defaultCacheDir()));
          List<String> swept = local.sweepStale();
          if (!swept.isEmpty()) {
            LOG.warn(
                "removed {} stale test sandboxes left by killed runs: {}", swept.size(), swept);
          }
          Runtime.getRuntime()
              .addShutdownHook(
                  new Thread(TestSandboxes::destroyOwned, "ferry-test-sandbox-cleanup"));
          instance = local;
        }
      }
    }
    return local;
  }

  static Path home() {
    String configured =
        System.getProperty("ferry.test.sandbox.home", System.getenv("FERRY_TEST_SANDBOX_HOME"));
    Path home =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : Path.of("/tmp", "ferry-test-sandboxes");
    try {
      Files.createDirectories(home);
      // PostgreSQL servers run as 'postgres' when tests run as root: it must reach this directory.
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the test sandbox home " + home, e);
    }
    return home;
  }

  /** Creates a sandbox owned by this JVM, named after the requester plus a random suffix. */
  public static Sandbox create(String requester, SandboxSpec spec) {
    String name = uniqueName(requester);
    Sandbox sandbox = sandboxes().create(spec.withName(name).withOwner(Owner.currentProcess()));
    OWNED.add(name);
    return sandbox;
  }

  /** Destroys a sandbox this JVM created. */
  public static void destroy(Sandbox sandbox) {
    sandboxes().destroy(sandbox.name());
    OWNED.remove(sandbox.name());
  }

  static String uniqueName(String requester) {
    String base = requester.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    if (base.length() > 24) {
      base = base.substring(0, 24);
    }
    if (base.isEmpty()) {
      base = "test";
    }
    return base
        + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
  }

  private static void destroyOwned() {
    for (String name : List.copyOf(OWNED)) {
      try {
        instance.destroy(name);
      } catch (RuntimeException e) {
        // The next run's sweep removes it.
        LOG.warn("could not destroy test sandbox {} at exit: {}", name, e.getMessage());
      }
    }
  }
}
