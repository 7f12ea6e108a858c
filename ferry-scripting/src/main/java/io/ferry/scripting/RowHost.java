package io.ferry.scripting;

import io.ferry.core.event.Row;
import java.util.List;

/**
 * One row of a rows change as a script object: {@code before}, {@code after} (null/nil where the
 * action has no such image) and {@code drop()}. Values are copied only when the script writes one.
 * Used by one thread.
 */
final class RowHost extends HostObject {
  final RowsHost owner;
  final Row row;
  boolean dropped;

  /** Written values, by position, made on the first write to that image; null until then. */
  Object[] before;

  Object[] after;
  private ImageHost beforeView;
  private ImageHost afterView;
  private HostFunction drop;

  RowHost(RowsHost owner, Row row) {
    this.owner = owner;
    this.row = row;
  }

  @Override
  Object get(String key) {
    return switch (key) {
      case "before" -> beforeImage();
      case "after" -> afterImage();
      case "drop" -> dropFunction();
      default -> null;
    };
  }

  private ImageHost beforeImage() {
    if (!row.hasBefore()) {
      return null;
    }
    if (beforeView == null) {
      beforeView = new ImageHost(this, false);
    }
    return beforeView;
  }

  private ImageHost afterImage() {
    if (!row.hasAfter()) {
      return null;
    }
    if (afterView == null) {
      afterView = new ImageHost(this, true);
    }
    return afterView;
  }

  private HostFunction dropFunction() {
    if (drop == null) {
      drop =
          args -> {
            Args.none(args, "row.drop()");
            if (!dropped) {
              dropped = true;
              owner.rowsDropped++;
            }
            return null;
          };
    }
    return drop;
  }

  /** The current value at a position of one image (Ferry's value type, not the script's). */
  Object value(int position, boolean ofAfter) {
    Object[] written = ofAfter ? after : before;
    if (written != null) {
      return written[position];
    }
    if (position >= owner.width) {
      return ofAfter ? owner.addedValue(position) : null;
    }
    return ofAfter ? row.after(position) : row.before(position);
  }

  void write(int position, boolean ofAfter, Object value) {
    Object[] written = ofAfter ? after : before;
    if (written == null || written.length < owner.columnCount()) {
      Object[] copy = new Object[owner.columnCount()];
      for (int i = 0; i < copy.length; i++) {
        copy[i] = written != null && i < written.length ? written[i] : value(i, ofAfter);
      }
      written = copy;
      if (ofAfter) {
        after = copy;
      } else {
        before = copy;
      }
    }
    written[position] = value;
    owner.valuesChanged = true;
  }

  @Override
  List<String> keys() {
    return List.of("before", "after");
  }

  @Override
  String what() {
    return "a row of " + owner.what();
  }
}
