package io.ferry.filters;

import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts the values of row changes of the tables it is given into the forms a heterogeneous
 * target needs ({@link Conversion}), and declares their columns accordingly: an ENUM column whose
 * values become label strings is declared VARCHAR, so that appliers, encoders and the THL agree
 * with the values. A column is converted in a row change only if every value it carries there can
 * be: an ENUM value whose label is unknown (no label in the value, index beyond the column's
 * labels) leaves the column as it is in that change, with a warning once per table and column.
 * Conversions look at one value at a time, so they work on every fragment alike. Not thread-safe:
 * one stage task.
 */
public final class ConvertFilter implements Filter {
  private static final Logger LOG = LoggerFactory.getLogger(ConvertFilter.class);

  private final String name;
  private final Set<Conversion> conversions;
  private final List<NamePattern> tables;
  private final RowEdits.ColumnLists lists = new RowEdits.ColumnLists();
  private final TableWarnings warnings = new TableWarnings(LOG);

  public ConvertFilter(String name, Set<Conversion> conversions, List<NamePattern> tables) {
    this.name = name;
    this.conversions =
        conversions.isEmpty() ? EnumSet.noneOf(Conversion.class) : EnumSet.copyOf(conversions);
    this.tables = List.copyOf(tables);
  }

  @Override
  public String name() {
    return name;
  }

  /** The conversions it makes. */
  public Set<String> conversions() {
    Set<String> out = new java.util.TreeSet<>();
    conversions.forEach(c -> out.add(c.setting()));
    return out;
  }

  TableWarnings warnings() {
    return warnings;
  }

  @Override
  public Transaction filter(Transaction tx) {
    if (conversions.isEmpty()) {
      return tx;
    }
    return RowEdits.edit(tx, this::edit);
  }

  private List<Change> edit(Change c) {
    if (c instanceof RowChanges rc && NamePattern.anyTable(tables, rc.schema(), rc.table())) {
      return convert(rc);
    }
    return null;
  }

  private List<Change> convert(RowChanges rc) {
    List<ColumnSpec> columns = new ArrayList<>(rc.columns());
    Object[][] before = new Object[rc.rows().size()][];
    Object[][] after = new Object[rc.rows().size()][];
    boolean changed = false;
    for (int i = 0; i < columns.size(); i++) {
      Conversion conversion = conversionOf(columns.get(i));
      if (conversion != null) {
        changed |= column(rc, i, conversion, columns, before, after);
      }
    }
    if (!changed) {
      return null;
    }
    List<Row> rows = new ArrayList<>(rc.rows().size());
    for (int r = 0; r < rc.rows().size(); r++) {
      Row row = rc.rows().get(r);
      rows.add(
          before[r] == null && after[r] == null
              ? row
              : Row.owning(
                  before[r] != null ? before[r] : RowEdits.before(row),
                  after[r] != null ? after[r] : RowEdits.after(row)));
    }
    return List.of(
        new RowChanges(
            rc.schema(),
            rc.table(),
            rc.action(),
            lists.canonical(rc.columns(), columns),
            rc.image(),
            rc.beforeColumns(),
            rc.afterColumns(),
            rows));
  }

  private Conversion conversionOf(ColumnSpec c) {
    for (Conversion conversion : conversions) {
      if (conversion.appliesTo(c)) {
        return conversion;
      }
    }
    return null;
  }

  /**
   * Converts column i in every image that carries it, into the copies {@code before} and {@code
   * after} (made when first needed), and declares it anew; returns whether anything changed.
   */
  private boolean column(
      RowChanges rc,
      int i,
      Conversion conversion,
      List<ColumnSpec> columns,
      Object[][] before,
      Object[][] after) {
    ColumnSpec spec = columns.get(i);
    List<Row> rows = rc.rows();
    Object[] newBefore = new Object[rows.size()];
    Object[] newAfter = new Object[rows.size()];
    boolean valueChanged = false;
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      if (rc.beforeColumns() != null && rc.beforeColumns().contains(i)) {
        newBefore[r] = convert(conversion, row.before(i), spec);
        valueChanged |= newBefore[r] != row.before(i);
      }
      if (rc.afterColumns() != null && rc.afterColumns().contains(i)) {
        newAfter[r] = convert(conversion, row.after(i), spec);
        valueChanged |= newAfter[r] != row.after(i);
      }
      if (newBefore[r] == Conversion.UNCONVERTIBLE || newAfter[r] == Conversion.UNCONVERTIBLE) {
        unconvertible(
            rc,
            i,
            conversion,
            Conversion.UNCONVERTIBLE == newBefore[r] ? row.before(i) : row.after(i));
        return false;
      }
    }
    ColumnSpec declared =
        valueChanged || declaresAlways(conversion) ? conversion.declare(spec) : spec;
    if (!valueChanged && declared.equals(spec)) {
      return false;
    }
    columns.set(i, declared);
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      if (rc.beforeColumns() != null && rc.beforeColumns().contains(i)) {
        image(before, r, row, true)[i] = newBefore[r];
      }
      if (rc.afterColumns() != null && rc.afterColumns().contains(i)) {
        image(after, r, row, false)[i] = newAfter[r];
      }
    }
    return true;
  }

  /**
   * Whether the column's declaration changes even when no value does (its type changes, so every
   * change of the table must say so, NULLs only or not); a nullable flag changes only with a value.
   */
  private static boolean declaresAlways(Conversion conversion) {
    return conversion != Conversion.ZERO_DATES_AS_NULL;
  }

  private static Object convert(Conversion conversion, Object v, ColumnSpec spec) {
    return v == null ? null : conversion.convert(v, spec);
  }

  private static Object[] image(Object[][] images, int r, Row row, boolean isBefore) {
    if (images[r] == null) {
      images[r] = isBefore ? RowEdits.before(row) : RowEdits.after(row);
    }
    return images[r];
  }

  private void unconvertible(RowChanges rc, int i, Conversion conversion, Object value) {
    String column = rc.columns().get(i).displayName(i);
    warnings.warn(
        rc.schema(),
        rc.table(),
        conversion.setting() + ":" + column,
        "filter "
            + name
            + ": "
            + conversion.setting()
            + " cannot convert "
            + value
            + " in column "
            + rc.schema()
            + "."
            + rc.table()
            + "."
            + column
            + "; the column passes unconverted in such changes"
            + (conversion == Conversion.ENUM_AS_LABEL || conversion == Conversion.SET_AS_LABELS
                ? " (its labels are not known: set binlog_row_metadata=FULL on the source)"
                : " (the value is not of the column's type " + rc.columns().get(i).type() + ")"));
  }
}
