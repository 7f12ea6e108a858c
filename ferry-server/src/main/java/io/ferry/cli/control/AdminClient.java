package io.ferry.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.CliException;
import io.ferry.cli.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The {@code ferry} command's client of the replicator's admin API. */
public final class AdminClient {
  private final String base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  AdminClient(String base, String token) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
  }

  public String base() {
    return base;
  }

  public JsonNode get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public JsonNode post(String path, Map<String, Object> body) {
    String json = Json.compact(body);
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Whether the API answers at all (for start and stop). */
  public boolean reachable() {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri("/api/v1/replicator")).GET();
      authorize(b);
      http.send(b.timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private URI uri(String path) {
    try {
      return URI.create(base + path);
    } catch (IllegalArgumentException e) {
      throw new CliException("invalid admin address '" + base + "': " + e.getMessage());
    }
  }

  private void authorize(HttpRequest.Builder b) {
    if (token != null && !token.isEmpty()) {
      b.header("Authorization", "Bearer " + token);
    }
  }

  private JsonNode send(HttpRequest.Builder b) {
    authorize(b);
    HttpResponse<String> r;
    try {
      r = http.send(b.timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new CliException(
          "cannot reach the replicator's admin API at "
              + base
              + ": connection refused (is the replicator running? ferry replicator start)");
    } catch (IOException e) {
      throw new CliException("cannot reach the replicator's admin API at " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    JsonNode doc;
    try {
      doc = Json.mapper().readTree(r.body());
    } catch (IOException e) {
      throw new CliException(
          "the admin API at " + base + " answered " + r.statusCode() + " with something not JSON");
    }
    if (r.statusCode() >= 400) {
      String message = doc.has("error") ? doc.get("error").asText() : r.body();
      // 400: a value given on the command line was refused, like any bad command line
      throw r.statusCode() == 400
          ? new CliException(message, io.ferry.cli.Cli.EXIT_USAGE)
          : new CliException(message);
    }
    return doc;
  }
}
