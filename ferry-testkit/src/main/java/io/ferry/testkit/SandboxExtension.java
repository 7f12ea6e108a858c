package io.ferry.testkit;

import io.ferry.sandbox.BinarySource;
import io.ferry.sandbox.Flavor;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxServer;
import io.ferry.sandbox.SandboxSpec;
import io.ferry.sandbox.Sandboxes;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test real database servers in a sandbox of its own. Register it in a {@code static} field
 * to share the servers among the tests of a class (created before the first test, destroyed after
 * the last), or in an instance field for fresh servers per test:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SandboxExtension DB = SandboxExtension.mariadb(2);
 * ...
 * try (Connection c = DB.server(1).connect()) { ... }
 * }</pre>
 *
 * The sandbox is destroyed also when the test fails; if the JVM is killed, the next test run sweeps
 * it (see {@link TestSandboxes}). Not thread-safe: one test class at a time uses it.
 */
public final class SandboxExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final SandboxSpec spec;
  private boolean classScoped;
  private Sandbox sandbox;

  private SandboxExtension(SandboxSpec spec) {
    this.spec = spec;
  }

  /** MariaDB servers from the system's binaries. */
  public static SandboxExtension mariadb(int servers) {
    return new SandboxExtension(SandboxSpec.mariadb("unnamed", servers));
  }

  /** PostgreSQL servers. */
  public static SandboxExtension postgresql(int servers) {
    return new SandboxExtension(SandboxSpec.postgresql("unnamed", servers));
  }

  /** The same servers, from the embedded MariaDB 11.4 binaries. */
  public SandboxExtension embedded() {
    if (spec.flavor() != Flavor.MARIADB) {
      throw new IllegalStateException("embedded binaries exist only for MariaDB");
    }
    return new SandboxExtension(spec.withBinaries(BinarySource.EMBEDDED));
  }

  /** Extra server settings ({@code key=value}). */
  public SandboxExtension options(String... options) {
    return new SandboxExtension(spec.withOptions(List.of(options)));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    classScoped = true;
    sandbox = TestSandboxes.create(context.getRequiredTestClass().getSimpleName(), spec);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    destroy();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!classScoped) {
      sandbox = TestSandboxes.create(context.getRequiredTestMethod().getName(), spec);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!classScoped) {
      destroy();
    }
  }

  private void destroy() {
    if (sandbox != null) {
      Sandbox done = sandbox;
      sandbox = null;
      TestSandboxes.destroy(done);
    }
  }

  /** The sandbox of the running test. */
  public Sandbox sandbox() {
    if (sandbox == null) {
      throw new IllegalStateException("the sandbox exists only while a test runs");
    }
    return sandbox;
  }

  /** A server of the sandbox, by 1-based index. */
  public SandboxServer server(int index) {
    return sandbox().server(index);
  }

  /** The manager, for stopping, starting and killing servers in a test. */
  public Sandboxes sandboxes() {
    return TestSandboxes.sandboxes();
  }
}
