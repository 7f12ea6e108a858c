package io.ferry.filters;

import io.ferry.core.config.Setting;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.util.List;
import java.util.Set;

/** The {@code drop-columns} filter type. Stateless and thread-safe. */
public final class DropColumnsFactory implements FilterFactory {
  static final Setting<List<NamePattern>> COLUMNS =
      new Setting<>(
          "columns",
          PatternTypes.COLUMNS,
          null,
          true,
          Set.of(),
          false,
          "The columns to remove from row changes, as comma-separated schema.table.column patterns"
              + " (* matches any run of characters, ? one character; quote a name with a dot in"
              + " `backquotes`). Columns are matched by name, so a source that does not send column"
              + " names needs the colnames filter before this one. A dropped key column leaves the"
              + " target to locate rows by the columns that remain.");

  @Override
  public String type() {
    return "drop-columns";
  }

  @Override
  public String summary() {
    return "Removes columns from row changes: from the column list, both row images and masks.";
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(COLUMNS);
  }

  @Override
  public Filter create(FilterSettings settings) {
    List<NamePattern> columns = settings.get(COLUMNS);
    if (columns == null || columns.isEmpty()) {
      throw new IllegalArgumentException(
          settings.key(COLUMNS.key())
              + " is required: list the columns to drop, like "
              + settings.key(COLUMNS.key())
              + " = shop.customers.ssn, *.*.password");
    }
    return new DropColumnsFilter(settings.name(), columns);
  }
}
