package io.ferry.warehouse;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One table's share of a batch: a CSV file of its row changes in order, each line {@code seq, op,
 * columns...}: op {@code D} deletes the key, {@code I} makes the image the key's latest. An update
 * that keeps its key is one {@code I} line (the merge deletes every key it stages); an update that
 * changes it is {@code D} of the old key and {@code I} of the new. The merge then keeps, per key,
 * the line with the highest seq: so an insert and a delete of one key in one batch leave nothing,
 * and an update chain leaves its last image. Memory holds only the file's buffer. Not thread-safe.
 */
final class StagedTable {
  final String schema;
  final String table;
  final List<ColumnSpec> columns;
  final List<String> names;
  final List<String> keys;
  final Path file;
  private final int[] keyIndex;
  private final StoreKind[] kinds;
  private final WarehouseDialect dialect;
  private Writer out;
  private long rows;
  private long bytes;

  StagedTable(
      String schema,
      String table,
      List<ColumnSpec> columns,
      Map<String, String> storeColumns,
      WarehouseDialect dialect,
      Path file) {
    this.schema = schema;
    this.table = table;
    this.columns = List.copyOf(columns);
    this.dialect = dialect;
    this.file = file;
    List<String> n = new ArrayList<>();
    List<String> k = new ArrayList<>();
    List<Integer> ki = new ArrayList<>();
    kinds = new StoreKind[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      ColumnSpec c = columns.get(i);
      String name = c.displayName(i);
      n.add(name);
      String type = storeColumns.get(name);
      kinds[i] = dialect.kind(type);
      if (c.key()) {
        k.add(name);
        ki.add(i);
      }
    }
    names = List.copyOf(n);
    keys = List.copyOf(k);
    keyIndex = ki.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Whether a change with these columns can share this file. */
  boolean fits(List<ColumnSpec> other) {
    return columns.equals(other);
  }

  long rows() {
    return rows;
  }

  long bytes() {
    return bytes;
  }

  /** Stages the delete of a before image's key. */
  void delete(long seq, Row row) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    sb.append(seq).append(",D");
    int k = 0;
    for (int i = 0; i < columns.size(); i++) {
      sb.append(',');
      if (k < keyIndex.length && keyIndex[k] == i) {
        sb.append(CsvValues.field(row.before(i), columns.get(i), kinds[i], dialect));
        k++;
      } else {
        sb.append(CsvValues.NULL);
      }
    }
    line(sb);
  }

  /** Stages an after image as its key's latest. */
  void insert(long seq, Row row) throws IOException {
    StringBuilder sb = new StringBuilder(128);
    sb.append(seq).append(",I");
    for (int i = 0; i < columns.size(); i++) {
      sb.append(',').append(CsvValues.field(row.after(i), columns.get(i), kinds[i], dialect));
    }
    line(sb);
  }

  /** Whether an update changes the row's key. */
  boolean keyChanged(Row row) {
    for (int i : keyIndex) {
      if (!io.ferry.core.value.Values.equal(row.before(i), row.after(i))) {
        return true;
      }
    }
    return false;
  }

  private void line(StringBuilder sb) throws IOException {
    sb.append('\n');
    if (out == null) {
      out =
          new BufferedWriter(
              new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16);
    }
    out.append(sb);
    rows++;
    bytes += sb.length();
  }

  /** Ends the file, ready to load. */
  void finish() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
  }

  /** Closes and removes the file. */
  void discard() {
    try {
      finish();
    } catch (IOException e) {
      // being thrown away
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // removed at the next start
    }
  }
}
