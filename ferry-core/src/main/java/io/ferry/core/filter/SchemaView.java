package io.ferry.core.filter;

import java.util.List;
import java.util.Optional;

/**
 * A read-only view of the tables on one side of a service, for filters that need what a row event
 * does not say (column names, which columns form the key). Answers may be cached; {@link
 * #forget(String, String)} drops a table's cached answer after its DDL passes. Thread-safe.
 */
public interface SchemaView {
  /** A table's columns as the database has them now, or empty if there is no such table. */
  Optional<TableView> table(String schema, String table);

  /** Drops what is known about a table (after DDL changed it); null table: the whole schema. */
  default void forget(String schema, String table) {}

  /** A view that knows no table (no database to ask). */
  SchemaView NONE = (schema, table) -> Optional.empty();

  /**
   * A table's columns in table order.
   *
   * @param schema the schema
   * @param table the table
   * @param columns the column names in table order
   * @param key the names of the primary key's columns (or of the first unique key's where there is
   *     no primary key), in key order; empty when the table has neither
   */
  record TableView(String schema, String table, List<String> columns, List<String> key) {
    public TableView {
      columns = List.copyOf(columns);
      key = List.copyOf(key);
    }
  }
}
