package io.ferry.scripting;

import java.util.List;

/**
 * A row image as a script object: its members are the columns the image carries, by name ({@code
 * @n}, 1-based, for unnamed columns). Reading converts the value then (see {@link ScriptValues});
 * writing converts by the column's type (see {@link ValueParser}). Used by one thread.
 */
final class ImageHost extends HostObject {
  private final RowHost row;
  private final boolean after;

  ImageHost(RowHost row, boolean after) {
    this.row = row;
    this.after = after;
  }

  @Override
  Object get(String key) {
    RowsHost rows = row.owner;
    int p = rows.position(key);
    if (p < 0 || !rows.carries(p, after)) {
      return null;
    }
    return ScriptValues.toScript(row.value(p, after));
  }

  @Override
  boolean has(String key) {
    int p = row.owner.position(key);
    return p >= 0 && row.owner.carries(p, after);
  }

  @Override
  void set(String key, Object value) {
    RowsHost rows = row.owner;
    int p = rows.position(key);
    if (p < 0 || !rows.carries(p, after)) {
      throw new ScriptUsageException(
          "the "
              + (after ? "after" : "before")
              + " image of "
              + row.what()
              + " has no column '"
              + key
              + "' (it carries "
              + rows.carried(after)
              + ")");
    }
    row.write(p, after, ValueParser.parse(value, rows.spec(p), key));
  }

  @Override
  List<String> keys() {
    return row.owner.carried(after);
  }

  @Override
  String what() {
    return "the " + (after ? "after" : "before") + " image of " + row.what();
  }
}
