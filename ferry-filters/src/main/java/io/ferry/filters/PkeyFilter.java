package io.ferry.filters;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowImage;
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
 * Narrows the before images of updates and deletes to the key columns, for targets that locate rows
 * by key only. The key is the columns flagged {@link ColumnSpec#key()}, else the key the schema
 * view gives for the table (those columns are then flagged in the output, so that the change says
 * what its before image is). The before images stay full-width arrays with null where a column is
 * not carried; the before mask says which are; the row image becomes {@link RowImage#MINIMAL},
 * which is what it now is. After images are untouched.
 *
 * <p>A MariaDB/MySQL target locates each row by its own key, which must be among the carried
 * columns (else it stops with an error naming the missing columns), or, when the target table has
 * no key, by the carried columns. A change whose before image lacks a key column (logged MINIMAL
 * with another key) is passed on as it is. Works on every fragment alike; after a statement that
 * may change definitions passes, the view forgets the schemas it touched. Not thread-safe: one
 * stage task.
 */
public final class PkeyFilter implements Filter {
  private static final Logger LOG = LoggerFactory.getLogger(PkeyFilter.class);

  private final String name;
  private final boolean failWithoutKey;
  private final RowEdits.ColumnLists lists = new RowEdits.ColumnLists();
  private final TableWarnings warnings = new TableWarnings(LOG);
  private final SchemaChanges schemaChanges = new SchemaChanges();
  private SchemaView schema = SchemaView.NONE;
  private String service = "";

  public PkeyFilter(String name, boolean failWithoutKey) {
    this.name = name;
    this.failWithoutKey = failWithoutKey;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void prepare(FilterContext context) {
    schema = context.schema();
    service = context.service();
  }

  TableWarnings warnings() {
    return warnings;
  }

  @Override
  public Transaction filter(Transaction tx) {
    return RowEdits.edit(tx, c -> edit(c, tx));
  }

  private List<Change> edit(Change c, Transaction tx) {
    if (c instanceof SqlStatement st) {
      for (String s : schemaChanges.passed(st, schema)) {
        warnings.forgetSchema(s);
      }
      lists.clear();
      return null;
    }
    if (c instanceof RowChanges rc && rc.action() != Action.INSERT) {
      return narrow(rc, tx);
    }
    return null;
  }

  private List<Change> narrow(RowChanges rc, Transaction tx) {
    int[] key = keyColumns(rc);
    if (key == null) {
      return noKey(rc, tx);
    }
    ColumnMask before = rc.beforeColumns();
    for (int k : key) {
      if (!before.contains(k)) {
        warnings.warn(
            rc.schema(),
            rc.table(),
            "image",
            "filter "
                + name
                + ": the before images of "
                + qualified(rc)
                + " (row image "
                + rc.image()
                + ") lack key column "
                + rc.columns().get(k).displayName(k)
                + "; its changes pass unchanged");
        return null;
      }
    }
    ColumnMask keyMask = ColumnMask.of(rc.columns().size(), key);
    boolean flag = !RowEdits.anyKey(rc.columns());
    if (keyMask.equals(before) && !flag) {
      return null;
    }
    List<ColumnSpec> columns = rc.columns();
    if (flag) {
      List<ColumnSpec> flagged = new ArrayList<>(columns);
      for (int k : key) {
        ColumnSpec spec = columns.get(k);
        flagged.set(k, RowEdits.named(spec, spec.name(), true));
      }
      columns = lists.canonical(rc.columns(), flagged);
    }
    List<Row> rows = new ArrayList<>(rc.rows().size());
    for (Row row : rc.rows()) {
      rows.add(Row.owning(RowEdits.masked(row.beforeImage(), keyMask), RowEdits.after(row)));
    }
    return List.of(
        new RowChanges(
            rc.schema(),
            rc.table(),
            rc.action(),
            columns,
            RowImage.MINIMAL,
            keyMask,
            rc.afterColumns(),
            rows));
  }

  /** The key's positions: the flagged columns, else the view's key; null when neither knows. */
  private int[] keyColumns(RowChanges rc) {
    List<ColumnSpec> columns = rc.columns();
    List<Integer> flagged = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).key()) {
        flagged.add(i);
      }
    }
    if (!flagged.isEmpty()) {
      return flagged.stream().mapToInt(Integer::intValue).toArray();
    }
    schemaChanges.asked(rc.schema());
    Optional<SchemaView.TableView> view = schema.table(rc.schema(), rc.table());
    if (view.isEmpty() || view.get().key().isEmpty()) {
      return null;
    }
    return positions(columns, view.get());
  }

  /**
   * The view's key columns as positions of the change: by name when the change names its columns,
   * else by position when the view has as many columns; null when they cannot be matched.
   */
  private static int[] positions(List<ColumnSpec> columns, SchemaView.TableView view) {
    boolean byName = RowEdits.allNamed(columns);
    if (!byName && view.columns().size() != columns.size()) {
      return null;
    }
    int[] key = new int[view.key().size()];
    for (int k = 0; k < key.length; k++) {
      String column = view.key().get(k);
      key[k] = byName ? RowEdits.indexOf(columns, column) : indexIgnoreCase(view.columns(), column);
      if (key[k] < 0) {
        return null;
      }
    }
    java.util.Arrays.sort(key);
    return key;
  }

  private static int indexIgnoreCase(List<String> names, String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  private List<Change> noKey(RowChanges rc, Transaction tx) {
    String what =
        "filter "
            + name
            + ": no key is known for "
            + qualified(rc)
            + " (no column of the row change is flagged as key and the schema view of service "
            + service
            + " gives none)";
    if (failWithoutKey) {
      throw new IllegalStateException(
          what
              + " at seqno "
              + tx.seqno()
              + ": give the table a primary key, or set filter."
              + name
              + ".on-no-key = keep to pass its changes with whole before images");
    }
    warnings.warn(rc.schema(), rc.table(), "key", what + "; its changes pass unchanged");
    return null;
  }

  private static String qualified(RowChanges rc) {
    return rc.schema() + "." + rc.table();
  }
}
