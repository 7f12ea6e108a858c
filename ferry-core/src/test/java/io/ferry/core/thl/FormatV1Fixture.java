package io.ferry.core.thl;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowImage;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SessionVariable;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.position.MySqlGtid;
import io.ferry.core.position.PgLsn;
import io.ferry.core.value.Bits;
import io.ferry.core.value.EnumValue;
import io.ferry.core.value.Geometry;
import io.ferry.core.value.JsonValue;
import io.ferry.core.value.SetValue;
import io.ferry.core.value.SqlDate;
import io.ferry.core.value.SqlDateTime;
import io.ferry.core.value.SqlTime;
import io.ferry.core.value.SqlTimestamp;
import io.ferry.core.value.Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The events of the committed THL fixture of format version 1 (src/test/resources/thl-fixtures/v1).
 * FROZEN: never change what this returns; a new format gets a new fixture. {@link #main} wrote the
 * fixture.
 */
final class FormatV1Fixture {
  private FormatV1Fixture() {}

  static final String RESOURCE = "thl-fixtures/v1";

  static List<ReplEvent> events() {
    List<ReplEvent> events = new ArrayList<>();
    List<ColumnSpec> columns = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    add(columns, values, ColumnSpec.of("id", SqlType.BIGINT).asKey(), 1L);
    add(columns, values, ColumnSpec.of("i8", SqlType.TINYINT), -128L);
    add(
        columns,
        values,
        ColumnSpec.of("u64", SqlType.BIGINT).withUnsigned(true),
        new BigInteger("18446744073709551615"));
    add(
        columns,
        values,
        ColumnSpec.of("dec", SqlType.DECIMAL).withLength(65, 30),
        new BigDecimal("-12345678901234567890123456789012345.123456789012345678901234567890"));
    add(columns, values, ColumnSpec.of("f", SqlType.FLOAT), 1.5f);
    add(columns, values, ColumnSpec.of("d", SqlType.DOUBLE), -2.25e300);
    add(columns, values, ColumnSpec.of("b", SqlType.BIT).withLength(10, 0), new Bits(10, 0x2A5));
    add(columns, values, ColumnSpec.of("dt", SqlType.DATE), new SqlDate(0, 0, 0));
    add(
        columns,
        values,
        ColumnSpec.of("t", SqlType.TIME).withLength(0, 6),
        new SqlTime(true, 838, 59, 59, 999_999));
    add(
        columns,
        values,
        ColumnSpec.of("dtm", SqlType.DATETIME).withLength(0, 3),
        new SqlDateTime(2024, 2, 29, 23, 59, 59, 123_000));
    add(
        columns,
        values,
        ColumnSpec.of("ts", SqlType.TIMESTAMP).withLength(0, 6),
        new SqlTimestamp(1_700_000_000L, 654_321));
    add(columns, values, ColumnSpec.of("y", SqlType.YEAR), 2155L);
    add(
        columns,
        values,
        ColumnSpec.of("txt", SqlType.VARCHAR).withCharset("utf8mb4"),
        Text.of("\u00e9t\u00e9 \uD83D\uDE80"));
    add(
        columns,
        values,
        ColumnSpec.of("l1", SqlType.CHAR).withCharset("latin1"),
        new Text(new byte[] {(byte) 0x80, (byte) 0xFF, 0x41}, "latin1"));
    add(columns, values, ColumnSpec.of("bin", SqlType.VARBINARY), new byte[] {0, 1, 2, (byte) 255});
    add(columns, values, ColumnSpec.of("empty", SqlType.BLOB), new byte[0]);
    add(columns, values, ColumnSpec.of("nul", SqlType.BLOB), null);
    add(
        columns,
        values,
        new ColumnSpec(
            "e",
            SqlType.ENUM,
            "enum('a','b')",
            false,
            true,
            "utf8mb4",
            false,
            0,
            0,
            List.of("a", "b")),
        new EnumValue(2, "b"));
    add(
        columns,
        values,
        new ColumnSpec(
            "s",
            SqlType.SET,
            "set('x','y','z')",
            false,
            true,
            "utf8mb4",
            false,
            0,
            0,
            List.of("x", "y", "z")),
        new SetValue(0b101, List.of("x", "z")));
    add(columns, values, ColumnSpec.of("j", SqlType.JSON), new JsonValue("{\"k\": [1, null]}"));
    add(
        columns,
        values,
        ColumnSpec.of("g", SqlType.GEOMETRY),
        new Geometry(new byte[] {0, 0, 0, 0, 1, 1, 0, 0, 0}));
    add(columns, values, ColumnSpec.of("u", SqlType.VARCHAR), "unicode string");

    Object[] row = values.toArray();
    Object[] changed = values.toArray();
    changed[1] = 127L;
    for (long seqno = 0; seqno < 40; seqno++) {
      TransactionHeader h =
          new TransactionHeader(
              seqno,
              3,
              0,
              true,
              nativePosition(seqno),
              "101",
              "origin-svc",
              "db" + (seqno % 4),
              1_700_000_000_000_000L + seqno,
              1_700_000_001_000_000L + seqno,
              seqno % 7 == 0 ? Map.of("commit.required", "true") : Map.of());
      if (seqno % 10 == 9) {
        events.add(new Gap(seqno, seqno, 3, nativePosition(seqno), 5, "dropped by test filter"));
        continue;
      }
      List<Change> changes = new ArrayList<>();
      changes.add(new RowsQuery("INSERT INTO t VALUES (...)"));
      changes.add(
          RowChanges.full(
              "db" + (seqno % 4), "t", Action.INSERT, columns, List.of(Row.insert(row))));
      changes.add(
          RowChanges.full(
              "db" + (seqno % 4), "t", Action.UPDATE, columns, List.of(Row.of(row, changed))));
      changes.add(
          new RowChanges(
              "db" + (seqno % 4),
              "t",
              Action.DELETE,
              columns,
              RowImage.MINIMAL,
              ColumnMask.of(columns.size(), 0),
              null,
              List.of(Row.delete(keyOnly(row)))));
      changes.add(
          SqlStatement.of(
              "UPDATE t SET i8 = i8 + 1 WHERE id = @v",
              "db" + (seqno % 4),
              List.of(
                  new SessionVariable("timestamp", 1_700_000_000L),
                  new SessionVariable("@v", Text.of("1")),
                  new SessionVariable("sql_mode", "STRICT_TRANS_TABLES"))));
      events.add(new Transaction(h, changes));
    }
    return events;
  }

  private static Object[] keyOnly(Object[] row) {
    Object[] key = new Object[row.length];
    key[0] = row[0];
    return key;
  }

  private static void add(List<ColumnSpec> cols, List<Object> vals, ColumnSpec c, Object v) {
    cols.add(c);
    vals.add(v);
  }

  private static io.ferry.core.position.NativePosition nativePosition(long seqno) {
    return switch ((int) (seqno % 4)) {
      case 0 ->
          new BinlogPosition("binlog.000002", 4 + seqno * 1000, new MariaDbGtid(0, 101, seqno));
      case 1 -> new MariaDbGtid(1, 102, seqno);
      case 2 -> new MySqlGtid(UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562"), seqno + 1);
      default -> new PgLsn(0x16_0000_0000L + seqno);
    };
  }

  /** Writes the fixture: {@code FormatV1Fixture <dir>} (small segments and fragments). */
  public static void main(String[] args) {
    ThlSettings settings =
        ThlSettings.defaults(Path.of(args[0]))
            .withSegmentBytes(16 << 10)
            .withFragmentBytes(2 << 10)
            .withIndexIntervalBytes(1024)
            .withRetention(null, 0);
    try (Thl thl = Thl.open(settings)) {
      for (ReplEvent e : events()) {
        thl.writer().append(e);
        thl.writer().commit();
      }
    }
  }
}
