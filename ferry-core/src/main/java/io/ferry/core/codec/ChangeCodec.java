package io.ferry.core.codec;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowImage;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SessionVariable;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.SqlType;
import java.util.ArrayList;
import java.util.List;

/** Encodes the changes of a transaction (docs/thl-format.md, "Changes"). Stateless. */
final class ChangeCodec {
  static final int ROWS = 1;
  static final int STATEMENT = 2;
  static final int ROWS_QUERY = 3;

  private static final int FLAG_UNSIGNED = 1;
  private static final int FLAG_NULLABLE = 2;
  private static final int FLAG_KEY = 4;

  private ChangeCodec() {}

  /**
   * Encoded column lists by identity: the row changes of one table share one list (until its
   * definition changes), so its encoding is done once. Not thread-safe: one per codec.
   */
  static final class ColumnCache {
    private final java.util.IdentityHashMap<List<ColumnSpec>, byte[]> map =
        new java.util.IdentityHashMap<>();

    byte[] get(List<ColumnSpec> columns) {
      return map.get(columns);
    }

    void put(List<ColumnSpec> columns, byte[] encoded) {
      if (map.size() >= 256) {
        map.clear();
      }
      map.put(columns, encoded);
    }
  }

  private static void writeColumns(ByteWriter w, List<ColumnSpec> columns) {
    w.varint(columns.size());
    for (ColumnSpec c : columns) {
      w.nullableString(c.name());
      w.u8(c.type().code());
      w.nullableString(c.typeName());
      w.u8(
          (c.unsigned() ? FLAG_UNSIGNED : 0)
              | (c.nullable() ? FLAG_NULLABLE : 0)
              | (c.key() ? FLAG_KEY : 0));
      w.nullableString(c.charset());
      w.varint(c.length());
      w.varint(c.scale());
      w.varint(c.labels().size());
      for (String label : c.labels()) {
        w.string(label);
      }
    }
  }

  static void write(ByteWriter w, Change change, ColumnCache cache) {
    if (change instanceof RowChanges rc) {
      w.u8(ROWS);
      writeRows(w, rc, cache);
    } else if (change instanceof SqlStatement st) {
      w.u8(STATEMENT);
      w.string(st.charset());
      w.bytes(st.unsafeSql());
      w.nullableString(st.defaultSchema());
      w.varint(st.session().size());
      for (SessionVariable v : st.session()) {
        w.string(v.name());
        ValueCodec.write(w, v.value());
      }
    } else if (change instanceof RowsQuery q) {
      w.u8(ROWS_QUERY);
      w.string(q.text());
    }
  }

