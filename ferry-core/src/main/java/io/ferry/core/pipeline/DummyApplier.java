package io.ferry.core.pipeline;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import java.util.function.Consumer;

/**
 * Takes events and throws them away, counting them: the end of a "dummy" pipeline that only reads
 * and reports, and of tests and benchmarks. Its checkpoint lives in memory. Its counters are read
 * by other threads.
 */
public final class DummyApplier implements Applier {
  private final Consumer<ReplEvent> sink;
  private volatile Checkpoint committed;
  private Checkpoint pending;
  private volatile long events;
  private volatile long commits;

  /** Starts from nothing and keeps nothing. */
  public DummyApplier() {
    this(Checkpoint.NONE, e -> {});
  }

  /** Starts from a checkpoint and hands each applied event to {@code sink} (for tests). */
  public DummyApplier(Checkpoint start, Consumer<ReplEvent> sink) {
    this.committed = start;
    this.pending = start;
    this.sink = sink;
  }

  @Override
  public Checkpoint lastCommitted() {
    return committed;
  }

  @Override
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer thread; readers only read
  public void apply(ReplEvent event) {
    sink.accept(event);
    pending = event.checkpoint();
    events++;
  }

  @Override
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer thread; readers only read
  public void commit() {
    committed = pending;
    commits++;
  }

  @Override
  public void rollback() {
    pending = committed;
  }

  public long events() {
    return events;
  }

  public long commits() {
    return commits;
  }
}
