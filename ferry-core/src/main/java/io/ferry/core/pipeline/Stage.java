package io.ferry.core.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * One extract → filter → apply loop of a pipeline, with how it commits and, for a stage that reads
 * a source, the epoch and origin service it stamps on new transactions. Immutable.
 *
 * @param name the stage's name, unique in its pipeline
 * @param extractor where events come from
 * @param filters what they pass through, in order
 * @param applier where they go
 * @param blockCommit when the applier commits
 * @param epoch the epoch stamped on transactions from a source
 * @param originService the service name stamped as origin on transactions from a source that lack
 *     one
 * @param retry how the stage retries failures that may pass (a lost connection, a deadlock)
 * @param startAt where the extractor starts instead of after the applier's checkpoint, until the
 *     stage first commits (an operator's "online from seqno / from event"), or null
 * @param delay time-delayed apply: a transaction is applied no sooner than its source commit time
 *     plus this (zero: no delay)
 */
public record Stage(
    String name,
    Extractor extractor,
    List<Filter> filters,
    Applier applier,
    BlockCommit blockCommit,
    long epoch,
    String originService,
    RetryPolicy retry,
    io.ferry.core.event.Checkpoint startAt,
    java.time.Duration delay) {

  public Stage {
    if (name == null || name.isBlank() || extractor == null || applier == null) {
      throw new IllegalArgumentException("a stage needs a name, an extractor and an applier");
    }
    filters = List.copyOf(filters);
    blockCommit = blockCommit == null ? BlockCommit.DEFAULT : blockCommit;
    originService = originService == null ? "" : originService;
    retry = retry == null ? RetryPolicy.DEFAULT : retry;
    delay = delay == null ? java.time.Duration.ZERO : delay;
    if (delay.isNegative()) {
      throw new IllegalArgumentException("a negative apply delay: " + delay);
    }
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds a stage step by step. */
  public static final class Builder {
    private final String name;
    private Extractor extractor;
    private final List<Filter> filters = new ArrayList<>();
    private Applier applier;
    private BlockCommit blockCommit = BlockCommit.DEFAULT;
    private long epoch;
    private String originService = "";
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private io.ferry.core.event.Checkpoint startAt;
    private java.time.Duration delay = java.time.Duration.ZERO;

    private Builder(String name) {
      this.name = name;
    }

    public Builder extractor(Extractor e) {
      this.extractor = e;
      return this;
    }

    public Builder filter(Filter f) {
      filters.add(f);
      return this;
    }

    public Builder applier(Applier a) {
      this.applier = a;
      return this;
    }

    public Builder blockCommit(BlockCommit b) {
      this.blockCommit = b;
      return this;
    }

    public Builder epoch(long e) {
      this.epoch = e;
      return this;
    }

    public Builder originService(String s) {
      this.originService = s;
      return this;
    }

    public Builder retry(RetryPolicy r) {
      this.retry = r;
      return this;
    }

    public Builder startAt(io.ferry.core.event.Checkpoint c) {
      this.startAt = c;
      return this;
    }

    public Builder delay(java.time.Duration d) {
      this.delay = d;
      return this;
    }

    public Stage build() {
      return new Stage(
          name,
          extractor,
          filters,
          applier,
          blockCommit,
          epoch,
          originService,
          retry,
          startAt,
          delay);
    }
  }
}
