package io.ferry.core.filter;

import io.ferry.core.event.Change;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;

/**
 * A configured filter with its name, its side and its counters: what it saw, changed and dropped,
 * and the time it took (estimated from one call in {@value #SAMPLE}). Prepares the filter with the
 * context of its side. Filtered by one task thread; the counters are read by others.
 */
public final class MeteredFilter implements Filter {
  /**
   * One call in this many is timed (and counted this many times): reading the clock twice per call
   * would cost more than a simple filter does.
   */
  private static final int SAMPLE = 16;

  private final Filter inner;
  private final String name;
  private final String type;
  private final FilterContext context;
  // Written by the task thread only; published to readers through the volatile below, which is
  // written after them (an atomic update per counter and call would cost more than a filter).
  private long seen;
  private long changed;
  private long dropped;
  private long rowsSeen;
  private long rowsDropped;
  private long nanos;
  private volatile long published;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

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
    long n = ++seen;
    Transaction out;
    if ((n & (SAMPLE - 1)) == 1 || SAMPLE == 1) {
      long start = System.nanoTime();
      out = inner.filter(in);
      nanos += (System.nanoTime() - start) * SAMPLE;
    } else {
      out = inner.filter(in);
    }
    long rowsIn = rows(in);
    rowsSeen += rowsIn;
    if (out == null) {
      dropped++;
      rowsDropped += rowsIn;
    } else if (out != in) {
      changed++;
      rowsDropped += Math.max(0, rowsIn - rows(out));
    }
    published = n;
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

  /** The counters as of the last call this thread can see (read by other threads). */
  public FilterStats stats() {
    long n = published; // reads the counters written before it
    return new FilterStats(
        name,
        type,
        context.side(),
        Math.max(n, seen),
        changed,
        dropped,
        rowsSeen,
        rowsDropped,
        nanos,
        inner.budgetUsed());
  }

  /** Releases the filter once, whoever asks first (its stage, or a service that never ran it). */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      inner.close();
    }
  }

  @Override
  public String toString() {
    return "filter " + name + " (" + type + ", " + context.side().key() + ")";
  }
}
