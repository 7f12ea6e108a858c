package io.ferry.server.admin;

import com.sun.net.httpserver.HttpExchange;
import io.ferry.server.Replicator;
import io.ferry.server.Service;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web console (docs/console.md): one page and its script and style, served from the jar by the
 * admin server ({@code /console}), which read everything through the admin API with the token the
 * user typed (kept in the browser's session storage); and {@code GET /api/v1/console}, every
 * service at a glance in one answer. Stateless.
 */
final class Console {
  private static final Map<String, String[]> FILES =
      Map.of(
          "/console", new String[] {"index.html", "text/html; charset=utf-8"},
          "/console/", new String[] {"index.html", "text/html; charset=utf-8"},
          "/console/console.js", new String[] {"console.js", "text/javascript; charset=utf-8"},
          "/console/console.css", new String[] {"console.css", "text/css; charset=utf-8"});

  private Console() {}

  static boolean serves(String path) {
    return FILES.containsKey(path);
  }

  static void send(HttpExchange x) throws IOException {
    String[] f = FILES.get(x.getRequestURI().getPath());
    byte[] body;
    try (InputStream in = Console.class.getResourceAsStream("/io/ferry/console/" + f[0])) {
      if (in == null) {
        byte[] why =
            ("the console's " + f[0] + " is not in this build of Ferry")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        x.sendResponseHeaders(500, why.length);
        x.getResponseBody().write(why);
        return;
      }
      body = in.readAllBytes();
    }
    x.getResponseHeaders().set("Content-Type", f[1]);
    x.getResponseHeaders().set("Cache-Control", "no-cache");
    x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    x.getResponseHeaders()
        .set(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    x.sendResponseHeaders(200, body.length);
    x.getResponseBody().write(body);
  }

  /** Every service with what the overview and the topology show. */
  static Map<String, Object> overview(Replicator r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", io.ferry.core.FerryVersion.version());
    m.put("started", r.started().toString());
    m.put("now", java.time.Instant.now().toString());
    List<Object> services = new ArrayList<>();
    for (Service s : r.services()) {
      services.add(StatusJson.console(s, s.status()));
    }
    m.put("services", services);
    m.put("invalidServiceFiles", r.invalidFiles());
    return m;
  }
}
