package io.ferry.filters;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Warnings a filter gives once per table and subject, so that a table the filter cannot handle does
 * not flood the log with one line per transaction. Belongs to one filter instance (one thread); not
 * thread-safe.
 */
final class TableWarnings {
  private final Logger log;
  private final Set<String> given = new LinkedHashSet<>();

  TableWarnings(Logger log) {
    this.log = log;
  }

  /** Logs the message unless one was logged for this table and subject already. */
  void warn(String schema, String table, String subject, String message) {
    if (given.add(schema + "." + table + "/" + subject)) {
      log.warn(message);
    }
  }

  /** Lets the tables of a schema be warned about again (its tables changed). */
  void forgetSchema(String schema) {
    given.removeIf(k -> k.startsWith(schema + "."));
  }

  /** What was warned about, as {@code schema.table/subject}, in order (for tests and status). */
  List<String> given() {
    return List.copyOf(given);
  }
}
