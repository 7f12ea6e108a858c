package io.ferry.mysql.schema;

import io.ferry.core.event.ColumnSpec;
import java.util.List;

/**
 * A table's definition as the schema history knows it. Immutable.
 *
 * @param schema its schema
 * @param name its name
 * @param columns its columns, in order
 * @param defaultCharset the table's default character set (for columns added later)
 */
public record TableDef(
    String schema, String name, List<ColumnSpec> columns, String defaultCharset) {
  public TableDef {
    columns = List.copyOf(columns);
  }

  public TableDef withColumns(List<ColumnSpec> newColumns) {
    return new TableDef(schema, name, newColumns, defaultCharset);
  }

  public TableDef renamed(String newSchema, String newName) {
    return new TableDef(newSchema, newName, columns, defaultCharset);
  }

  public TableDef withDefaultCharset(String charset) {
    return new TableDef(schema, name, columns, charset);
  }
}
