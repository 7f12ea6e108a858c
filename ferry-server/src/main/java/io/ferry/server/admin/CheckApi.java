package io.ferry.server.admin;

import io.ferry.mysql.check.SourceCheck;
import io.ferry.server.Service;
import io.ferry.server.check.CheckJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Consistency checks and repairs in the admin API: {@code POST /api/v1/services/NAME/check} ({@code
 * tables}, {@code chunkRows}, {@code chunkSeconds}, {@code where}, {@code restRatio}, {@code
 * maxLagSeconds}), {@code .../repair} ({@code table}, {@code ranges}, {@code dryRun}, {@code
 * where}, {@code chunkRows}), {@code .../provision} ({@code tables}, {@code parallel}, {@code
 * batchRows}, {@code restart}, {@code source}; or {@code seededAt} alone: the target was restored
 * from a backup of the source taken at that binlog position) and {@code .../check-stop}; {@code GET
 * .../checks?id=&runs=} the last run's progress and the target's results. Stateless.
 */
final class CheckApi {
  static final List<String> VERBS = List.of("check", "repair", "check-stop", "provision");

  private CheckApi() {}

  static Object apply(Service s, String verb, Map<String, Object> body) {
    switch (verb) {
      case "check" -> {
        return s.check(
            new CheckJob.Request(
                false,
                strings(body, "tables"),
                List.of(),
                settings(body),
                false,
                number(body, "maxLagSeconds", 10)));
      }
      case "repair" -> {
        Object table = body.get("table");
        if (table == null || table.toString().isBlank()) {
          throw new IllegalArgumentException("a repair needs table: schema.table");
        }
        return s.check(
            new CheckJob.Request(
                true,
                List.of(table.toString().strip()),
                strings(body, "ranges"),
                new SourceCheck.Settings((int) number(body, "chunkRows", 0), 0.25, "", 0),
                Boolean.TRUE.equals(body.get("dryRun")),
                number(body, "maxLagSeconds", 10)));
      }
      case "provision" -> {
        if (body.containsKey("seededAt")) {
          Object seeded = body.get("seededAt");
          if (seeded == null || seeded.toString().isBlank()) {
            throw new IllegalArgumentException("seededAt: a binlog position FILE:POS");
          }
          for (String other : List.of("tables", "source", "parallel", "batchRows", "restart")) {
            if (body.containsKey(other)) {
              throw new IllegalArgumentException(
                  "seededAt copies nothing: " + other + " does not go with it");
            }
          }
          return s.seed(
              io.ferry.core.position.BinlogPosition.parse(seeded.toString().strip()),
              Boolean.TRUE.equals(body.get("dryRun")));
        }
        return s.provision(
            new io.ferry.server.provision.ProvisionJob.Request(
                strings(body, "tables"),
                (int) number(body, "parallel", 2),
                (int) number(body, "batchRows", 5000),
                Boolean.TRUE.equals(body.get("restart")),
                source(body.get("source"))));
      }
      default -> {
        return Map.of("stopped", s.stopCheck());
      }
    }
  }

  static Object status(Service s, Map<String, Object> query) {
    Object id = query.get("id");
    int runs = (int) number(query, "runs", 10);
    if (runs < 1 || runs > 1000) {
      throw new IllegalArgumentException("runs: between 1 and 1000");
    }
    return s.checkStatus(id == null || id.toString().isBlank() ? null : id.toString(), runs);
  }

  /** A database to take snapshots from: {@code {host, port, user, password}}, or null. */
  private static io.ferry.mysql.source.SourceSettings source(Object v) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map<?, ?> m) || m.get("host") == null || m.get("user") == null) {
      throw new IllegalArgumentException("source: an object with host, port, user and password");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> o = (Map<String, Object>) m;
    Object password = o.get("password");
    return io.ferry.mysql.source.SourceSettings.of(
        o.get("host").toString(),
        (int) number(o, "port", 3306),
        o.get("user").toString(),
        password == null ? "" : password.toString());
  }

  private static SourceCheck.Settings settings(Map<String, Object> body) {
    Object where = body.get("where");
    return new SourceCheck.Settings(
        (int) number(body, "chunkRows", 0),
        number(body, "chunkSeconds", 0.25),
        where == null ? "" : where.toString(),
        number(body, "restRatio", 0.5));
  }

  private static double number(Map<String, Object> body, String key, double fallback) {
    Object v = body.get(key);
    if (v == null || v.toString().isBlank()) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(v.toString().strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": '" + v + "' is not a number");
    }
  }

  private static List<String> strings(Map<String, Object> body, String key) {
    Object v = body.get(key);
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      for (Object o : l) {
        out.add(String.valueOf(o).strip());
      }
    } else if (v != null && !v.toString().isBlank()) {
      out.add(v.toString().strip());
    }
    return out;
  }
}
