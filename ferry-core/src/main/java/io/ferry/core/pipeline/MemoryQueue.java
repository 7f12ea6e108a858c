package io.ferry.core.pipeline;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import java.util.concurrent.TimeUnit;

/**
 * A bounded in-memory store between two stages, bounded by event count and by estimated bytes (one
 * event larger than the byte bound still passes, alone). Not durable: at start its applier reports
 * the downstream stage's checkpoint, so the upstream stage resumes there. Thread-safe: one producer
 * and one consumer.
 */
public final class MemoryQueue implements Store {
  private final String name;
  private final int maxEvents;
  private final BoundedBuffer<ReplEvent> queue;
  private volatile Checkpoint restart = Checkpoint.NONE;
  private volatile Checkpoint lastPut = Checkpoint.NONE;

  public MemoryQueue(String name, int maxEvents, long maxBytes) {
    if (maxEvents < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("a queue needs room for at least one event");
    }
    this.name = name;
    this.maxEvents = maxEvents;
    this.queue = new BoundedBuffer<>(maxEvents, maxBytes, ReplEvent::estimatedBytes);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean isDurable() {
    return false;
  }

  @Override
  public void restartFrom(Checkpoint downstream) {
    restart = downstream;
    lastPut = downstream;
  }

  public int size() {
    return queue.size();
  }

  public long bytes() {
    return queue.bytes();
  }

  /** The most events the queue ever held at once. */
  public long highWaterEvents() {
    return queue.highWater();
  }

  private void put(ReplEvent event) {
    try {
      queue.put(event);
      lastPut = event.checkpoint();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StageInterruptedException("interrupted while queue '" + name + "' was full");
    }
  }

  private ReplEvent take(long timeout, TimeUnit unit) throws InterruptedException {
    return queue.take(timeout, unit);
  }

  @Override
  public StoreApplier applier() {
    Store self = this;
    return new StoreApplier() {
      @Override
      public Store store() {
        return self;
      }

      @Override
      public Checkpoint lastCommitted() {
        return lastPut;
      }

      @Override
      public void apply(ReplEvent event) {
        put(event);
      }

      @Override
      public void commit() {
        // events are visible as soon as they are put; durability is the downstream's business
      }

      @Override
      public void rollback() {
        // nothing to take back: the pipeline restarts from the downstream checkpoint
      }
    };
  }

  @Override
  public Extractor extractor() {
    return new Extractor() {
      private Checkpoint after = Checkpoint.NONE;

      @Override
      public void seek(Checkpoint checkpoint) {
        after = checkpoint;
      }

      @Override
      public ReplEvent next(long timeout, TimeUnit unit) throws InterruptedException {
        while (true) {
          ReplEvent event = take(timeout, unit);
          if (event == null) {
            return null;
          }
          // Anything at or before the seek point was applied already downstream.
          if (after.isNone()
              || event.lastSeqno() > after.seqno()
              || (event.seqno() == after.seqno()
                  && !after.lastFrag()
                  && event instanceof io.ferry.core.event.Transaction t
                  && t.fragno() > after.fragno())) {
            return event;
          }
        }
      }
    };
  }

  @Override
  public String toString() {
    return "queue '"
        + name
        + "' ("
        + size()
        + "/"
        + maxEvents
        + " events, restart "
        + restart
        + ")";
  }
}
