package io.ferry.scripting;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Row changes as a script object: {@code schema}, {@code table}, {@code action}, {@code columns},
 * {@code rows}, and the methods that rename the table, rename, drop or add columns. Rows and their
 * values are made only when a script reads them; {@link #build()} rebuilds the change only when the
 * script changed something. Used by one thread.
 */
final class RowsHost extends ChangeHost {
  /** Up to this many columns a name is found by a scan; wider tables get a map. */
  private static final int SCAN_LIMIT = 16;

  final RowChanges rc;
  final int width;
  private String schema;
  private String table;
  private final List<ColumnSpec> specs;
  private final List<String> names;
  private final List<Object> addedValues = new ArrayList<>();
  private Map<String, Integer> index;
  private boolean structureChanged;
  boolean valuesChanged;
  int rowsDropped;
  private RowHost[] rows;
  private HostList rowList;
  private HostList columnList;
  private final Map<String, HostFunction> methods = new HashMap<>(4);

  RowsHost(RowChanges rc) {
    super(rc);
    this.rc = rc;
    this.width = rc.columns().size();
    this.schema = rc.schema();
    this.table = rc.table();
    this.specs = new ArrayList<>(rc.columns());
    this.names = new ArrayList<>(width);
    for (int i = 0; i < width; i++) {
      names.add(rc.columns().get(i).displayName(i));
    }
  }

  @Override
  Object get(String key) {
    return switch (key) {
      case "kind" -> "rows";
      case "schema" -> schema;
      case "table" -> table;
      case "action" -> rc.action().name().toLowerCase(Locale.ROOT);
      case "columns" -> columns();
      case "rows" -> rows();
      case "drop" -> dropFunction();
      case "rename", "renameColumn", "dropColumn", "addColumn" -> method(key);
      default -> null;
    };
  }

  @Override
  List<String> keys() {
    return List.of("kind", "schema", "table", "action", "columns", "rows");
  }

  @Override
  String what() {
    return "a rows change on " + schema + "." + table;
  }

  /** The position of a column by its current name, or -1. */
  int position(String name) {
    if (index == null) {
      int n = names.size();
      if (n <= SCAN_LIMIT) {
        for (int i = 0; i < n; i++) {
          if (name.equals(names.get(i))) {
            return i;
          }
        }
        return -1;
      }
      index = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        if (names.get(i) != null) {
          index.put(names.get(i), i);
        }
      }
    }
    Integer p = index.get(name);
    return p == null ? -1 : p;
  }

  ColumnSpec spec(int position) {
    return specs.get(position);
  }

  String name(int position) {
    return names.get(position);
  }

  int columnCount() {
    return names.size();
  }

  /** Whether the before (or after) image carries the column at a position. */
  boolean carries(int position, boolean after) {
    if (position >= width) {
      return after && rc.action() != Action.DELETE;
    }
    ColumnMask m = after ? rc.afterColumns() : rc.beforeColumns();
    return m != null && m.contains(position);
  }

  Object addedValue(int position) {
    return addedValues.get(position - width);
  }

  /** The column names an image carries, for messages and enumeration. */
  List<String> carried(boolean after) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i) != null && carries(i, after)) {
        out.add(names.get(i));
      }
    }
    return out;
  }

  private HostList rows() {
    if (rowList == null) {
      rows = new RowHost[rc.rows().size()];
      rowList =
          new HostList() {
            @Override
            int size() {
              return rows.length;
            }

            @Override
            Object get(int i) {
              RowHost r = rows[i];
              if (r == null) {
                r = new RowHost(RowsHost.this, rc.rows().get(i));
                rows[i] = r;
              }
              return r;
            }
          };
    }
    return rowList;
  }

  private HostList columns() {
    if (columnList == null) {
      List<HostObject> cols = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i) != null) {
          cols.add(new ColumnHost(names.get(i), specs.get(i)));
        }
      }
      columnList =
          new HostList() {
            @Override
            int size() {
              return cols.size();
            }

            @Override
            Object get(int i) {
              return cols.get(i);
            }
          };
    }
    return columnList;
  }

  private HostFunction method(String key) {
    return methods.computeIfAbsent(
        key,
        k ->
            switch (k) {
              case "rename" -> this::rename;
              case "renameColumn" -> this::renameColumn;
              case "dropColumn" -> this::dropColumn;
              default -> this::addColumn;
            });
  }

  private Object rename(Object[] args) {
    schema = Args.string(args, 0, "change.rename(schema, table)", "schema");
    table = Args.string(args, 1, "change.rename(schema, table)", "table");
    structureChanged = true;
    return null;
  }

  private Object renameColumn(Object[] args) {
    String m = "change.renameColumn(old, new)";
    int p = existing(Args.string(args, 0, m, "old name"), m);
    String to = Args.string(args, 1, m, "new name");
    if (position(to) >= 0) {
      throw new ScriptUsageException(m + ": " + what() + " already has a column '" + to + "'");
    }
    names.set(p, to);
    reshaped();
    return null;
  }

  private Object dropColumn(Object[] args) {
    String m = "change.dropColumn(name)";
    int p = existing(Args.string(args, 0, m, "name"), m);
    if (columnsLeft() == 1) {
      throw new ScriptUsageException(
          m + ": '" + names.get(p) + "' is the last column of " + what() + "; drop the change");
    }
    names.set(p, null);
    reshaped();
    return null;
  }

  private Object addColumn(Object[] args) {
    String m = "change.addColumn(name, type, value)";
    String name = Args.string(args, 0, m, "name");
    String typeText = Args.string(args, 1, m, "type");
    if (position(name) >= 0) {
      throw new ScriptUsageException(m + ": " + what() + " already has a column '" + name + "'");
    }
    SqlType type;
    try {
      type = SqlType.valueOf(typeText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ScriptUsageException(
          m
              + ": unknown type '"
              + typeText
              + "'; use a SQL type family like int, varchar, datetime");
    }
    ColumnSpec spec =
        new ColumnSpec(
            name,
            type,
            null,
            false,
            true,
            type.isCharacter() ? "utf8mb4" : null,
            false,
            0,
            0,
            List.of());
    Object value = ValueParser.parse(args.length > 2 ? args[2] : null, spec, name);
    specs.add(spec);
    names.add(name);
    addedValues.add(value);
    reshaped();
    return null;
  }

  private int columnsLeft() {
    int n = 0;
    for (String s : names) {
      n += s == null ? 0 : 1;
    }
    return n;
  }

  private int existing(String name, String method) {
    int p = position(name);
    if (p < 0) {
      throw new ScriptUsageException(
          method + ": " + what() + " has no column '" + name + "' (it has " + columnNames() + ")");
    }
    return p;
  }

  private List<String> columnNames() {
    List<String> out = new ArrayList<>();
    for (String s : names) {
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  private void reshaped() {
    structureChanged = true;
    index = null;
    columnList = null;
  }

  @Override
  boolean changed() {
    return dropped || structureChanged || valuesChanged || rowsDropped > 0;
  }

  @Override
  Change build() {
    if (dropped) {
      return null;
    }
    if (!changed()) {
      return rc;
    }
    return new RowsBuilder(this, schema, table, names, specs).build(rows);
  }
}
