package io.ferry.server.admin;

import io.ferry.server.Service;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/services/NAME/conflicts?table=&since=&limit=}: the service's exceptions table,
 * newest first, read from its target. Stateless.
 */
final class ConflictsApi {
  private ConflictsApi() {}

  static List<Object> list(Service s, Map<String, Object> query) {
    String table = text(query.get("table"));
    Instant since = null;
    String sinceText = text(query.get("since"));
    if (sinceText != null) {
      try {
        since = Instant.parse(sinceText);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "since: '" + sinceText + "' is not a UTC time like 2026-11-30T12:00:00Z");
      }
    }
    int limit = 100;
    String limitText = text(query.get("limit"));
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("limit: '" + limitText + "' is not a whole number");
      }
      if (limit < 1 || limit > 100_000) {
        throw new IllegalArgumentException("limit: between 1 and 100000");
      }
    }
    return new ArrayList<Object>(s.conflicts(table, since, limit));
  }

  private static String text(Object o) {
    return o == null || o.toString().isBlank() ? null : o.toString().strip();
  }
}
