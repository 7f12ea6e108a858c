package io.ferry.filters;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
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
 * DropRowsFilterFactory}). With {@code image = after-else-before} (or {@code either}) the target
 * holds exactly the source's rows that do not match: an update is tested on both images, and one
 * that moves a row across the rule becomes a delete (kept to dropped) or an insert (dropped to
 * kept). Each fragment is decided on its own. Thread-compatible (one task thread).
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

  /** What becomes of one row. */
  private enum Outcome {
    KEEP,
    DROP,
    /** An update of a kept row to a dropped value: the row leaves the target. */
    DELETE,
    /** An update of a dropped row to a kept value: the row arrives on the target. */
    INSERT
  }

  private final String name;
  private final List<NamePattern> tables;
  private final String column;
  private final Predicate<String> drop;
  private final Image image;
  private final boolean failOnMissing;
  private final Set<String> warned = new HashSet<>();
  private SchemaView schema = SchemaView.NONE;

  DropRowsFilter(
      String name,
      List<NamePattern> tables,
      String column,
      Predicate<String> drop,
      Image image,
      boolean failOnMissing) {
    this.name = name;
    this.tables = tables;
    this.column = column;
    this.drop = drop;
    this.image = image;
    this.failOnMissing = failOnMissing;
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
    return ChangeEdit.applyEach(tx, c -> edit(tx, c));
  }

  private List<Change> edit(Transaction tx, Change c) {
    if (!(c instanceof RowChanges rc) || !NamePattern.anyTable(tables, rc.schema(), rc.table())) {
      return List.of(c);
    }
    int at = columnOf(rc);
    if (at < 0) {
      return List.of(c);
    }
    List<Change> out = new ArrayList<>();
    Outcome runOf = null;
    List<Row> run = new ArrayList<>();
    for (Row row : rc.rows()) {
      Outcome o = outcome(tx, rc, row, at);
      if (o == Outcome.DROP) {
        continue;
      }
      if (o != runOf && !run.isEmpty()) {
        out.add(changes(rc, runOf, run));
        run = new ArrayList<>();
      }
      runOf = o;
      run.add(
          o == Outcome.DELETE
              ? Row.of(row.beforeImage().toArray(), null)
              : o == Outcome.INSERT ? Row.owning(null, insertImage(rc, row)) : row);
    }
    if (!run.isEmpty()) {
      if (out.isEmpty() && runOf == Outcome.KEEP && run.size() == rc.rows().size()) {
        return List.of(rc); // nothing dropped or moved
      }
      out.add(changes(rc, runOf, run));
    }
    return out;
  }

  /**
   * Whether an update's rows can become inserts: every column is in the after image, or unchanged
   * and in the before image.
   */
  private static boolean wholeAfter(RowChanges rc) {
    for (int i = 0; i < rc.columns().size(); i++) {
      if (!rc.afterColumns().contains(i) && !rc.beforeColumns().contains(i)) {
        return false;
      }
    }
    return true;
  }

  /** The whole row after an update: its after image, completed by the unchanged before values. */
  private static Object[] insertImage(RowChanges rc, Row row) {
    Object[] image = new Object[rc.columns().size()];
    for (int i = 0; i < image.length; i++) {
      image[i] = rc.afterColumns().contains(i) ? row.after(i) : row.before(i);
    }
    return image;
  }

  private static RowChanges changes(RowChanges rc, Outcome o, List<Row> rows) {
    return switch (o) {
      case KEEP -> rc.withRows(rows);
      case DELETE ->
          new RowChanges(
              rc.schema(),
              rc.table(),
              Action.DELETE,
              rc.columns(),
              rc.image(),
              rc.beforeColumns(),
              null,
              rows);
      case INSERT ->
          new RowChanges(
              rc.schema(),
              rc.table(),
              Action.INSERT,
              rc.columns(),
              rc.image(),
              null,
              io.ferry.core.event.ColumnMask.all(rc.columns().size()),
              rows);
      case DROP -> throw new IllegalStateException("dropped rows make no change");
    };
  }

  private Outcome outcome(Transaction tx, RowChanges rc, Row row, int at) {
    boolean testBefore = rc.action() != Action.INSERT && image != Image.AFTER;
    boolean testAfter = rc.action() != Action.DELETE && image != Image.BEFORE;
    if (!testBefore && !testAfter) {
      return Outcome.KEEP; // after: deletes pass; before: inserts pass
    }
    boolean afterCarried = testAfter && rc.afterColumns().contains(at);
    // an update's after image leaves out what the statement did not change (MINIMAL images, or
    // optimize-updates upstream): the before image's value is then the after value too
    boolean unchanged =
        testAfter
            && !afterCarried
            && rc.action() == Action.UPDATE
            && rc.beforeColumns().contains(at);
    if ((testBefore && !rc.beforeColumns().contains(at))
        || (testAfter && !afterCarried && !unchanged)) {
      if (failOnMissing) {
        throw missing(tx, rc, at, testBefore && !rc.beforeColumns().contains(at));
      }
      return Outcome.KEEP;
    }
    ColumnSpec spec = rc.columns().get(at);
    Object afterValue = afterCarried ? row.after(at) : row.before(at);
    boolean before = testBefore && drop.test(ValueText.of(row.before(at), spec));
    boolean after = testAfter && drop.test(ValueText.of(afterValue, spec));
    if (!testBefore || !testAfter) {
      return before || after ? Outcome.DROP : Outcome.KEEP;
    }
    if (before == after) {
      return before ? Outcome.DROP : Outcome.KEEP;
    }
    if (after) {
      return Outcome.DELETE;
    }
    if (!wholeAfter(rc)) {
      throw new RoutingFailure(
          prefix(tx, rc)
              + "an update moves the row "
              + key(rc, row)
              + " from a dropped to a kept value of column "
              + spec.displayName(at)
              + " ("
              + shown(row.before(at), spec)
              + " to "
              + shown(afterValue, spec)
              + "), so the target must get it as an insert, but its images carry only columns "
              + rc.beforeColumns()
              + " and "
              + rc.afterColumns()
              + " of "
              + rc.columns().size()
              + " (row image "
              + rc.image()
              + "). Log full row images on the source (binlog_row_image = FULL) and put drop-rows"
              + " before filters that narrow images (pkey); for the rows logged already, insert the"
              + " row on the target by hand and skip this seqno",
          tx.seqno(),
          tx.header().nativePosition());
    }
    return Outcome.INSERT;
  }

  private RoutingFailure missing(Transaction tx, RowChanges rc, int at, boolean beforeImage) {
    return new RoutingFailure(
        prefix(tx, rc)
            + "the "
            + (beforeImage ? "before" : "after")
            + " image of a row "
            + rc.action()
            + " does not carry column "
            + rc.columns().get(at).displayName(at)
            + " (binlog_row_image = "
            + rc.image()
            + "), so the filter cannot tell whether the row is dropped. Set binlog_row_image ="
            + " FULL on the source, or filter."
            + name
            + ".on-missing = keep to pass such rows untested",
        tx.seqno(),
        tx.header().nativePosition());
  }

  private String prefix(Transaction tx, RowChanges rc) {
    return "filter "
        + name
        + " (drop-rows): seqno "
        + tx.seqno()
        + ", table "
        + rc.schema()
        + "."
        + rc.table()
        + ": ";
  }

  private static String shown(Object value, ColumnSpec spec) {
    String text = ValueText.of(value, spec);
    return text == null ? "NULL" : "'" + text + "'";
  }

  /** The row's key columns as {@code (id=7)}, from the before image; empty when none is known. */
  private static String key(RowChanges rc, Row row) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rc.columns().size(); i++) {
      ColumnSpec c = rc.columns().get(i);
      if (c.key() && rc.beforeColumns().contains(i)) {
        sb.append(sb.length() == 0 ? "(" : ", ")
            .append(c.displayName(i))
            .append('=')
            .append(shown(row.before(i), c));
      }
    }
    return sb.length() == 0 ? "" : sb.append(')').toString();
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
