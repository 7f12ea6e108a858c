package io.ferry.core.filter;

import io.ferry.core.event.Change;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A configured filter with its name, its side and its counters: what it saw, changed and dropped,
 * and the time it took. Prepares the filter with the context of its side. Filtered by one task
 * thread; the counters are read by others.
 */
public final class MeteredFilter implements Filter {
  private final Filter inner;
  private final String name;
  private final String type;
  private final FilterContext context;
  private final AtomicLong seen = new AtomicLong();
  private final AtomicLong changed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong rowsSeen = new AtomicLong();
  private final AtomicLong rowsDropped = new AtomicLong();
  private final AtomicLong nanos = new AtomicLong();

  public MeteredFilter(Filter inner, String name, String type, FilterContext context) {
    this.inner = inner;
    this.name = name;
    this.type = type;
    this.context = context;
  }

  /** Prepares the filter with the context it was configured for (the argument is not used). */
  @Override
  public void prepare(FilterContext ignored) {
    inner.prepare(context);
  }

  @Override
  @SuppressWarnings("ReferenceEquality") // a filter that changes nothing returns its input
  public Transaction filter(Transaction in) {
    long start = System.nanoTime();
    Transaction out = inner.filter(in);
    nanos.addAndGet(System.nanoTime() - start);
    seen.incrementAndGet();
    long rowsIn = rows(in);
    rowsSeen.addAndGet(rowsIn);
    if (out == null) {
      dropped.incrementAndGet();
      rowsDropped.addAndGet(rowsIn);
    } else if (out != in) {
      changed.incrementAndGet();
      rowsDropped.addAndGet(Math.max(0, rowsIn - rows(out)));
    }
    return out;
  }

  private static long rows(Transaction t) {
    long n = 0;
    for (Change c : t.changes()) {
      if (c instanceof RowChanges rc) {
        n += rc.rows().size();
      }
    }
    return n;
  }

  @Override
  public String name() {
    return name;
  }

  public String type() {
    return type;
  }

  public FilterContext.Side side() {
    return context.side();
  }

  /** The filter it measures. */
  public Filter inner() {
    return inner;
  }

  @Override
  public double budgetUsed() {
    return inner.budgetUsed();
  }

  public FilterStats stats() {
    return new FilterStats(
        name,
        type,
        context.side(),
        seen.get(),
        changed.get(),
        dropped.get(),
        rowsSeen.get(),
        rowsDropped.get(),
        nanos.get(),
        inner.budgetUsed());
  }

  @Override
  public void close() {
    inner.close();
  }

  @Override
  public String toString() {
    return "filter " + name + " (" + type + ", " + context.side().key() + ")";
  }
}
