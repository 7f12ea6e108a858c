package io.ferry.testkit;

import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxSpec;

/**
 * A child JVM for {@link StaleSandboxSweepTest}: creates a test sandbox, prints its name and server
 * pid, and waits to be killed.
 */
public final class SandboxHolder {
  private SandboxHolder() {}

  public static void main(String[] args) throws InterruptedException {
    Sandbox sandbox = TestSandboxes.create("holder", SandboxSpec.mariadb("unnamed", 1));
    System.out.println("READY " + sandbox.name() + " " + sandbox.server(1).pid().orElseThrow());
    System.out.flush();
    Thread.sleep(600_000);
  }
}
