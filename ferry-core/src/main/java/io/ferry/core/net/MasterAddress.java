package io.ferry.core.net;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a replica finds a master's THL: {@code thl://host:port} (or just {@code host:port}); the
 * port is always written (a silent default hid mistakes).
 *
 * @param host the master's host name or address
 * @param port its THL port
 */
public record MasterAddress(String host, int port) {
  public static final int DEFAULT_PORT = 2112;

  public MasterAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("a master address needs a host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("invalid master port " + port);
    }
  }

  /** Reads {@code thl://host:port} or {@code host:port}; the port must be given. */
  public static MasterAddress parse(String text) {
    String t = text.trim();
    if (t.startsWith("thl://")) {
      t = t.substring("thl://".length());
    } else if (t.contains("://")) {
      throw new IllegalArgumentException(
          "master address '" + text + "' must be thl://host:port (or host:port)");
    }
    if (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    int colon = t.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "master address '"
              + text
              + "' has no port: write thl://"
              + t
              + ":PORT, with the master's thl.serve.port (default "
              + DEFAULT_PORT
              + ")");
    }
    try {
      return new MasterAddress(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("master address '" + text + "' has no valid port", e);
    }
  }

  /** Reads a comma-separated list, tried in order. */
  public static List<MasterAddress> parseList(String text) {
    List<MasterAddress> list = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      if (!part.isBlank()) {
        list.add(parse(part));
      }
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no master address in '" + text + "'");
    }
    return list;
  }

  @Override
  public String toString() {
    return "thl://" + host + ":" + port;
  }
}
