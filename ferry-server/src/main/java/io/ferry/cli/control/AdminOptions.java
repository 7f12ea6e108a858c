package io.ferry.cli.control;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.server.config.ConfigException;
import io.ferry.server.config.ReplicatorSettings;
import io.ferry.server.config.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How a command finds the replicator: its configuration directory (whose replicator.conf gives the
 * admin port and token), or an explicit address and token.
 */
public final class AdminOptions {
  @Option(
      names = "--config-dir",
      paramLabel = "DIR",
      description =
          "The replicator's configuration directory (default: $FERRY_CONFIG_DIR, /etc/ferry as"
              + " root, ~/.config/ferry otherwise).")
  Path configDir;

  @Option(
      names = "--admin",
      paramLabel = "URL",
      description =
          "The admin API's address, like http://127.0.0.1:2113 (default: from the"
              + " configuration directory, or $FERRY_ADMIN).")
  String admin;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "The admin token (default: from the configuration directory, or"
              + " $FERRY_ADMIN_TOKEN).")
  String token;

  /** The configuration directory in effect. */
  public Path configDir() {
    if (configDir != null) {
      return configDir;
    }
    String env = System.getenv("FERRY_CONFIG_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return "root".equals(System.getProperty("user.name"))
        ? Path.of("/etc/ferry")
        : Path.of(System.getProperty("user.home"), ".config", "ferry");
  }

  public AdminClient client() {
    ServiceConfig settings = settings();
    String url = admin != null ? admin : System.getenv("FERRY_ADMIN");
    if (url == null || url.isBlank()) {
      String bind = settings.get(ReplicatorSettings.ADMIN_BIND);
      String host = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
      url = "http://" + host + ":" + settings.get(ReplicatorSettings.ADMIN_PORT);
    }
    String t = token != null ? token : System.getenv("FERRY_ADMIN_TOKEN");
    if (t == null || t.isEmpty()) {
      t = settings.get(ReplicatorSettings.ADMIN_TOKEN);
    }
    return new AdminClient(url, t);
  }

  /** replicator.conf of the configuration directory, or the defaults. */
  public ServiceConfig settings() {
    Path f = configDir().resolve("replicator.conf");
    try {
      return Files.exists(f)
          ? ServiceConfig.loadReplicator(f)
          : ServiceConfig.loadReplicatorDefaults(f);
    } catch (ConfigException e) {
      throw new CliException(e.getMessage(), Cli.EXIT_USAGE);
    }
  }
}
