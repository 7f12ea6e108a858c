package io.ferry.mysql.binlog;

import io.ferry.core.event.ColumnSpec;
import java.util.List;

/**
 * A table as a rows event needs it: the table map's binlog types with Ferry's column descriptions
 * (from the table map's full metadata or from the schema history). Immutable.
 */
public record TableLayout(
    TableMap map, List<ColumnSpec> columns, List<BinlogColumn> binlogColumns) {
  public TableLayout {
    columns = List.copyOf(columns);
    binlogColumns = List.copyOf(binlogColumns);
  }

  public String schema() {
    return map.schema();
  }

  public String table() {
    return map.table();
  }
}
