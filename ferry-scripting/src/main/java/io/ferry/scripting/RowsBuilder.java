package io.ferry.scripting;

import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the rows change a script asked for: the kept columns under their new names, the added
 * ones, masks that say which image carries which of them, and the kept rows with their values
 * (written ones where the script wrote). Returns null when no row is left. Used once, by one
 * thread.
 */
final class RowsBuilder {
  private final RowsHost host;
  private final String schema;
  private final String table;
  private final List<String> names;
  private final List<ColumnSpec> specs;
  private final int[] keep;

  RowsBuilder(
      RowsHost host, String schema, String table, List<String> names, List<ColumnSpec> specs) {
    this.host = host;
    this.schema = schema;
    this.table = table;
    this.names = names;
    this.specs = specs;
    int n = 0;
    int[] k = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i) != null) {
        k[n++] = i;
      }
    }
    this.keep = java.util.Arrays.copyOf(k, n);
  }

  RowChanges build(RowHost[] touched) {
    RowChanges rc = host.rc;
    List<ColumnSpec> columns = new ArrayList<>(keep.length);
    for (int p : keep) {
      columns.add(renamed(p));
    }
    List<Row> rows = new ArrayList<>(rc.rows().size());
    for (int i = 0; i < rc.rows().size(); i++) {
      RowHost r = touched == null ? null : touched[i];
      if (r != null && r.dropped) {
        continue;
      }
      Row original = rc.rows().get(i);
      rows.add(
          Row.owning(
              original.hasBefore() ? image(r, original, false) : null,
              original.hasAfter() ? image(r, original, true) : null));
    }
    if (rows.isEmpty()) {
      return null;
    }
    return new RowChanges(
        schema,
        table,
        rc.action(),
        columns,
        rc.image(),
        rc.beforeColumns() == null ? null : mask(false),
        rc.afterColumns() == null ? null : mask(true),
        rows);
  }

  private ColumnSpec renamed(int p) {
    ColumnSpec s = specs.get(p);
    String name = names.get(p);
    if (name.equals(s.name()) || (s.name() == null && name.equals(s.displayName(p)))) {
      return s;
    }
    return new ColumnSpec(
        name,
        s.type(),
        s.typeName(),
        s.unsigned(),
        s.nullable(),
        s.charset(),
        s.key(),
        s.length(),
        s.scale(),
        s.labels());
  }

  private Object[] image(RowHost r, Row original, boolean after) {
    Object[] out = new Object[keep.length];
    for (int j = 0; j < keep.length; j++) {
      int p = keep[j];
      if (r != null) {
        out[j] = r.value(p, after);
      } else if (p < host.width) {
        out[j] = after ? original.after(p) : original.before(p);
      } else {
        out[j] = after ? host.addedValue(p) : null;
      }
    }
    return out;
  }

  private ColumnMask mask(boolean after) {
    int[] positions = new int[keep.length];
    int n = 0;
    for (int j = 0; j < keep.length; j++) {
      if (host.carries(keep[j], after)) {
        positions[n++] = j;
      }
    }
    return ColumnMask.of(keep.length, java.util.Arrays.copyOf(positions, n));
  }
}
