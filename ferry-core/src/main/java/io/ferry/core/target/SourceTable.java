package io.ferry.core.target;

import io.ferry.core.event.ColumnSpec;
import java.util.List;

/**
 * A source table's definition as a translator needs it.
 *
 * @param schema its schema (database)
 * @param name its name
 * @param columns its columns in order, with their types as the source declares them
 * @param primaryKey the primary key's columns, empty when it has none
 * @param uniqueKeys the other unique keys, each its columns
 */
public record SourceTable(
    String schema,
    String name,
    List<ColumnSpec> columns,
    List<String> primaryKey,
    List<List<String>> uniqueKeys) {
  public SourceTable {
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
    uniqueKeys = uniqueKeys.stream().map(List::copyOf).toList();
  }
}
