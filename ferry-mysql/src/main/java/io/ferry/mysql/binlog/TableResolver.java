package io.ferry.mysql.binlog;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import io.ferry.core.position.NativePosition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Turns table maps into table layouts: from the table map's own full metadata when the source logs
 * it ({@code binlog_row_metadata=FULL}), else from the schema history's definition of the table at
 * that point of the binlog, checked against the table map's column types so that a row is never
 * read with the wrong definition. Caches layouts per table id. Not thread-safe.
 */
public final class TableResolver {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(TableResolver.class);

  /** Where column definitions come from when the table map does not carry them. */
  public interface Definitions {
    /** The table's columns as of now (the extractor's position), or null if unknown. */
    List<ColumnSpec> columns(String schema, String table);
  }

  /**
   * The fractional-seconds precision of a table's columns, by lower-case column name: MariaDB 5.3's
   * TIME, DATETIME and TIMESTAMP with fractions (mysql56_temporal_format=OFF) are logged under the
   * old type codes without it, and their size in a row depends on it.
   */
  public interface Precisions {
    /** Column name (lower case) to precision for the table as the source has it now; or null. */
    Map<String, Integer> of(String schema, String table);
  }

  private final IntFunction<String> charsetOfCollation;
  private final Definitions definitions;
  private final Precisions precisions;
  private final boolean mariaDb;
  private final Map<Long, byte[]> rawById = new HashMap<>();
  private final Map<Long, TableLayout> layoutById = new HashMap<>();

  /**
   * @param charsetOfCollation the source's collation id to character set name
   * @param definitions the schema history, or null if the source logs full metadata
   * @param precisions where to learn the precision of old-format temporal columns when the table
   *     map has full metadata (null: none, such columns cannot be read)
   * @param mariaDb whether the source is MariaDB (its table maps count YEAR as numeric)
   */
  public TableResolver(
      IntFunction<String> charsetOfCollation,
      Definitions definitions,
      Precisions precisions,
      boolean mariaDb) {
    this.charsetOfCollation = charsetOfCollation;
    this.definitions = definitions;
    this.precisions = precisions;
    this.mariaDb = mariaDb;
  }

  /** For a MariaDB source, without a catalog to ask. */
  public TableResolver(IntFunction<String> charsetOfCollation, Definitions definitions) {
    this(charsetOfCollation, definitions, null, true);
  }

  private static boolean oldTemporal(int real) {
    return real == ColumnTypes.TIME
        || real == ColumnTypes.DATETIME
        || real == ColumnTypes.TIMESTAMP;
  }

  /**
   * The metadata of each column, with the precision of old-format temporal columns (which the table
   * map does not carry) filled in from the source's catalog.
   */
  private int[] metadata(TableMap map) {
    int[] meta = map.meta.clone();
    Map<String, Integer> known = null;
    for (int i = 0; i < meta.length; i++) {
      if (!oldTemporal(map.realTypes[i])) {
        continue;
      }
      if (known == null) {
        known = precisions == null ? null : precisions.of(map.schema(), map.table());
        if (known == null) {
          // Gone from the source (dropped or renamed since): such columns are nearly always the
          // old whole-second ones; a fractional one would not decode, and says so.
          LOG.warn(
              "{} has a TIME, DATETIME or TIMESTAMP column in the old binlog format whose"
                  + " precision the source's catalog no longer tells (the table is gone): read as"
                  + " whole seconds",
              map.describe());
          known = Map.of();
        }
      }
      Integer p = known.get(map.names[i].toLowerCase(java.util.Locale.ROOT));
      meta[i] = p == null ? 0 : p;
    }
    return meta;
  }

  /** Parses a TABLE_MAP event body and resolves its layout (cached while the bytes repeat). */
  public TableLayout resolve(byte[] body, NativePosition at) {
    long tableId = RowsEventParser.tableId(body);
    byte[] known = rawById.get(tableId);
    if (known != null && Arrays.equals(known, body)) {
      return layoutById.get(tableId);
    }
    TableMap map = TableMap.parse(body, mariaDb);
    TableLayout layout = map.hasFullMetadata() ? fromMetadata(map) : fromDefinitions(map, at);
    rawById.put(tableId, body);
    layoutById.put(tableId, layout);
    return layout;
  }

  /** The layout of a table id seen in this stream, or null. */
  public TableLayout layout(long tableId) {
    return layoutById.get(tableId);
  }

  /** Forgets cached layouts (after DDL, so the next table map is resolved afresh). */
  public void clear() {
    rawById.clear();
    layoutById.clear();
  }

