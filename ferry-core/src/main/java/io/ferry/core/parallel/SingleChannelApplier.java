package io.ferry.core.parallel;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.pipeline.Applier;
import java.util.function.Supplier;

/**
 * The applier of a service configured with one channel on a target that can apply in parallel.
 * Normally it is the target's own applier. When the last run applied with shard channels and
 * stopped with them apart (a crash, an immediate offline), one applier cannot finish that run's
 * assignment without applying some transactions twice: then this run applies through {@link
 * ParallelApplier} with one channel configured, which first finishes the earlier run with its own
 * layout, records one channel, and goes on with one channel until the service stops (the next start
 * is the target's own applier again). Decided when the stage first asks where to resume. Used by
 * its stage's thread.
 */
public final class SingleChannelApplier implements Applier {
  private final Applier single;
  private final ChannelTarget catalog;
  private final Supplier<ParallelApplier> finisher;
  private volatile Applier delegate;

  /**
   * @param single the target's own applier
   * @param catalog the target's record of the channels (read once, to decide)
   * @param finisher parallel apply with one channel configured, for when the last run must be
   *     finished
   */
  public SingleChannelApplier(
      Applier single, ChannelTarget catalog, Supplier<ParallelApplier> finisher) {
    this.single = single;
    this.catalog = catalog;
    this.finisher = finisher;
  }

  /**
   * Parallel apply when this run finishes an earlier parallel run, else null (known once the stage
   * has started).
   */
  public ParallelApplier finishing() {
    return delegate instanceof ParallelApplier p ? p : null;
  }

  @Override
  public Checkpoint lastCommitted() {
    if (delegate == null) {
      delegate = mustFinish() ? finisher.get() : single;
      catalog.close();
    }
    return delegate.lastCommitted();
  }

  private boolean mustFinish() {
    Layout before = catalog.layout();
    if (before.scheduler() != Scheduler.SHARD || before.channels() <= 1) {
      return false;
    }
    return RunPlan.of(catalog.positions(), before, Layout.SINGLE).finishing();
  }

  /** The first call decides, on the stage's thread. */
  @Override
  public boolean readsPositionOnItsThread() {
    return true;
  }

  private Applier delegate() {
    if (delegate == null) {
      throw new IllegalStateException("the stage has not asked where to resume yet");
    }
    return delegate;
  }

  @Override
  public void apply(ReplEvent event) {
    delegate().apply(event);
  }

  @Override
  public boolean commitsOnItsOwn() {
    return delegate().commitsOnItsOwn();
  }

  @Override
  public void idle() {
    delegate().idle();
  }

  @Override
  public void flush() {
    delegate().flush();
  }

  @Override
  public void commit() {
    delegate().commit();
  }

  @Override
  public boolean needsCommit() {
    return delegate().needsCommit();
  }

  @Override
  public void forgetSchema() {
    delegate().forgetSchema();
  }

  @Override
  public void rollback() {
    if (delegate != null) {
      delegate.rollback();
    }
  }

  @Override
  public void abort() {
    if (delegate != null) {
      delegate.abort();
    }
  }

  @Override
  public void close() {
    if (delegate != null && delegate != single) {
      delegate.close();
    }
    single.close();
    catalog.close();
  }
}
