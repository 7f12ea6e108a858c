package io.ferry.filters;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What a filter decided for a table (replicated or not, its new name, which columns stay), kept so
 * that patterns are matched once per table rather than once per change. Bounded: past {@link
 * #LIMIT} tables it starts over. Not thread-safe: one filter, one task thread.
 *
 * @param <V> the decision
 */
final class TableCache<V> {
  static final int LIMIT = 10_000;

  private final Map<String, Map<String, V>> bySchema = new HashMap<>();
  private int size;

  /** The decision for the table, computed on first use. */
  V get(String schema, String table, BiFunction<String, String, V> compute) {
    Map<String, V> tables = bySchema.get(schema);
    if (tables != null) {
      V v = tables.get(table);
      if (v != null) {
        return v;
      }
    }
    V v = compute.apply(schema, table);
    put(schema, tables, table, v);
    return v;
  }

  /** Replaces the decision for the table. */
  void put(String schema, String table, V v) {
    put(schema, bySchema.get(schema), table, v);
  }

  private void put(String schema, Map<String, V> known, String table, V v) {
    Map<String, V> tables = known;
    if (size >= LIMIT) {
      bySchema.clear();
      size = 0;
      tables = null;
    }
    if (tables == null) {
      tables = new HashMap<>();
      bySchema.put(schema, tables);
    }
    if (tables.put(table, v) == null) {
      size++;
    }
  }
}