  private TableLayout fromMetadata(TableMap map) {
    int n = map.columnCount();
    int[] meta = metadata(map);
    List<ColumnSpec> specs = new ArrayList<>(n);
    List<BinlogColumn> columns = new ArrayList<>(n);
    java.util.Set<Integer> pk = new java.util.HashSet<>();
    if (map.primaryKey != null) {
      for (int k : map.primaryKey) {
        pk.add(k);
      }
    }
    for (int i = 0; i < n; i++) {
      int real = map.realTypes[i];
      Integer collation = map.collations == null ? null : map.collations[i];
      String charset = collation == null ? null : charsetOfCollation.apply(collation);
      boolean character = ColumnTypes.isCharacter(real) && real != ColumnTypes.GEOMETRY;
      boolean binary =
          character && (collation == null || collation == 63 || "binary".equals(charset));
      boolean unsigned = map.unsigned != null && BinlogInput.bit(map.unsigned, i);
      List<String> labels = map.labels.get(i);
      ColumnSpec spec =
          new ColumnSpec(
              map.names[i],
              sqlType(real, binary),
              typeName(real, meta[i], unsigned, labels),
              unsigned,
              BinlogInput.bit(map.nullable, i),
              binary || !character ? null : charset,
              pk.contains(i),
              length(real, meta[i]),
              scale(real, meta[i]),
              labels == null ? List.of() : labels);
      specs.add(spec);
      columns.add(new BinlogColumn(map.types[i], real, meta[i], spec, binary));
    }
    return new TableLayout(map, specs, columns);
  }

  private TableLayout fromDefinitions(TableMap map, NativePosition at) {
    String where = at == null ? "" : " at " + at.text();
    if (definitions == null) {
      throw new BinlogFormatException(
          "the table map of "
              + map.schema()
              + "."
              + map.table()
              + where
              + " carries no column names, and no schema history is kept: set"
              + " binlog_row_metadata=FULL on the source");
    }
    List<ColumnSpec> known = definitions.columns(map.schema(), map.table());
    if (known == null) {
      throw new BinlogFormatException(
          "no definition of "
              + map.schema()
              + "."
              + map.table()
              + where
              + ": the source logs"
              + " binlog_row_metadata=MINIMAL and the schema history has no record of this table"
              + " (was it created before the history began?). Set binlog_row_metadata=FULL on the"
              + " source, or reset the service's schema history at a position where the table"
              + " exists.");
    }
    if (known.size() != map.columnCount()) {
      throw outOfStep(map, where, "it has " + known.size() + " columns");
    }
    List<BinlogColumn> columns = new ArrayList<>();
    for (int i = 0; i < known.size(); i++) {
      ColumnSpec spec = known.get(i);
      int real = map.realTypes[i];
      if (!compatible(spec.type(), real)) {
        throw outOfStep(
            map,
            where,
            "its column "
                + (i + 1)
                + " ("
                + spec.name()
                + ") is "
                + spec.type()
                + " where the binlog has "
                + ColumnTypes.name(real));
      }
      boolean character = ColumnTypes.isCharacter(real) && real != ColumnTypes.GEOMETRY;
      boolean binary = character && (spec.charset() == null || "binary".equals(spec.charset()));
      int meta = oldTemporal(real) ? spec.scale() : map.meta[i];
      columns.add(new BinlogColumn(map.types[i], real, meta, spec, binary));
    }
    return new TableLayout(map, known, columns);
  }

  private static BinlogFormatException outOfStep(TableMap map, String where, String detail) {
    return new BinlogFormatException(
        "the schema history is out of step with the binlog for "
            + map.schema()
            + "."
            + map.table()
            + where
            + ": the binlog has "
            + map.describe()
            + ", the history "
            + detail
            + ". Ferry will not read rows with the wrong definition; reset the schema"
            + " history or set binlog_row_metadata=FULL on the source.");
  }

  static boolean compatible(SqlType type, int real) {
    return sqlType(real, false) == type || sqlType(real, true) == type;
  }

