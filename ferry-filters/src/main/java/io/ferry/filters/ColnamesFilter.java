package io.ferry.filters;

import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.filter.SchemaView;
import io.ferry.core.pipeline.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names the columns of row changes whose source did not name them, and flags their key columns when
 * none is flagged, from the schema view of its side: column i gets the name of the table's i-th
 * column. The view describes the table as it is now, not as it was when the change was logged, so a
 * view with another number of columns than the change (the table changed since) leaves the change
 * as it is, with a warning once per table; so does a view that names a column the change already
 * names otherwise. After a statement that may change definitions passes, the view forgets the
 * schemas it touched and the warnings about them. Works on every fragment alike. Not thread-safe:
 * one stage task.
 */
public final class ColnamesFilter implements Filter {
  private static final Logger LOG = LoggerFactory.getLogger(ColnamesFilter.class);

  private final String name;
  private final RowEdits.ColumnLists lists = new RowEdits.ColumnLists();
  private final TableWarnings warnings = new TableWarnings(LOG);
  private final SchemaChanges schemaChanges = new SchemaChanges();
  private SchemaView schema = SchemaView.NONE;

  public ColnamesFilter(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void prepare(FilterContext context) {
    schema = context.schema();
  }

  TableWarnings warnings() {
    return warnings;
  }

  @Override
  public Transaction filter(Transaction tx) {
    return RowEdits.edit(tx, this::edit);
  }

  private List<Change> edit(Change c) {
    if (c instanceof SqlStatement st) {
      for (String s : schemaChanges.passed(st, schema)) {
        warnings.forgetSchema(s);
      }
      lists.clear();
      return null;
    }
    if (c instanceof RowChanges rc) {
      return name(rc);
    }
    return null;
  }

  private List<Change> name(RowChanges rc) {
    List<ColumnSpec> columns = rc.columns();
    boolean named = RowEdits.allNamed(columns);
    boolean keyed = RowEdits.anyKey(columns);
    if (named && keyed) {
      return null;
    }
    schemaChanges.asked(rc.schema());
    Optional<SchemaView.TableView> found = schema.table(rc.schema(), rc.table());
    if (found.isEmpty()) {
      warn(rc, "table", "the schema view has no table " + qualified(rc));
      return null;
    }
    SchemaView.TableView view = found.get();
    if (view.columns().size() != columns.size()) {
      warn(
          rc,
          "width",
          qualified(rc)
              + " has "
              + view.columns().size()
              + " columns now but its row change has "
              + columns.size()
              + " (the table changed since the change was logged)");
      return null;
    }
    List<ColumnSpec> out = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      ColumnSpec c = columns.get(i);
      String viewName = view.columns().get(i);
      if (c.name() != null && !c.name().equalsIgnoreCase(viewName)) {
        warn(
            rc,
            "names",
            "column "
                + (i + 1)
                + " of "
                + qualified(rc)
                + " is "
                + c.name()
                + " in the row change but "
                + viewName
                + " in the schema view (the table changed since the change was logged)");
        return null;
      }
      boolean key = keyed ? c.key() : containsIgnoreCase(view.key(), viewName);
      out.add(RowEdits.named(c, c.name() != null ? c.name() : viewName, key));
    }
    if (out.equals(columns)) {
      return null;
    }
    return List.of(
        new RowChanges(
            rc.schema(),
            rc.table(),
            rc.action(),
            lists.canonical(columns, out),
            rc.image(),
            rc.beforeColumns(),
            rc.afterColumns(),
            rc.rows()));
  }

  private void warn(RowChanges rc, String subject, String what) {
    warnings.warn(
        rc.schema(),
        rc.table(),
        subject,
        "filter "
            + name
            + ": "
            + what
            + "; its row changes pass as they are (set binlog_row_metadata=FULL on the source so"
            + " that it names columns and keys itself)");
  }

  private static boolean containsIgnoreCase(List<String> names, String name) {
    for (String n : names) {
      if (n.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static String qualified(RowChanges rc) {
    return rc.schema() + "." + rc.table();
  }
}
