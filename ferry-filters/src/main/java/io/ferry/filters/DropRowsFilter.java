package io.ferry.filters;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.filter.SchemaView;
import io.ferry.core.pipeline.Filter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the rows of some tables whose column value passes a test (see {@link
 * DropRowsFilterFactory}). Each fragment is decided on its own. Thread-compatible (one task
 * thread).
 */
final class DropRowsFilter implements Filter {
  private static final Logger log = LoggerFactory.getLogger(DropRowsFilter.class);

  /** Which image is tested. */
  enum Image {
    AFTER_ELSE_BEFORE,
    AFTER,
    BEFORE,
    EITHER;

    static Image of(String setting) {
      return valueOf(setting.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
  }

  private final String name;
  private final List<NamePattern> tables;
  private final String column;
  private final Predicate<String> drop;
  private final Image image;
  private final Set<String> warned = new HashSet<>();
  private SchemaView schema = SchemaView.NONE;

  DropRowsFilter(
      String name, List<NamePattern> tables, String column, Predicate<String> drop, Image image) {
    this.name = name;
    this.tables = tables;
    this.column = column;
    this.drop = drop;
    this.image = image;
  }

  @Override
  public void prepare(FilterContext context) {
    schema = context.schema();
  }

  @Override
  public Transaction filter(Transaction tx) {
    if (tx.heartbeat() != null || tx.changes().isEmpty()) {
      return tx;
    }
    return ChangeEdit.apply(tx, this::edit);
  }

  private Change edit(Change c) {
    if (!(c instanceof RowChanges rc) || !NamePattern.anyTable(tables, rc.schema(), rc.table())) {
      return c;
    }
    int at = columnOf(rc);
    if (at < 0) {
      return c;
    }
    ColumnSpec spec = rc.columns().get(at);
    List<Row> kept = new ArrayList<>(rc.rows().size());
    for (Row row : rc.rows()) {
      if (!dropped(rc, row, at, spec)) {
        kept.add(row);
      }
    }
    if (kept.size() == rc.rows().size()) {
      return rc;
    }
    return kept.isEmpty() ? null : rc.withRows(kept);
  }

  private boolean dropped(RowChanges rc, Row row, int at, ColumnSpec spec) {
    boolean testAfter =
        row.hasAfter()
            && (image == Image.AFTER
                || image == Image.EITHER
                || (image == Image.AFTER_ELSE_BEFORE && rc.action() != Action.DELETE));
    boolean testBefore =
        row.hasBefore()
            && (image == Image.BEFORE
                || image == Image.EITHER
                || (image == Image.AFTER_ELSE_BEFORE && rc.action() == Action.DELETE));
    return (testAfter && test(rc.afterColumns(), row.after(at), at, spec))
        || (testBefore && test(rc.beforeColumns(), row.before(at), at, spec));
  }

  private boolean test(ColumnMask carried, Object value, int at, ColumnSpec spec) {
    return carried.contains(at) && drop.test(ValueText.of(value, spec));
  }

  /** The column's position: by the event's names, else by the schema view's; -1 if none. */
  private int columnOf(RowChanges rc) {
    List<ColumnSpec> cols = rc.columns();
    for (int i = 0; i < cols.size(); i++) {
      if (column.equalsIgnoreCase(cols.get(i).name())) {
        return i;
      }
    }
    Optional<SchemaView.TableView> view = schema.table(rc.schema(), rc.table());
    if (view.isPresent() && view.get().columns().size() == cols.size()) {
      List<String> names = view.get().columns();
      for (int i = 0; i < names.size(); i++) {
        if (cols.get(i).name() == null && column.equalsIgnoreCase(names.get(i))) {
          return i;
        }
      }
    }
    if (warned.add(rc.schema() + "." + rc.table())) {
      log.warn(
          "filter {}: table {}.{} has no column {} that its row events name; its rows pass",
          name,
          rc.schema(),
          rc.table(),
          column);
    }
    return -1;
  }

  @Override
  public String name() {
    return name;
  }
}
