package io.ferry.cli.setup;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.mysql.DbTls;
import io.ferry.sandbox.Binaries;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxServer;
import io.ferry.sandbox.Sandboxes;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A database a topology connects: a sandbox server ({@code NAME:N}, or {@code NAME} for server 1)
 * or {@code mysql://user:password@host:port}. A sandbox server is used with its replicator account,
 * which has what both reading and applying need.
 *
 * @param host the host
 * @param port the port
 * @param user the account
 * @param password its password
 * @param sandbox the sandbox server it is, or null for a URL
 */
public record Endpoint(String host, int port, String user, String password, SandboxServer sandbox) {
  Endpoint(String host, int port, String user, String password) {
    this(host, port, user, password, null);
  }

  public static Endpoint parse(String text, Path sandboxHome) {
    String t = text.trim();
    if (t.startsWith("mysql://") || t.startsWith("mariadb://")) {
      URI u;
      try {
        u = URI.create(t);
      } catch (IllegalArgumentException e) {
        String why =
            e.getCause() instanceof java.net.URISyntaxException x
                ? x.getReason() + " at index " + x.getIndex()
                : "malformed";
        throw new CliException(
            "cannot read '"
                + masked(t)
                + "' as a URL: "
                + why
                + " (characters like @ # / ? % or a space in a password are written %40 %23 %2F"
                + " %3F %25 %20)",
            Cli.EXIT_USAGE);
      }
      String info = u.getRawUserInfo();
      if (info == null || u.getHost() == null) {
        throw new CliException(
            "'" + masked(t) + "' needs a user and a host: mysql://user:password@host:port",
            Cli.EXIT_USAGE);
      }
      int colon = info.indexOf(':');
      String user = decode(colon < 0 ? info : info.substring(0, colon));
      String password = colon < 0 ? "" : decode(info.substring(colon + 1));
      return new Endpoint(u.getHost(), u.getPort() < 0 ? 3306 : u.getPort(), user, password);
    }
    int colon = t.lastIndexOf(':');
    String name = colon < 0 ? t : t.substring(0, colon);
    int index;
    try {
      index = colon < 0 ? 1 : Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new CliException(
          "'"
              + masked(t)
              + "' is neither a sandbox server (NAME:N) nor mysql://user:password@host:port",
          Cli.EXIT_USAGE);
    }
    Sandboxes sandboxes =
        new Sandboxes(
            sandboxHome != null ? sandboxHome : Sandboxes.defaultHome(),
            new Binaries(Binaries.defaultCacheDir()));
    Sandbox sandbox =
        sandboxes
            .find(name)
            .orElseThrow(
                () ->
                    new CliException(
                        "no sandbox named '" + name + "' (ferry sandbox list shows them)",
                        Cli.EXIT_USAGE));
    if (index < 1 || index > sandbox.servers().size()) {
      throw new CliException(
          "sandbox " + name + " has servers 1 to " + sandbox.servers().size() + ", not " + index,
          Cli.EXIT_USAGE);
    }
    SandboxServer s = sandbox.server(index);
    return new Endpoint(s.host(), s.port(), s.replicator().user(), s.replicator().password(), s);
  }

  /** Percent-decoding as in a URL's user info: a '+' is a plus, not a space. */
  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** A URL as it may be shown: a password between "user:" and the last "@" becomes *****. */
  public static String masked(String url) {
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return url;
    }
    int colon = url.indexOf(':', scheme + 3);
    return colon < 0 || colon > at
        ? url
        : url.substring(0, colon + 1) + "*****" + url.substring(at);
  }

  public String address() {
    return host + ":" + port;
  }

  /**
   * Opens a connection with the endpoint's own account, with TLS as the services' default
   * (preferred), giving up on an unreachable server after 10 seconds.
   */
  public java.sql.Connection connect() throws java.sql.SQLException {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "10000");
    return new DbTls(DbTls.Mode.PREFERRED, null, null, null)
        .connect("jdbc:mariadb://" + host + ":" + port + "/", p);
  }
}
