package io.ferry.mysql.binlog;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowImage;
import java.util.ArrayList;
import java.util.List;

/** Parses WRITE/UPDATE/DELETE rows events (v1 and v2) into row changes. Stateless. */
final class RowsEventParser {
  static final int STMT_END = 1;
  static final int NO_FOREIGN_KEY_CHECKS = 2;
  static final int RELAXED_UNIQUE_CHECKS = 4;

  private RowsEventParser() {}

  /** The table id a rows event refers to (to find its table map first). */
  static long tableId(byte[] body) {
    return new BinlogInput(body).uintLE(6);
  }

  /** The rows event's flags (STMT_END, NO_FOREIGN_KEY_CHECKS, RELAXED_UNIQUE_CHECKS). */
  static int flags(byte[] body) {
    BinlogInput in = new BinlogInput(body);
    in.skip(6);
    return in.u16();
  }

  static RowChanges parse(byte[] body, Action action, boolean v2, TableLayout layout) {
    BinlogInput in = new BinlogInput(body);
    in.skip(6);
    in.u16();
    if (v2) {
      int extra = in.u16();
      in.skip(Math.max(0, extra - 2));
    }
    int width = (int) in.packed();
    if (width != layout.columns().size()) {
      throw new BinlogFormatException(
          "rows event for "
              + layout.schema()
              + "."
              + layout.table()
              + " has "
              + width
              + " columns, its table map "
              + layout.columns().size());
    }
    long[] first = in.bitmap(width);
    long[] second = action == Action.UPDATE ? in.bitmap(width) : null;
    ColumnMask before = null;
    ColumnMask after = null;
    switch (action) {
      case INSERT -> after = ColumnMask.fromWords(width, first);
      case DELETE -> before = ColumnMask.fromWords(width, first);
      case UPDATE -> {
        before = ColumnMask.fromWords(width, first);
        after = ColumnMask.fromWords(width, second);
      }
    }
    List<BinlogColumn> columns = layout.binlogColumns();
    List<Row> rows = new ArrayList<>();
    while (in.hasRemaining()) {
      Object[] b = before == null ? null : image(in, before, columns, layout);
      Object[] a = after == null ? null : image(in, after, columns, layout);
      rows.add(Row.owning(b, a));
    }
    return new RowChanges(
        layout.schema(),
        layout.table(),
        action,
        layout.columns(),
        imageType(before, after, layout),
        before,
        after,
        rows);
  }

  private static Object[] image(
      BinlogInput in, ColumnMask present, List<BinlogColumn> columns, TableLayout layout) {
    int width = columns.size();
    Object[] values = new Object[width];
    int presentCount = present.cardinality();
    long[] nulls = in.bitmap(presentCount);
    int p = 0;
    for (int i = 0; i < width; i++) {
      if (!present.contains(i)) {
        continue;
      }
      boolean isNull = BinlogInput.bit(nulls, p++);
      if (!isNull) {
        try {
          values[i] = ValueDecoder.decode(in, columns.get(i));
        } catch (RuntimeException e) {
          throw new BinlogFormatException(
              "cannot decode column "
                  + (i + 1)
                  + " ("
                  + columns.get(i).spec().displayName(i)
                  + ", "
                  + ColumnTypes.name(columns.get(i).realType())
                  + ") of "
                  + layout.schema()
                  + "."
                  + layout.table()
                  + ": "
                  + e.getMessage(),
              e);
        }
      }
    }
    return values;
  }

  private static RowImage imageType(ColumnMask before, ColumnMask after, TableLayout layout) {
    boolean beforeAll = before == null || before.isAll();
    boolean afterAll = after == null || after.isAll();
    if (beforeAll && afterAll) {
      return RowImage.FULL;
    }
    if (before != null && !beforeAll) {
      boolean keyOnly = true;
      for (int i = 0; i < before.width(); i++) {
        if (before.contains(i) && !layout.columns().get(i).key()) {
          keyOnly = false;
        }
      }
      return keyOnly ? RowImage.MINIMAL : RowImage.NOBLOB;
    }
    return RowImage.MINIMAL;
  }
}
