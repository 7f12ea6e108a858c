package io.ferry.mysql.binlog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed TABLE_MAP event: the table a following rows event changes, its column types and type
 * metadata, and, when the server logs {@code binlog_row_metadata=FULL}, column names, signedness,
 * collations, ENUM/SET labels and the primary key. Immutable after parsing.
 */
public final class TableMap {
  final long tableId;
  final String schema;
  final String table;
  final int[] types;
  final int[] meta;

  /** The real type behind STRING (CHAR, BINARY, ENUM, SET), else the type. */
  final int[] realTypes;

  final long[] nullable;

  /** Optional metadata; null where the server did not log it. */
  String[] names;

  long[] unsigned;
  Integer[] collations;
  List<List<String>> labels;
  int[] primaryKey;

  private TableMap(
      long tableId, String schema, String table, int[] types, int[] meta, long[] nullable) {
    this.tableId = tableId;
    this.schema = schema;
    this.table = table;
    this.types = types;
    this.meta = meta;
    this.nullable = nullable;
    this.realTypes = new int[types.length];
    for (int i = 0; i < types.length; i++) {
      realTypes[i] = realType(types[i], meta[i]);
    }
  }

  public long tableId() {
    return tableId;
  }

  public String schema() {
    return schema;
  }

  public String table() {
    return table;
  }

  public int columnCount() {
    return types.length;
  }

  /** Whether the server logged column names (binlog_row_metadata=FULL). */
  public boolean hasFullMetadata() {
    return names != null;
  }

  static int realType(int type, int meta) {
    if (type == ColumnTypes.STRING && meta >= 256) {
      int byte0 = meta >> 8;
      if ((byte0 & 0x30) != 0x30) {
        return byte0 | 0x30; // a long CHAR: the length's high bits are folded into byte 0
      }
      if (byte0 == ColumnTypes.ENUM || byte0 == ColumnTypes.SET) {
        return byte0;
      }
    }
    return type;
  }

  /** The data length of a STRING column (CHAR/BINARY max bytes, or ENUM/SET pack length). */
  static int stringLength(int meta) {
    if (meta < 256) {
      return meta;
    }
    int byte0 = meta >> 8;
    int byte1 = meta & 0xFF;
    if ((byte0 & 0x30) != 0x30) {
      return byte1 | (((byte0 & 0x30) ^ 0x30) << 4);
    }
    return byte1;
  }

  /** Parses a TABLE_MAP event body of a MariaDB source (see below). */
  static TableMap parse(byte[] body) {
    return parse(body, true);
  }

  /**
   * Parses a TABLE_MAP event body (post-header and body, no checksum). MariaDB counts YEAR among
   * the numeric columns whose signedness the optional metadata lists (its YEAR is a TINYINT), MySQL
   * does not: read with the wrong rule, every signed integer after a YEAR column takes its
   * neighbour's bit.
   */
  static TableMap parse(byte[] body, boolean mariaDb) {
    BinlogInput in = new BinlogInput(body);
    long tableId = in.uintLE(6);
    in.u16(); // flags
    int schemaLength = in.u8();
    String schema = in.utf8(schemaLength);
    in.u8();
    int tableLength = in.u8();
    String table = in.utf8(tableLength);
    in.u8();
    int count = (int) in.packed();
    int[] types = new int[count];
    for (int i = 0; i < count; i++) {
      types[i] = in.u8();
    }
    long metaLength = in.packed();
    int metaEnd = in.position() + (int) metaLength;
    int[] meta = new int[count];
    for (int i = 0; i < count; i++) {
      meta[i] =
          switch (ColumnTypes.metadataBytes(types[i])) {
            case 1 -> in.u8();
            case 2 ->
                types[i] == ColumnTypes.VARCHAR
                        || types[i] == ColumnTypes.VAR_STRING
                        || types[i] == ColumnTypes.VARCHAR_COMPRESSED
                    ? in.u16()
                    : (in.u8() << 8) | in.u8();
            default -> 0;
          };
    }
    if (in.position() != metaEnd) {
      throw new BinlogFormatException(
          "table map of "
              + schema
              + "."
              + table
              + ": type metadata ends at "
              + in.position()
              + ", expected "
              + metaEnd);
    }
    long[] nullable = in.bitmap(count);
    TableMap map = new TableMap(tableId, schema, table, types, meta, nullable);
    map.parseOptionalMetadata(in, mariaDb);
    return map;
  }

