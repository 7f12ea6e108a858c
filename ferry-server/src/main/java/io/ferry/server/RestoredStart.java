package io.ferry.server;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.pipeline.Extractor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A slave's fetching while its THL is empty: instead of from seqno 0, from right after what its
 * target holds when the target was restored from a backup of another replica ({@link
 * Provisioning#restoredAt}), with that position's epoch, so the master refuses another history.
 * Decided in the stage's own thread at each seek (a target that does not answer is retried like any
 * stage failure). Used by one stage thread.
 */
final class RestoredStart implements Extractor {
  private final Extractor remote;
  private final Supplier<Checkpoint> restored;

  RestoredStart(Extractor remote, Supplier<Checkpoint> restored) {
    this.remote = remote;
    this.restored = restored;
  }

  @Override
  public void seek(Checkpoint after) {
    Checkpoint from = after;
    if (after.isNone()) {
      Checkpoint r = restored.get();
      from = r == null ? after : r;
    }
    remote.seek(from);
  }

  @Override
  public ReplEvent next(long timeout, TimeUnit unit) throws InterruptedException {
    return remote.next(timeout, unit);
  }

  @Override
  public void close() {
    remote.close();
  }
}
