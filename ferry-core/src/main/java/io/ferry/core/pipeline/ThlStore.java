package io.ferry.core.pipeline;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlReader;
import io.ferry.core.thl.ThlWriter;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The THL as a store: its writer is the upstream stage's applier (commit is the log's group
 * commit), its readers are the downstream stages' extractors. Durable.
 */
public final class ThlStore implements Store {
  private final String name;
  private final Thl thl;

  public ThlStore(String name, Thl thl) {
    this.name = name;
    this.thl = thl;
  }

  @Override
  public String name() {
    return name;
  }

  public Thl thl() {
    return thl;
  }

  @Override
  public boolean isDurable() {
    return true;
  }

  @Override
  public StoreApplier applier() {
    ThlWriter writer = thl.writer();
    Store self = this;
    return new StoreApplier() {
      @Override
      public Store store() {
        return self;
      }

      @Override
      public Checkpoint lastCommitted() {
        return thl.lastCheckpoint();
      }

      @Override
      public void apply(ReplEvent event) {
        writer.append(event);
      }

      @Override
      public void commit() {
        writer.commit();
      }

      @Override
      public void rollback() {
        writer.rollback();
      }
    };
  }

  @Override
  public Extractor extractor() {
    return new ThlExtractor();
  }

  /**
   * Reads the log for a downstream stage. The stage tells it what its applier still needs, so that
   * retention never removes records a crash would make it read again.
   */
  public final class ThlExtractor implements Extractor {
    private ThlReader reader;
    private AutoCloseable registration;

    @Override
    public void seek(Checkpoint after) {
      closeReader();
      reader = thl.readerAfter(after);
    }

    /** Registers what the downstream applier needs, under a reader name. */
    public void trackNeeds(String readerName, LongSupplier neededFromSeqno) {
      registration = thl.registerReader(readerName, neededFromSeqno);
    }

    @Override
    public ReplEvent next(long timeout, TimeUnit unit) throws InterruptedException {
      if (reader == null) {
        throw new IllegalStateException("seek first");
      }
      return reader.nextEvent(timeout, unit);
    }

    private void closeReader() {
      if (reader != null) {
        reader.close();
        reader = null;
      }
    }

    @Override
    public void close() {
      closeReader();
      if (registration != null) {
        try {
          registration.close();
        } catch (Exception e) {
          throw new IllegalStateException("cannot unregister a THL reader", e);
        }
        registration = null;
      }
    }
  }
}