  static Change read(ByteReader r) {
    int kind = r.u8();
    switch (kind) {
      case ROWS:
        return readRows(r);
      case STATEMENT:
        {
          String charset = r.string();
          byte[] sql = r.bytes();
          String schema = r.nullableString();
          int n = r.count();
          List<SessionVariable> session = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            session.add(new SessionVariable(r.string(), ValueCodec.read(r)));
          }
          return SqlStatement.owning(sql, charset, schema, session);
        }
      case ROWS_QUERY:
        return new RowsQuery(r.string());
      default:
        throw new CodecException("unknown change kind " + kind + " at byte " + (r.position() - 1));
    }
  }

  private static void writeRows(ByteWriter w, RowChanges rc, ColumnCache cache) {
    w.string(rc.schema());
    w.string(rc.table());
    w.u8(rc.action().code());
    w.u8(rc.image().code());
    List<ColumnSpec> columns = rc.columns();
    byte[] encoded = cache == null ? null : cache.get(columns);
    if (encoded != null) {
      w.raw(encoded, 0, encoded.length);
    } else {
      int start = w.size();
      writeColumns(w, columns);
      if (cache != null) {
        cache.put(columns, java.util.Arrays.copyOfRange(w.array(), start, w.size()));
      }
    }
    writeMask(w, rc.beforeColumns());
    writeMask(w, rc.afterColumns());
    w.varint(rc.rows().size());
    int width = columns.size();
    ColumnMask before = rc.beforeColumns();
    ColumnMask after = rc.afterColumns();
    for (Row row : rc.rows()) {
      if (before != null) {
        for (int i = 0; i < width; i++) {
          if (before.contains(i)) {
            ValueCodec.write(w, row.before(i));
          }
        }
      }
      if (after != null) {
        for (int i = 0; i < width; i++) {
          if (after.contains(i)) {
            ValueCodec.write(w, row.after(i));
          }
        }
      }
    }
  }

  private static RowChanges readRows(ByteReader r) {
    String schema = r.string();
    String table = r.string();
    Action action = enumOf(r, () -> Action.ofCode(r.u8()));
    RowImage image = enumOf(r, () -> RowImage.ofCode(r.u8()));
    int width = r.count();
    List<ColumnSpec> columns = new ArrayList<>(width);
    for (int i = 0; i < width; i++) {
      String name = r.nullableString();
      SqlType type = enumOf(r, () -> SqlType.ofCode(r.u8()));
      String typeName = r.nullableString();
      int flags = r.u8();
      String charset = r.nullableString();
      int length = r.varint();
      int scale = r.varint();
      int labelCount = r.count();
      List<String> labels = labelCount == 0 ? List.of() : new ArrayList<>(labelCount);
      for (int j = 0; j < labelCount; j++) {
        labels.add(r.string());
      }
      columns.add(
          new ColumnSpec(
              name,
              type,
              typeName,
              (flags & FLAG_UNSIGNED) != 0,
              (flags & FLAG_NULLABLE) != 0,
              charset,
              (flags & FLAG_KEY) != 0,
              length,
              scale,
              labels));
    }
    ColumnMask before = readMask(r, width);
    ColumnMask after = readMask(r, width);
    int rowCount = r.count();
    List<Row> rows = new ArrayList<>(rowCount);
    for (int n = 0; n < rowCount; n++) {
      Object[] b = before == null ? null : readImage(r, before, width);
      Object[] a = after == null ? null : readImage(r, after, width);
      rows.add(Row.owning(b, a));
    }
    try {
      return new RowChanges(schema, table, action, columns, image, before, after, rows);
    } catch (IllegalArgumentException e) {
      throw new CodecException("inconsistent row change ending at byte " + r.position(), e);
    }
  }

  private static Object[] readImage(ByteReader r, ColumnMask mask, int width) {
    Object[] image = new Object[width];
    for (int i = 0; i < width; i++) {
      if (mask.contains(i)) {
        image[i] = ValueCodec.read(r);
      }
    }
    return image;
  }

  private static void writeMask(ByteWriter w, ColumnMask mask) {
    if (mask == null) {
      w.u8(0);
      return;
    }
    if (mask.isAll()) {
      w.u8(1);
      return;
    }
    w.u8(2);
    long[] words = mask.words();
    for (long word : words) {
      w.varlong(word);
    }
  }

  private static ColumnMask readMask(ByteReader r, int width) {
    int kind = r.u8();
    switch (kind) {
      case 0:
        return null;
      case 1:
        return ColumnMask.all(width);
      case 2:
        {
          long[] words = new long[(width + 63) / 64];
          for (int i = 0; i < words.length; i++) {
            words[i] = r.varlong();
          }
          return ColumnMask.fromWords(width, words);
        }
      default:
        throw new CodecException(
            "unknown column mask kind " + kind + " at byte " + (r.position() - 1));
    }
  }

  private interface EnumRead<T> {
    T read();
  }

  private static <T> T enumOf(ByteReader r, EnumRead<T> read) {
    int at = r.position();
    try {
      return read.read();
    } catch (IllegalArgumentException e) {
      throw new CodecException(e.getMessage() + " at byte " + at, e);
    }
  }
}
