package io.ferry.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * A sandbox as found on disk: its descriptor and directory. Immutable; the servers' running state
 * is read from the processes each time it is asked for.
 */
public final class Sandbox {
  private final SandboxDescriptor descriptor;
  private final Path dir;

  Sandbox(SandboxDescriptor descriptor, Path dir) {
    this.descriptor = descriptor;
    this.dir = dir;
  }

  public String name() {
    return descriptor.name();
  }

  public Flavor flavor() {
    return descriptor.flavor();
  }

  public Path dir() {
    return dir;
  }

  public SandboxDescriptor descriptor() {
    return descriptor;
  }

  public List<SandboxServer> servers() {
    return descriptor.nodes().stream().map(this::toServer).toList();
  }

  /** The server with the given 1-based index. */
  public SandboxServer server(int index) {
    return descriptor.nodes().stream()
        .filter(n -> n.index() == index)
        .findFirst()
        .map(this::toServer)
        .orElseThrow(
            () ->
                new SandboxException(
                    "sandbox '"
                        + name()
                        + "' has no server "
                        + index
                        + "; it has servers 1 to "
                        + descriptor.nodes().size()));
  }

  public int runningCount() {
    return (int) servers().stream().filter(SandboxServer::isRunning).count();
  }

  private SandboxServer toServer(Node node) {
    return new SandboxServer(
        descriptor.name(),
        descriptor.flavor(),
        descriptor.serverVersion(),
        node,
        descriptor.root(),
        descriptor.app(),
        descriptor.replicator());
  }

  @Override
  public String toString() {
    return "sandbox '" + name() + "' (" + flavor() + ", " + descriptor.nodes().size() + " servers)";
  }
}
