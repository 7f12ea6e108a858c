package io.ferry.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ferry.server.Replicator;
import io.ferry.server.Service;
import io.ferry.server.ServiceStateException;
import io.ferry.server.config.ConfigException;
import io.ferry.server.config.ReplicatorSettings;
import io.ferry.server.config.ServiceConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicator's admin API (HTTP/JSON, docs/admin-api.md) and its Prometheus metrics. Bound to
 * 127.0.0.1 by default; on any other address it refuses to start without a token, and with a token
 * every request must carry it. Each request runs on a small pool; service operations are
 * synchronized on the service. Thread-safe.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Replicator replicator;
  private final Runnable stopReplicator;
  private final String token;
  private final Metrics metrics;
  private HttpServer server;
  private ExecutorService pool;
  private String bind = "127.0.0.1";
  private boolean wildcard;

  public AdminServer(Replicator replicator, Runnable stopReplicator) {
    this.replicator = replicator;
    this.stopReplicator = stopReplicator;
    ServiceConfig s = replicator.settings();
    this.token = s.get(ReplicatorSettings.ADMIN_TOKEN);
    this.metrics = new Metrics(replicator);
  }

  public synchronized void start() {
    ServiceConfig s = replicator.settings();
    bind = s.get(ReplicatorSettings.ADMIN_BIND);
    int port = s.get(ReplicatorSettings.ADMIN_PORT);
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (IOException e) {
      throw new ConfigException(List.of("admin.bind: cannot resolve '" + bind + "'"));
    }
    // bound to every address (a token is required then): any name the server is reached by
    wildcard = address.isAnyLocalAddress();
    if (!address.isLoopbackAddress() && token.isEmpty()) {
      throw new ConfigException(
          List.of(
              s.file()
                  + ": admin.token is required when admin.bind ("
                  + bind
                  + ") is not a loopback address"));
    }
    try {
      server = HttpServer.create(new InetSocketAddress(address, port), 32);
    } catch (IOException e) {
      throw new ConfigException(
          List.of(
              "cannot serve the admin API on "
                  + bind
                  + ":"
                  + port
                  + ": "
                  + e.getMessage()
                  + " (is another replicator running? set admin.port)"));
    }
    pool =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "admin-api");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
    LOG.info("admin API on http://{}:{}/api/v1/ (metrics at /metrics)", bind, port());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange x) throws IOException {
    try {
      String foreign = foreign(x);
      if (foreign != null) {
        send(x, 403, error(foreign));
        return;
      }
      if (x.getRequestMethod().equals("POST") && !json(x)) {
        send(
            x,
            415,
            error(
                "a POST to the admin API carries JSON: send Content-Type: application/json"
                    + " (ferry's own commands do)"));
        return;
      }
      if (x.getRequestMethod().equals("GET") && Console.serves(x.getRequestURI().getPath())) {
        Console.send(x); // the page and its code hold no data: its API calls carry the token
        return;
      }
      if (!authorized(x)) {
        boolean given = x.getRequestHeaders().getFirst("Authorization") != null;
        send(
            x,
            401,
            error(
                (given
                        ? "the admin token given is not this replicator's"
                        : "this replicator requires an admin token and none was given")
                    + ": give its admin.token (from the replicator's replicator.conf) with"
                    + " --token TOKEN or $FERRY_ADMIN_TOKEN (HTTP: Authorization: Bearer"
                    + " TOKEN)"));
        return;
      }
      String path = x.getRequestURI().getPath();
      String method = x.getRequestMethod();
      if (path.equals("/metrics") && method.equals("GET")) {
        byte[] body = metrics.text().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        x.sendResponseHeaders(200, body.length);
        x.getResponseBody().write(body);
        return;
      }
      Object answer =
          route(method, path, method.equals("GET") ? query(x.getRequestURI()) : body(x));
      send(x, 200, answer);
    } catch (Replicator.NoSuchServiceException e) {
      send(x, 404, error(e.getMessage()));
    } catch (ServiceStateException e) {
      send(x, 409, error(e.getMessage()));
    } catch (ApiException e) {
      send(x, e.status, error(e.getMessage()));
    } catch (IllegalArgumentException | ConfigException e) {
      send(x, 400, error(e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("admin request {} {} failed", x.getRequestMethod(), x.getRequestURI(), e);
      send(x, 500, error(e.getMessage() == null ? e.toString() : e.getMessage()));
    } finally {
      x.close();
    }
  }

  /**
   * Why a request comes from elsewhere than this server's own pages and clients, or null: a web
   * page of another origin open in a browser on this machine (its Origin is not this server's), or
   * a name that is not this server's in Host (a DNS rebinding of 127.0.0.1).
   */
  private String foreign(HttpExchange x) {
    String host = x.getRequestHeaders().getFirst("Host");
    // without a token, only the names of this machine (with one, a page cannot know it anyway,
    // and a remote operator may use any name of the server)
    if (token.isEmpty() && host != null && !hostAllowed(host)) {
      return "requests for host '"
          + host
          + "' are not this admin server's (it answers to "
          + bind
          + ", 127.0.0.1 and localhost)";
    }
    String origin = x.getRequestHeaders().getFirst("Origin");
    if (origin != null
        && !(host != null
            && (origin.equals("http://" + host) || origin.equals("https://" + host)))) {
      return "a request from the web page of another origin (" + origin + ") is refused";
    }
    String site = x.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (site != null && site.equals("cross-site")) {
      return "a request from another site is refused";
    }
    return null;
  }

  private boolean hostAllowed(String host) {
    String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host;
    int colon = name.startsWith("[") ? -1 : name.lastIndexOf(':');
    if (colon >= 0) {
      name = name.substring(0, colon);
    }
    name = name.toLowerCase(java.util.Locale.ROOT);
    return name.equals("127.0.0.1")
        || name.equals("localhost")
        || name.equals("[::1]")
        || name.equals(bind.toLowerCase(java.util.Locale.ROOT))
        || name.equals("[" + bind.toLowerCase(java.util.Locale.ROOT) + "]")
        || wildcard;
  }

  private static boolean json(HttpExchange x) {
    String type = x.getRequestHeaders().getFirst("Content-Type");
    return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
  }

  /** A GET request's query parameters (decoded), as a body would give them. */
  private static Map<String, Object> query(java.net.URI uri) {
    Map<String, Object> m = new LinkedHashMap<>();
    String q = uri.getRawQuery();
    if (q == null || q.isEmpty()) {
      return m;
    }
    for (String pair : q.split("&", -1)) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      m.put(
          java.net.URLDecoder.decode(k, StandardCharsets.UTF_8),
          java.net.URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return m;
  }

  private boolean authorized(HttpExchange x) {
    if (token.isEmpty()) {
      return true;
    }
    String h = x.getRequestHeaders().getFirst("Authorization");
    String expected = "Bearer " + token;
    return h != null
        && MessageDigest.isEqual(
            h.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  private Object route(String method, String path, Map<String, Object> body) {
    String[] p = path.replaceAll("^/+|/+$", "").split("/", -1);
    if (p.length < 2 || !p[0].equals("api") || !p[1].equals("v1")) {
      throw new ApiException(404, "no such resource: " + path + " (the API is under /api/v1/)");
    }
    if (p.length == 3 && p[2].equals("replicator") && method.equals("GET")) {
      return replicatorInfo();
    }
    if (p.length == 3 && p[2].equals("reload") && method.equals("POST")) {
      Replicator.ReloadResult r = replicator.reload();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("added", r.added());
      m.put("reloaded", r.reloaded());
      m.put("removed", r.removed());
      m.put("invalid", r.invalid());
      return m;
    }
    if (p.length == 3 && p[2].equals("stop") && method.equals("POST")) {
      Thread t = new Thread(stopReplicator, "replicator-stop");
      t.start();
      return Map.of("stopping", true);
    }
    if ((p.length == 3 || p.length == 4) && p[2].equals("shards")) {
      return ShardApi.route(replicator, method, p.length == 4 ? p[3] : null, body);
    }
    if (p.length == 3 && p[2].equals("console") && method.equals("GET")) {
      return Console.overview(replicator);
    }
    if (p.length == 3 && p[2].equals("history") && method.equals("GET")) {
      Object name = body.get("service");
      if (name == null) {
        throw new IllegalArgumentException("history needs ?service=NAME");
      }
      return replicator.history().of(replicator.service(name.toString()).name());
    }
    if (p.length == 3 && p[2].equals("services") && method.equals("GET")) {
      List<Object> list = new ArrayList<>();
      replicator.services().forEach(s -> list.add(StatusJson.summary(s.status())));
      return list;
    }
    if (p.length >= 4 && p[2].equals("services")) {
      Service s = replicator.service(p[3]);
      if (p.length == 4 && method.equals("GET")) {
        return StatusJson.full(s.status());
      }
      if (p.length == 5 && p[4].equals("conflicts") && method.equals("GET")) {
        return ConflictsApi.list(s, body);
      }
      if (p.length == 5 && p[4].equals("checks") && method.equals("GET")) {
        return CheckApi.status(s, body);
      }
      if (p.length == 5 && method.equals("POST") && CheckApi.VERBS.contains(p[4])) {
        return CheckApi.apply(s, p[4], body);
      }
      if (p.length == 5 && method.equals("POST")) {
        return Control.apply(replicator, s, p[4], body);
      }
    }
    throw new ApiException(404, "no such resource: " + method + " " + path);
  }

  private Map<String, Object> replicatorInfo() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", io.ferry.core.FerryVersion.version());
    m.put("configDir", replicator.configDir().toAbsolutePath().toString());
    m.put("started", replicator.started().toString());
    m.put("pid", ProcessHandle.current().pid());
    List<Object> services = new ArrayList<>();
    replicator.services().forEach(s -> services.add(StatusJson.summary(s.status())));
    m.put("services", services);
    m.put("invalidServiceFiles", replicator.invalidFiles());
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> body(HttpExchange x) throws IOException {
    try (InputStream in = x.getRequestBody()) {
      byte[] b = in.readAllBytes();
      if (b.length == 0) {
        return Map.of();
      }
      try {
        Object v = JSON.readValue(b, Object.class);
        if (!(v instanceof Map)) {
          throw new IllegalArgumentException("the request body must be a JSON object");
        }
        return (Map<String, Object>) v;
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException(
            "the request body is not JSON: " + e.getOriginalMessage());
      }
    }
  }

  private static Map<String, Object> error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    return m;
  }

  private static void send(HttpExchange x, int status, Object body) throws IOException {
    byte[] b = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    x.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    x.sendResponseHeaders(status, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      pool.shutdownNow();
      server = null;
    }
  }

  /** An API error with its HTTP status. */
  static final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiException(int status, String message) {
      super(message);
      this.status = status;
    }
  }
}
