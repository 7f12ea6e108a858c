package io.ferry.filters;

import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.Transaction;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * What the column and value filters share: rewriting a transaction change by change (the very same
 * transaction back when no change was rewritten), narrowing masks and images to a subset of
 * columns, and copies of column descriptions with one field changed. Stateless, except for {@link
 * ColumnLists}, which belongs to one filter instance.
 */
final class RowEdits {
  private RowEdits() {}

  /** Rewrites one change: null when it stays as it is, else the changes that replace it. */
  interface ChangeEdit {
    List<Change> edit(Change change);
  }

  /** The transaction with its changes rewritten, or the same object if none was. */
  static Transaction edit(Transaction tx, ChangeEdit edit) {
    List<Change> in = tx.changes();
    List<Change> out = null;
    for (int i = 0; i < in.size(); i++) {
      List<Change> replaced = edit.edit(in.get(i));
      if (replaced != null && out == null) {
        out = new ArrayList<>(in.subList(0, i));
      }
      if (out != null) {
        if (replaced == null) {
          out.add(in.get(i));
        } else {
          out.addAll(replaced);
        }
      }
    }
    return out == null ? tx : tx.withChanges(out);
  }

  /** The mask over the kept columns: position j of the result is position kept[j] of the mask. */
  static ColumnMask project(ColumnMask mask, int[] kept) {
    if (mask == null) {
      return null;
    }
    int[] positions = new int[kept.length];
    int n = 0;
    for (int j = 0; j < kept.length; j++) {
      if (mask.contains(kept[j])) {
        positions[n++] = j;
      }
    }
    return ColumnMask.of(kept.length, java.util.Arrays.copyOf(positions, n));
  }

  /** An image narrowed to the kept columns (null stays null). */
  static Object[] project(List<Object> image, boolean present, int[] kept) {
    if (!present) {
      return null;
    }
    Object[] out = new Object[kept.length];
    for (int j = 0; j < kept.length; j++) {
      out[j] = image.get(kept[j]);
    }
    return out;
  }

  /** An image with every column the mask does not carry set to null (absent). */
  static Object[] masked(List<Object> image, ColumnMask mask) {
    Object[] out = new Object[image.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = mask.contains(i) ? image.get(i) : null;
    }
    return out;
  }

  /** A row's before image, or null when it has none. */
  static Object[] before(Row row) {
    return row.hasBefore() ? row.beforeImage().toArray() : null;
  }

  /** A row's after image, or null when it has none. */
  static Object[] after(Row row) {
    return row.hasAfter() ? row.afterImage().toArray() : null;
  }

  /** The column with another name and key flag. */
  static ColumnSpec named(ColumnSpec c, String name, boolean key) {
    return new ColumnSpec(
        name,
        c.type(),
        c.typeName(),
        c.unsigned(),
        c.nullable(),
        c.charset(),
        key,
        c.length(),
        c.scale(),
        c.labels());
  }

  /** The column with its key flag cleared. */
  static ColumnSpec notKey(ColumnSpec c) {
    return new ColumnSpec(
        c.name(),
        c.type(),
        c.typeName(),
        c.unsigned(),
        c.nullable(),
        c.charset(),
        false,
        c.length(),
        c.scale(),
        c.labels());
  }

  /** Whether any column is flagged as part of the key. */
  static boolean anyKey(List<ColumnSpec> columns) {
    for (ColumnSpec c : columns) {
      if (c.key()) {
        return true;
      }
    }
    return false;
  }

  /** Whether the source named every column. */
  static boolean allNamed(List<ColumnSpec> columns) {
    for (ColumnSpec c : columns) {
      if (c.name() == null) {
        return false;
      }
    }
    return true;
  }

  /** The position of a column by name (case-insensitive, as MariaDB compares them), or -1. */
  static int indexOf(List<ColumnSpec> columns, String name) {
    for (int i = 0; i < columns.size(); i++) {
      String n = columns.get(i).name();
      if (n != null && n.equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Rewritten column lists, one object per input list: the THL encoder encodes a list once per
   * object, so a filter that returns an equal list for every change of a table hands back the same
   * object. Bounded; belongs to one filter instance (one thread).
   */
  static final class ColumnLists {
    private static final int MAX = 256;
    private final IdentityHashMap<List<ColumnSpec>, List<ColumnSpec>> byInput =
        new IdentityHashMap<>();

    /** The rewritten list, or an equal one handed out earlier for the same input list. */
    List<ColumnSpec> canonical(List<ColumnSpec> input, List<ColumnSpec> rewritten) {
      List<ColumnSpec> earlier = byInput.get(input);
      if (earlier != null && earlier.equals(rewritten)) {
        return earlier;
      }
      if (byInput.size() >= MAX) {
        byInput.clear();
      }
      List<ColumnSpec> copy = List.copyOf(rewritten);
      byInput.put(input, copy);
      return copy;
    }

    void clear() {
      byInput.clear();
    }
  }
}
