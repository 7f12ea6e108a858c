package io.ferry.mysql.check;

import io.ferry.core.event.TransactionOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a check or repair transaction carries: the source's marker row ({@code
 * ferry_<service>.check_marker}), turned by the extractor into transaction options so that it
 * travels through every log and filter like a heartbeat. Immutable.
 *
 * @param checkId the run
 * @param kind what the transaction is
 * @param schema the table's schema
 * @param table the table
 * @param chunk the chunk's number from 1 (for {@link Kind#END}: how many chunks the table had)
 * @param keys the key the chunks follow, in order (empty: the whole table is one chunk)
 * @param columns the columns the checksum covers, in the table's order
 * @param lower the chunk's first key (inclusive), empty for none
 * @param upper the next chunk's first key (exclusive), empty for none
 * @param where a condition the run adds to every chunk, or empty
 * @param rows the rows the source counted in the chunk (for {@link Kind#END}: in the table)
 * @param checksum the source's checksum of the chunk (hex), empty for a repair or an end
 */
public record ChunkMarker(
    String checkId,
    Kind kind,
    String schema,
    String table,
    int chunk,
    List<String> keys,
    List<String> columns,
    List<Object> lower,
    List<Object> upper,
    String where,
    long rows,
    String checksum) {

  /** What a marker asks of the targets. */
  public enum Kind {
    /** Compare this chunk with the checksum. */
    CHUNK,
    /** Every chunk of the table has been sent. */
    END,
    /** Replace this chunk with the source's rows, which follow in the same transaction. */
    REPAIR;

    String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The marker table's name in the service's heartbeat schema on the source. */
  public static final String TABLE = "check_marker";

  /** The prefix of the tables a repair copies a chunk's rows through on the source. */
  public static final String REPAIR_PREFIX = "repair_";

  public ChunkMarker {
    keys = List.copyOf(keys);
    columns = List.copyOf(columns);
    lower = List.copyOf(lower);
    upper = List.copyOf(upper);
    where = where == null ? "" : where;
    checksum = checksum == null ? "" : checksum;
  }

  /** The marker table, as the source keeps it (one row, rewritten for each marker). */
  public static String createTable(String schema) {
    return "CREATE TABLE IF NOT EXISTS `"
        + schema
        + "`."
        + TABLE
        + " (id INT NOT NULL PRIMARY KEY, check_id VARCHAR(64) NOT NULL,"
        + " kind VARCHAR(16) NOT NULL, schema_name VARCHAR(64) NOT NULL,"
        + " table_name VARCHAR(64) NOT NULL, chunk INT NOT NULL, key_columns TEXT NOT NULL,"
        + " columns MEDIUMTEXT NOT NULL, lower_bound MEDIUMTEXT NOT NULL,"
        + " upper_bound MEDIUMTEXT NOT NULL, where_clause TEXT NOT NULL,"
        + " row_count BIGINT NOT NULL, checksum VARCHAR(32) NOT NULL,"
        + " marked_at DATETIME(6) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
        + " COMMENT='Ferry consistency checks: each change becomes a check marker in the log'";
  }

  /** The statement that writes a marker: {@link #row()}'s 12 values as parameters. */
  public static String upsert(String schema) {
    return "INSERT INTO `"
        + schema
        + "`."
        + TABLE
        + " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY"
        + " UPDATE check_id = VALUES(check_id), kind = VALUES(kind),"
        + " schema_name = VALUES(schema_name), table_name = VALUES(table_name),"
        + " chunk = VALUES(chunk), key_columns = VALUES(key_columns), columns = VALUES(columns),"
        + " lower_bound = VALUES(lower_bound), upper_bound = VALUES(upper_bound),"
        + " where_clause = VALUES(where_clause), row_count = VALUES(row_count),"
        + " checksum = VALUES(checksum), marked_at = VALUES(marked_at)";
  }

  /** The values {@link #upsert} binds, in order. */
  public Object[] row() {
    return new Object[] {
      checkId,
      kind.text(),
      schema,
      table,
      chunk,
      Packed.join(keys),
      Packed.join(columns),
      Packed.values(lower),
      Packed.values(upper),
      where,
      rows,
      checksum
    };
  }

  /** The marker a row of the marker table holds (its after image, all 14 columns). */
  public static ChunkMarker fromRow(List<Object> after) {
    if (after.size() < 13) {
      throw new IllegalArgumentException(
          "the check marker row has " + after.size() + " columns, not 14 (an older marker table?)");
    }
    return new ChunkMarker(
        text(after.get(1)),
        kind(text(after.get(2))),
        text(after.get(3)),
        text(after.get(4)),
        ((Number) after.get(5)).intValue(),
        Packed.split(text(after.get(6))),
        Packed.split(text(after.get(7))),
        Packed.values(text(after.get(8))),
        Packed.values(text(after.get(9))),
        text(after.get(10)),
        ((Number) after.get(11)).longValue(),
        text(after.get(12)));
  }

  /** Puts the marker into a transaction's options. */
  public void into(Map<String, String> options) {
    options.put(TransactionOptions.CHECK, checkId);
    options.put(TransactionOptions.CHECK_KIND, kind.text());
    options.put("check.table", Packed.join(List.of(schema, table)));
    options.put("check.chunk", Integer.toString(chunk));
    options.put("check.keys", Packed.join(keys));
    options.put("check.columns", Packed.join(columns));
    options.put("check.lower", Packed.values(lower));
    options.put("check.upper", Packed.values(upper));
    options.put("check.where", where);
    options.put("check.rows", Long.toString(rows));
    options.put("check.checksum", checksum);
  }

  /** The marker a transaction carries, or null if it is not a check transaction. */
  public static ChunkMarker of(Map<String, String> options) {
    String id = options.get(TransactionOptions.CHECK);
    if (id == null) {
      return null;
    }
    List<String> table = Packed.split(options.get("check.table"));
    if (table.size() != 2) {
      throw new IllegalArgumentException("check " + id + ": the marker names no table");
    }
    return new ChunkMarker(
        id,
        kind(options.get(TransactionOptions.CHECK_KIND)),
        table.get(0),
        table.get(1),
        Integer.parseInt(options.getOrDefault("check.chunk", "0")),
        Packed.split(options.get("check.keys")),
        Packed.split(options.get("check.columns")),
        Packed.values(options.get("check.lower")),
        Packed.values(options.get("check.upper")),
        options.get("check.where"),
        Long.parseLong(options.getOrDefault("check.rows", "0")),
        options.get("check.checksum"));
  }

  /** The options as a fresh map (for tests and tools). */
  public Map<String, String> options() {
    Map<String, String> m = new TreeMap<>();
    into(m);
    return m;
  }

  /** The same marker for a table of another name (a rename on the way). */
  public ChunkMarker renamed(String newSchema, String newTable) {
    return new ChunkMarker(
        checkId, kind, newSchema, newTable, chunk, keys, columns, lower, upper, where, rows,
        checksum);
  }

  /** The same range with the source's count and checksum of it. */
  public ChunkMarker withCount(long newRows, String newChecksum) {
    return new ChunkMarker(
        checkId,
        kind,
        schema,
        table,
        chunk,
        keys,
        columns,
        lower,
        upper,
        where,
        newRows,
        newChecksum);
  }

  /** {@code schema.table}. */
  public String qualifiedTable() {
    return schema + "." + table;
  }

  /** The chunk's key range as {@link RangeText} writes it, or {@code whole table}. */
  public String range() {
    return keys.isEmpty() || (lower.isEmpty() && upper.isEmpty())
        ? "whole table"
        : RangeText.format(lower, upper);
  }

  private static Kind kind(String text) {
    try {
      return Kind.valueOf(String.valueOf(text).toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "a check marker of kind '" + text + "': this Ferry knows chunk, end and repair", e);
    }
  }

  private static String text(Object o) {
    if (o == null) {
      return "";
    }
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : o.toString();
  }
}
