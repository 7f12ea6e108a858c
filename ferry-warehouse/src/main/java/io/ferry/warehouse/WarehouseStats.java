package io.ferry.warehouse;

import io.ferry.core.event.Checkpoint;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What a service's warehouse appliers did since it started. Thread-safe. */
final class WarehouseStats {
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong staged = new AtomicLong();
  private final AtomicLong ddlApplied = new AtomicLong();
  private final AtomicLong ddlIgnored = new AtomicLong();
  private volatile long lastBatchRows;
  private volatile long lastSeqno = -1;

  void staged(long n) {
    staged.addAndGet(n);
  }

  void committed(long txs, long batchRows, Checkpoint at) {
    transactions.addAndGet(txs);
    rows.addAndGet(batchRows);
    batches.incrementAndGet();
    lastBatchRows = batchRows;
    lastSeqno = at.seqno();
  }

  void ddlApplied() {
    ddlApplied.incrementAndGet();
  }

  void ddlIgnored() {
    ddlIgnored.incrementAndGet();
  }

  Map<String, Object> snapshot() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("transactions", transactions.get());
    m.put("rows", rows.get());
    m.put("batches", batches.get());
    m.put("lastBatchRows", lastBatchRows);
    m.put("lastMergedSeqno", lastSeqno);
    m.put("stagedRows", staged.get());
    m.put("ddlApplied", ddlApplied.get());
    m.put("ddlIgnored", ddlIgnored.get());
    return m;
  }
}