  private void parseOptionalMetadata(BinlogInput in, boolean mariaDb) {
    int count = types.length;
    List<Integer> numeric = new ArrayList<>();
    List<Integer> character = new ArrayList<>();
    List<Integer> enums = new ArrayList<>();
    List<Integer> sets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (ColumnTypes.isNumeric(types[i]) || (mariaDb && types[i] == ColumnTypes.YEAR)) {
        numeric.add(i);
      }
      if (ColumnTypes.isCharacter(realTypes[i])) {
        character.add(i);
      }
      if (realTypes[i] == ColumnTypes.ENUM) {
        enums.add(i);
      }
      if (realTypes[i] == ColumnTypes.SET) {
        sets.add(i);
      }
    }
    List<Integer> enumsAndSets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (realTypes[i] == ColumnTypes.ENUM || realTypes[i] == ColumnTypes.SET) {
        enumsAndSets.add(i);
      }
    }
    while (in.hasRemaining()) {
      int fieldType = in.u8();
      int length = (int) in.packed();
      byte[] data = in.bytes(length);
      BinlogInput field = new BinlogInput(data);
      switch (fieldType) {
        case 1 -> { // SIGNEDNESS: one bit per numeric column, most significant bit first
          unsigned = new long[(count + 63) / 64];
          for (int j = 0; j < numeric.size() && j / 8 < data.length; j++) {
            if ((data[j / 8] & (0x80 >> (j % 8))) != 0) {
              int col = numeric.get(j);
              unsigned[col >>> 6] |= 1L << col;
            }
          }
        }
        case 2 -> assignCollations(defaultCharset(field, character.size()), character);
        case 3 -> assignCollations(columnCharset(field, character.size()), character);
        case 4 -> {
          names = new String[count];
          for (int i = 0; i < count; i++) {
            names[i] = field.utf8((int) field.packed());
          }
        }
        case 5 -> assignLabels(field, sets);
        case 6 -> assignLabels(field, enums);
        case 8 -> {
          List<Integer> pk = new ArrayList<>();
          while (field.hasRemaining()) {
            pk.add((int) field.packed());
          }
          primaryKey = pk.stream().mapToInt(Integer::intValue).toArray();
        }
        case 9 -> {
          List<Integer> pk = new ArrayList<>();
          while (field.hasRemaining()) {
            pk.add((int) field.packed());
            field.packed(); // prefix length
          }
          primaryKey = pk.stream().mapToInt(Integer::intValue).toArray();
        }
        case 10 -> assignCollations(defaultCharset(field, enumsAndSets.size()), enumsAndSets);
        case 11 -> assignCollations(columnCharset(field, enumsAndSets.size()), enumsAndSets);
        default -> {
          // GEOMETRY_TYPE (7), VISIBILITY (12) and newer fields: not needed
        }
      }
    }
    if (labels == null) {
      labels = emptyLabels(count);
    }
  }

  private static List<List<String>> emptyLabels(int count) {
    List<List<String>> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      list.add(null);
    }
    return list;
  }

  private static int[] defaultCharset(BinlogInput field, int columns) {
    int[] result = new int[columns];
    int defaultCollation = (int) field.packed();
    java.util.Arrays.fill(result, defaultCollation);
    while (field.hasRemaining()) {
      int index = (int) field.packed();
      int collation = (int) field.packed();
      if (index < columns) {
        result[index] = collation;
      }
    }
    return result;
  }

  private static int[] columnCharset(BinlogInput field, int columns) {
    int[] result = new int[columns];
    for (int i = 0; i < columns && field.hasRemaining(); i++) {
      result[i] = (int) field.packed();
    }
    return result;
  }

  private void assignCollations(int[] byPosition, List<Integer> columns) {
    if (collations == null) {
      collations = new Integer[types.length];
    }
    for (int j = 0; j < byPosition.length && j < columns.size(); j++) {
      collations[columns.get(j)] = byPosition[j];
    }
  }

  private void assignLabels(BinlogInput field, List<Integer> columns) {
    if (labels == null) {
      labels = emptyLabels(types.length);
    }
    for (int col : columns) {
      if (!field.hasRemaining()) {
        break;
      }
      int n = (int) field.packed();
      List<String> values = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        values.add(field.utf8((int) field.packed()));
      }
      labels.set(col, values);
    }
  }

  /** A short description for errors: {@code d.t (5 columns: LONG, VARCHAR, ...)}. */
  String describe() {
    StringBuilder sb = new StringBuilder(schema).append('.').append(table).append(" (");
    for (int i = 0; i < types.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(ColumnTypes.name(realTypes[i]));
    }
    return sb.append(')').toString();
  }

  static Map<Long, TableMap> newCache() {
    return new HashMap<>();
  }
}
