package io.ferry.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a sandbox is, as written to {@code sandbox.json} in its directory (mode 0600, since it holds
 * the generated passwords). Immutable; operations that change it write a new one.
 *
 * @param formatVersion version of this file's layout
 * @param name the sandbox's name, also its directory's name
 * @param flavor which server it runs
 * @param binaries where the server programs come from
 * @param serverVersion the server version string the programs report
 * @param binDir the directory holding the server programs
 * @param baseDir the installation base directory (for MariaDB's {@code --basedir})
 * @param createdAt ISO-8601 creation time
 * @param owner the process it belongs to, or null for a user's sandbox
 * @param root the administrator account
 * @param app the application account
 * @param replicator the account a replicator uses to read and apply changes
 * @param nodes the servers
 * @param options extra server settings given at creation ({@code key=value})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxDescriptor(
    int formatVersion,
    String name,
    Flavor flavor,
    BinarySource binaries,
    String serverVersion,
    String binDir,
    String baseDir,
    String createdAt,
    Owner owner,
    Account root,
    Account app,
    Account replicator,
    List<Node> nodes,
    List<String> options) {

  public static final int FORMAT_VERSION = 1;

  public SandboxDescriptor {
    nodes = List.copyOf(nodes);
    options = List.copyOf(options);
  }

  public SandboxDescriptor withNode(Node replacement) {
    List<Node> updated =
        nodes.stream().map(n -> n.index() == replacement.index() ? replacement : n).toList();
    return new SandboxDescriptor(
        formatVersion,
        name,
        flavor,
        binaries,
        serverVersion,
        binDir,
        baseDir,
        createdAt,
        owner,
        root,
        app,
        replicator,
        updated,
        options);
  }

  public SandboxDescriptor withBinaries(ServerBinaries located) {
    return new SandboxDescriptor(
        formatVersion,
        name,
        flavor,
        binaries,
        located.version(),
        located.binDir().toString(),
        located.baseDir().toString(),
        createdAt,
        owner,
        root,
        app,
        replicator,
        nodes,
        options);
  }
}