  static SqlType sqlType(int real, boolean binary) {
    return switch (real) {
      case ColumnTypes.TINY -> SqlType.TINYINT;
      case ColumnTypes.SHORT -> SqlType.SMALLINT;
      case ColumnTypes.INT24 -> SqlType.MEDIUMINT;
      case ColumnTypes.LONG -> SqlType.INT;
      case ColumnTypes.LONGLONG -> SqlType.BIGINT;
      case ColumnTypes.DECIMAL, ColumnTypes.NEWDECIMAL -> SqlType.DECIMAL;
      case ColumnTypes.FLOAT -> SqlType.FLOAT;
      case ColumnTypes.DOUBLE -> SqlType.DOUBLE;
      case ColumnTypes.YEAR -> SqlType.YEAR;
      case ColumnTypes.DATE, ColumnTypes.NEWDATE -> SqlType.DATE;
      case ColumnTypes.TIME, ColumnTypes.TIME2 -> SqlType.TIME;
      case ColumnTypes.DATETIME, ColumnTypes.DATETIME2 -> SqlType.DATETIME;
      case ColumnTypes.TIMESTAMP, ColumnTypes.TIMESTAMP2 -> SqlType.TIMESTAMP;
      case ColumnTypes.BIT -> SqlType.BIT;
      case ColumnTypes.ENUM -> SqlType.ENUM;
      case ColumnTypes.SET -> SqlType.SET;
      case ColumnTypes.JSON -> SqlType.JSON;
      case ColumnTypes.GEOMETRY -> SqlType.GEOMETRY;
      case ColumnTypes.STRING -> binary ? SqlType.BINARY : SqlType.CHAR;
      case ColumnTypes.VARCHAR, ColumnTypes.VAR_STRING, ColumnTypes.VARCHAR_COMPRESSED ->
          binary ? SqlType.VARBINARY : SqlType.VARCHAR;
      case ColumnTypes.BLOB,
          ColumnTypes.TINY_BLOB,
          ColumnTypes.MEDIUM_BLOB,
          ColumnTypes.LONG_BLOB,
          ColumnTypes.BLOB_COMPRESSED ->
          binary ? SqlType.BLOB : SqlType.TEXT;
      default -> SqlType.OTHER;
    };
  }

  private static int length(int real, int meta) {
    return switch (real) {
      case ColumnTypes.NEWDECIMAL -> meta >> 8;
      case ColumnTypes.VARCHAR, ColumnTypes.VAR_STRING -> meta;
      case ColumnTypes.VARCHAR_COMPRESSED -> meta - 1; // one byte for the compression header
      case ColumnTypes.STRING -> TableMap.stringLength(meta);
      case ColumnTypes.BIT -> (meta & 0xFF) * 8 + (meta >> 8);
      default -> 0;
    };
  }

  private static int scale(int real, int meta) {
    return switch (real) {
      case ColumnTypes.NEWDECIMAL -> meta & 0xFF;
      case ColumnTypes.TIME2,
          ColumnTypes.DATETIME2,
          ColumnTypes.TIMESTAMP2,
          ColumnTypes.TIME,
          ColumnTypes.DATETIME,
          ColumnTypes.TIMESTAMP ->
          meta;
      default -> 0;
    };
  }

  private static String typeName(int real, int meta, boolean unsigned, List<String> labels) {
    String u = unsigned ? " unsigned" : "";
    return switch (real) {
      case ColumnTypes.TINY -> "tinyint" + u;
      case ColumnTypes.SHORT -> "smallint" + u;
      case ColumnTypes.INT24 -> "mediumint" + u;
      case ColumnTypes.LONG -> "int" + u;
      case ColumnTypes.LONGLONG -> "bigint" + u;
      case ColumnTypes.NEWDECIMAL -> "decimal(" + (meta >> 8) + "," + (meta & 0xFF) + ")" + u;
      case ColumnTypes.FLOAT -> "float" + u;
      case ColumnTypes.DOUBLE -> "double" + u;
      case ColumnTypes.TIME2, ColumnTypes.TIME -> meta > 0 ? "time(" + meta + ")" : "time";
      case ColumnTypes.DATETIME2, ColumnTypes.DATETIME ->
          meta > 0 ? "datetime(" + meta + ")" : "datetime";
      case ColumnTypes.TIMESTAMP2, ColumnTypes.TIMESTAMP ->
          meta > 0 ? "timestamp(" + meta + ")" : "timestamp";
      case ColumnTypes.BIT -> "bit(" + ((meta & 0xFF) * 8 + (meta >> 8)) + ")";
      case ColumnTypes.ENUM, ColumnTypes.SET -> {
        String base = real == ColumnTypes.ENUM ? "enum" : "set";
        if (labels == null) {
          yield base;
        }
        StringBuilder sb = new StringBuilder(base).append('(');
        for (int i = 0; i < labels.size(); i++) {
          sb.append(i == 0 ? "" : ",")
              .append('\'')
              .append(labels.get(i).replace("'", "''"))
              .append('\'');
        }
        yield sb.append(')').toString();
      }
      default -> null;
    };
  }
}
