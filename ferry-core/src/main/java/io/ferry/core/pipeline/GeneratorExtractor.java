package io.ferry.core.pipeline;

import io.ferry.core.event.Action;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.position.OpaquePosition;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A source that makes up transactions: each inserts {@code rows} rows of an id and a payload into
 * table {@code t} of one of {@code schemas} schemas. Its native position is {@code gen:N}, so it
 * resumes where a checkpoint says. For tests, benchmarks and "dummy" pipelines that need no
 * database. Used by one task thread.
 */
public final class GeneratorExtractor implements Extractor {
  private static final List<ColumnSpec> COLUMNS =
      List.of(ColumnSpec.of("id", SqlType.BIGINT).asKey(), ColumnSpec.of("payload", SqlType.BLOB));

  private final long count;
  private final int rows;
  private final byte[] payload;
  private final int schemas;
  private final Clock clock;
  private final String[] schemaNames;
  private long next;

  /**
   * @param count how many transactions to make (then it is idle), or -1 for no end
   * @param rows rows per transaction
   * @param payloadBytes bytes of payload per row
   * @param schemas how many schemas (shards) to spread them over
   * @param clock the time source for commit and extract times
   */
  public GeneratorExtractor(long count, int rows, int payloadBytes, int schemas, Clock clock) {
    this.count = count;
    this.rows = rows;
    this.payload = new byte[payloadBytes];
    for (int i = 0; i < payloadBytes; i++) {
      payload[i] = (byte) ('a' + i % 26);
    }
    this.schemas = schemas;
    this.clock = clock;
    this.schemaNames = new String[schemas];
    for (int i = 0; i < schemas; i++) {
      schemaNames[i] = "gen" + i;
    }
  }

  @Override
  public boolean isSource() {
    return true;
  }

  @Override
  public void seek(Checkpoint after) {
    if (after.nativePosition() instanceof OpaquePosition p && p.text().startsWith("gen:")) {
      next = Long.parseLong(p.text().substring(4)) + 1;
    } else {
      next = 0;
    }
  }

  /** How many transactions it has made, resumed count included. */
  public long position() {
    return next;
  }

  @Override
  public ReplEvent next(long timeout, TimeUnit unit) throws InterruptedException {
    if (count >= 0 && next >= count) {
      unit.sleep(timeout);
      return null;
    }
    long i = next++;
    long now = clock.millis() * 1000;
    String schema = schemaNames[(int) (i % schemas)];
    TransactionHeader header =
        new TransactionHeader(
            -1,
            0,
            0,
            true,
            new OpaquePosition("gen:" + i),
            "generator",
            "",
            schema,
            now,
            now,
            Map.of());
    List<Row> list = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      list.add(Row.owning(null, new Object[] {i * rows + r, payload}));
    }
    return new Transaction(
        header, List.of(RowChanges.full(schema, "t", Action.INSERT, COLUMNS, list)));
  }
}
