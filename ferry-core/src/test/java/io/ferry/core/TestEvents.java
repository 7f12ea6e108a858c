package io.ferry.core;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Gap;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SessionVariable;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.value.Text;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Deterministic test transactions: the same seqno always gives the same transaction. */
public final class TestEvents {
  private TestEvents() {}

  public static final List<ColumnSpec> COLUMNS =
      List.of(
          ColumnSpec.of("id", SqlType.BIGINT).asKey(),
          ColumnSpec.of("name", SqlType.VARCHAR).withCharset("utf8mb4"),
          ColumnSpec.of("amount", SqlType.DECIMAL).withLength(12, 2),
          ColumnSpec.of("payload", SqlType.BLOB));

  public static TransactionHeader header(long seqno) {
    return new TransactionHeader(
        seqno,
        7,
        0,
        true,
        new BinlogPosition("binlog.000001", 1000 + seqno * 100, new MariaDbGtid(0, 1, seqno + 1)),
        "101",
        "svc",
        "shop" + (seqno % 3),
        1_700_000_000_000_000L + seqno * 1000,
        1_700_000_000_500_000L + seqno * 1000,
        seqno % 5 == 0 ? Map.of("note", "five") : Map.of());
  }

  /** A small transaction (about 200 bytes encoded) with one inserted row. */
  public static Transaction small(long seqno) {
    Random r = new Random(seqno);
    byte[] payload = new byte[40];
    r.nextBytes(payload);
    Row row =
        Row.insert(
            seqno,
            Text.of("name-" + seqno + "-\u00e9\u20ac\uD83D\uDE00"),
            BigDecimal.valueOf(r.nextInt(1_000_000), 2),
            payload);
    return new Transaction(
        header(seqno),
        List.of(
            RowChanges.full("shop" + (seqno % 3), "orders", Action.INSERT, COLUMNS, List.of(row))));
  }

  /** A transaction of about {@code bytes} bytes, in rows of about 1 KB. */
  public static Transaction sized(long seqno, int bytes) {
    Random r = new Random(seqno);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i * 1024 < bytes; i++) {
      byte[] payload = new byte[1000];
      r.nextBytes(payload);
      rows.add(Row.insert(seqno * 100_000 + i, Text.of("r" + i), BigDecimal.ONE, payload));
    }
    List<Change> changes = new ArrayList<>();
    changes.add(new RowsQuery("INSERT INTO orders SELECT ..."));
    changes.add(RowChanges.full("shop", "orders", Action.INSERT, COLUMNS, rows));
    changes.add(
        SqlStatement.of(
            "UPDATE totals SET n = n + " + rows.size(),
            "shop",
            List.of(new SessionVariable("timestamp", 1_700_000_000L + seqno))));
    return new Transaction(header(seqno), changes);
  }

  /** Small transactions, every 10th a gap of one seqno. */
  public static io.ferry.core.event.ReplEvent mixed(long seqno) {
    return seqno % 10 == 9 ? new Gap(seqno, seqno, 7, null, 0, "filtered by test") : small(seqno);
  }
}
