package io.ferry.sandbox;

import java.util.List;

/**
 * A request for a new sandbox.
 *
 * @param name the sandbox name: letters, digits, '.', '_' and '-', at most 40 characters
 * @param flavor which server to run
 * @param servers how many servers (1 to 9)
 * @param binaries where the server programs come from
 * @param basePort the first server's port (the others follow), or 0 to pick free ports
 * @param options extra server settings, {@code key=value}, written into each server's configuration
 * @param owner the process the sandbox belongs to (swept when it dies), or null for a lasting one
 */
public record SandboxSpec(
    String name,
    Flavor flavor,
    int servers,
    BinarySource binaries,
    int basePort,
    List<String> options,
    Owner owner) {

  public static final int MAX_SERVERS = 9;

  public SandboxSpec {
    options = List.copyOf(options);
  }

  /** A MariaDB sandbox with system binaries on free ports. */
  public static SandboxSpec mariadb(String name, int servers) {
    return new SandboxSpec(name, Flavor.MARIADB, servers, BinarySource.SYSTEM, 0, List.of(), null);
  }

  /** A PostgreSQL sandbox on free ports. */
  public static SandboxSpec postgresql(String name, int servers) {
    return new SandboxSpec(
        name, Flavor.POSTGRESQL, servers, BinarySource.SYSTEM, 0, List.of(), null);
  }

  public SandboxSpec withName(String newName) {
    return new SandboxSpec(newName, flavor, servers, binaries, basePort, options, owner);
  }

  public SandboxSpec withBinaries(BinarySource source) {
    return new SandboxSpec(name, flavor, servers, source, basePort, options, owner);
  }

  public SandboxSpec withBasePort(int port) {
    return new SandboxSpec(name, flavor, servers, binaries, port, options, owner);
  }

  public SandboxSpec withOptions(List<String> extra) {
    return new SandboxSpec(name, flavor, servers, binaries, basePort, extra, owner);
  }

  public SandboxSpec withOwner(Owner newOwner) {
    return new SandboxSpec(name, flavor, servers, binaries, basePort, options, newOwner);
  }
}
