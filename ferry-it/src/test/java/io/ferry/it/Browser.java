package io.ferry.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper: headless Chromium (the Debian package) driven over the DevTools protocol: open a
 * page, evaluate JavaScript in it, wait for a condition, take a screenshot. One page; one thread.
 */
final class Browser implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  static boolean installed() {
    return Files.isExecutable(Path.of("/usr/bin/chromium"));
  }

  Browser(int width, int height) throws Exception {
    profile = Files.createTempDirectory("ferry-chromium");
    process =
        new ProcessBuilder(
                "/usr/bin/chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height,
                "about:blank")
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> listening = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                for (String line; (line = out.readLine()) != null; ) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    listening.complete(m.group(1));
                  }
                }
              } catch (java.io.IOException e) {
                // chromium ended
              }
              listening.complete(null);
            },
            "chromium-output");
    reader.setDaemon(true);
    reader.start();
    String ws;
    try {
      ws = listening.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      ws = null;
    }
    if (ws == null) {
      process.destroyForcibly();
      throw new IllegalStateException("chromium did not start its DevTools server within 30 s");
    }
    // the page target, by the browser's HTTP endpoint
    URI browser = URI.create(ws);
    HttpClient http = HttpClient.newHttpClient();
    String page = null;
    String list = "";
    for (int attempt = 0; page == null && attempt < 50; attempt++) {
      if (attempt > 0) {
        Thread.sleep(100); // the page may not be listed yet
      }
      list =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://" + browser.getAuthority() + "/json/list"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (JsonNode t : JSON.readTree(list)) {
        if (t.path("type").asText().equals("page")) {
          page = t.path("webSocketDebuggerUrl").asText();
          break;
        }
      }
    }
    if (page == null) {
      throw new IllegalStateException("chromium has no page: " + list);
    }
    socket =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(page), new Listener())
            .get(10, TimeUnit.SECONDS);
    call("Page.enable", Map.of());
    call("Runtime.enable", Map.of());
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          JsonNode m = JSON.readTree(text.toString());
          if (m.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
            if (f != null) {
              f.complete(m);
            }
          }
        } catch (java.io.IOException e) {
          // not for us
        }
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  /** A DevTools command; its result (an error is an exception). */
  JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    socket
        .sendText(
            JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
        .get(10, TimeUnit.SECONDS);
    JsonNode m = f.get(30, TimeUnit.SECONDS);
    if (m.has("error")) {
      throw new IllegalStateException(method + ": " + m.get("error"));
    }
    return m.get("result");
  }

  void open(String url) throws Exception {
    call("Page.navigate", Map.of("url", url));
  }

  /** The value of a JavaScript expression in the page (awaited when it is a promise). */
  JsonNode eval(String expression) throws Exception {
    JsonNode r =
        call(
            "Runtime.evaluate",
            Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException(expression + ": " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** Waits until a JavaScript expression is true in the page; its last value otherwise fails. */
  void await(String expression, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      JsonNode v;
      try {
        v = eval(expression);
      } catch (IllegalStateException e) {
        v = null; // the page is loading
      }
      if (v != null && v.asBoolean(false)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not true in the page within "
                + limit
                + ": "
                + expression
                + "; the page says: "
                + eval("document.body ? document.body.innerText : ''").asText());
      }
      Thread.sleep(100);
    }
  }

  void screenshot(Path file) throws Exception {
    JsonNode r =
        call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
  }

  @Override
  public void close() throws java.io.IOException {
    try {
      socket.abort();
    } finally {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}
