package io.ferry.sandbox;

import java.nio.file.Path;

/**
 * One server of a sandbox, as recorded in its descriptor.
 *
 * @param index 1-based number of the server within its sandbox
 * @param port TCP port on 127.0.0.1
 * @param serverId the server's {@code server_id} (MariaDB); 0 for PostgreSQL
 * @param dir the server's own directory (configuration, data, logs, socket)
 */
public record Node(int index, int port, long serverId, String dir) {

  public Path path() {
    return Path.of(dir);
  }

  public Path dataDir() {
    return path().resolve("data");
  }

  /** The server's own log: MariaDB's error log, PostgreSQL's server log. */
  public Path logFile() {
    return path().resolve("server.log");
  }

  /** Output the server process printed before it opened its own log. */
  public Path consoleFile() {
    return path().resolve("console.log");
  }

  /** The process id of the server as Ferry started it. */
  public Path pidFile() {
    return path().resolve("server.pid");
  }

  public Node withPort(int newPort, long newServerId) {
    return new Node(index, newPort, newServerId, dir);
  }
}
