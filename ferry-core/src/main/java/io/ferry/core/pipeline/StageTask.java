package io.ferry.core.pipeline;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The thread of a stage: resumes right after what its applier committed, then extracts, assigns
 * seqnos (for a source), filters and applies, committing in blocks. Stops only at a transaction
 * boundary, after committing; on an error it rolls back the open block and reports the failure with
 * the seqno it was handling. Its status fields are read by other threads.
 */
final class StageTask implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(StageTask.class);
  private static final long POLL_MILLIS = 100;

  private final Stage stage;
  private final String pipelineName;
  private final Clock clock;
  private final Pipeline pipeline;

  private volatile boolean stopRequested;
  private volatile boolean stoppingNow;
  private volatile boolean aborted;
  private volatile String state = "new";
  private volatile Checkpoint committed = Checkpoint.NONE;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong filtered = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private volatile String lastRetry;
  private volatile long lastCommitMillis;
  private volatile long retryingSince;
  private volatile long delayedUntil;
  private Object registration;
  private String lastOrigin;
  private volatile StopCondition stopCondition;
  private volatile boolean conditionMet;
  private Checkpoint lastApplied = Checkpoint.NONE;

  private SeqnoAssigner assigner;
  private Gap pendingGap;
  private int blockEvents;
  private long blockStartMillis;
  private boolean inTransaction;
  private ReplEvent current;
  private boolean selfCommitting;

  StageTask(Stage stage, String pipelineName, Clock clock, Pipeline pipeline) {
    this.stage = stage;
    this.pipelineName = pipelineName;
    this.clock = clock;
    this.pipeline = pipeline;
  }

  Stage stage() {
    return stage;
  }

  void requestStop() {
    stopRequested = true;
  }

  /**
   * Marks an immediate stop: the thread is about to be interrupted, and whatever fails from here on
   * (an interrupted wait, a connection closed under a statement) is the stop, not a failure.
   */
  void requestImmediateStop() {
    stopRequested = true;
    stoppingNow = true;
  }

  /** The stop is about to abort the applier's call: what fails from here on is that abort. */
  void abortingCall() {
    aborted = true;
  }

  private static boolean causedByInterrupt(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof InterruptedException
          || c instanceof StageInterruptedException
          || c instanceof java.io.InterruptedIOException
          || c instanceof java.nio.channels.ClosedByInterruptException) {
        return true;
      }
    }
    return false;
  }

  /** Makes the stage stop by itself when the condition is met (null: no condition). */
  void stopWhen(StopCondition condition) {
    stopCondition = condition;
  }

  StopCondition stopCondition() {
    return conditionMet ? null : stopCondition;
  }

  boolean conditionMet() {
    return conditionMet;
  }

  StageStatus status() {
    Checkpoint c = committed;
    long committedAt = lastCommitMillis;
    long latency =
        c.isNone() || c.sourceCommitMicros() <= 0 || committedAt == 0
            ? -1
            : Math.max(0, committedAt - c.sourceCommitMicros() / 1000);
    return new StageStatus(
        stage.name(),
        state,
        c,
        applied.get(),
        filtered.get(),
        commits.get(),
        latency,
        retries.get(),
        lastRetry,
        lastCommitMillis,
        retryingSince,
        stage.delay().toMillis(),
        delayedUntil,
        filterStats(),
        parallelStatus(),
        rows.get());
  }

  /** Parallel apply's channels, also while a single-channel service finishes a parallel run. */
  private io.ferry.core.parallel.ParallelStatus parallelStatus() {
    io.ferry.core.parallel.ParallelApplier p =
        stage.applier() instanceof io.ferry.core.parallel.SingleChannelApplier s
            ? s.finishing()
            : stage.applier() instanceof io.ferry.core.parallel.ParallelApplier pa ? pa : null;
    return p == null ? null : p.status();
  }

  private List<io.ferry.core.filter.FilterStats> filterStats() {
    List<io.ferry.core.filter.FilterStats> out = new java.util.ArrayList<>();
    for (Filter f : stage.filters()) {
      if (f instanceof io.ferry.core.filter.MeteredFilter m) {
        out.add(m.stats());
      }
    }
    return out;
  }

  @Override
  public void run() {
    MDC.put("service", pipelineName);
    MDC.put("stage", stage.name());
    state = "starting";
    try {
      runWithRetries();
      state = "stopped";
      LOG.info("stage {} stopped after {}", stage.name(), committed);
      if (conditionMet) {
        pipeline.conditionMet(this, stopCondition);
      }
    } catch (Throwable t) {
      if (current != null) {
        MDC.put("seqno", Long.toString(current.seqno()));
      }
      rollbackQuietly(t);
      if (stoppingNow && (aborted || causedByInterrupt(t))) {
        state = "stopped";
        LOG.info(
            "stage {} stopped at once after {}; its open block was rolled back ({})",
            stage.name(),
            committed,
            t.toString());
        return;
      }
      state = "failed";
      pipeline.taskFailed(this, failureAt(t));
    } finally {
      closeRoles();
      MDC.remove("seqno");
      MDC.remove("stage");
      MDC.remove("service");
    }
  }

  /**
   * Runs the loop; a failure that may pass (see {@link Retriable}) rolls back the open block and
   * resumes from the last commit after a backoff, until the stage's retry window is spent.
   */
  private void runWithRetries() throws InterruptedException {
    RetryPolicy policy = stage.retry();
    int attempt = 0;
    long failingSince = 0;
    while (true) {
      long commitsBefore = commits.get();
      try {
        resume();
        loop();
        return;
      } catch (RuntimeException e) {
        if (!(e instanceof Retriable r && r.isRetriable()) || stopRequested) {
          throw e;
        }
        if (commits.get() > commitsBefore || attempt == 0) {
          attempt = 0;
          failingSince = clock.millis();
        }
        attempt++;
        if (clock.millis() - failingSince >= policy.giveUpAfter().toMillis()) {
          throw e;
        }
        rollbackQuietly(e);
        retries.incrementAndGet();
        lastRetry = e.getMessage();
        if (retryingSince == 0) {
          retryingSince = clock.millis();
        }
        java.time.Duration wait =
            r.retryAtOnce() ? java.time.Duration.ZERO : policy.backoff(attempt);
        LOG.warn(
            "stage {}: {}; retrying from its last commit in {} ms (attempt {})",
            stage.name(),
            e.getMessage(),
            wait.toMillis(),
            attempt);
        state = "retrying";
        sleepUnlessStopped(wait.toMillis());
        if (stopRequested) {
          return;
        }
      }
    }
  }

  private void sleepUnlessStopped(long millis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!stopRequested && System.nanoTime() < end) {
      Thread.sleep(
          Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
    }
  }

  /** Positions the extractor right after what the applier committed. */
  private void resume() {
    pendingGap = null;
    blockEvents = 0;
    inTransaction = false;
    current = null;
    lastOrigin = null;
    Checkpoint restart = stage.applier().lastCommitted();
    selfCommitting = stage.applier().commitsOnItsOwn();
    committed = restart;
    lastApplied = restart;
    // An operator's start point holds until the stage has committed something after it.
    Checkpoint seekTo = stage.startAt() != null && commits.get() == 0 ? stage.startAt() : restart;
    stage.extractor().seek(seekTo);
    if (registration == null && stage.extractor() instanceof ThlStore.ThlExtractor te) {
      te.trackNeeds(pipelineName + "/" + stage.name(), () -> committed.nextSeqno());
      registration = te;
    }
    if (stage.extractor().isSource()) {
      assigner = new SeqnoAssigner(restart, stage.epoch(), stage.originService());
    }
    LOG.info("stage {} starts after {}", stage.name(), seekTo);
    state = "running";
  }

  /**
   * The failure with the transaction it concerns: the one the error names (rows are sent late, so
   * that may be an earlier transaction of the block than the one being handled), else the current
   * one.
   */
  private PipelineFailure failureAt(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TransactionFailure f && f.seqno() >= 0) {
        return new PipelineFailure(stage.name(), f.seqno(), f.nativePosition(), t);
      }
    }
    ReplEvent at = current;
    long seqno = at != null ? at.seqno() : committed.isNone() ? -1 : committed.nextSeqno();
    return new PipelineFailure(
        stage.name(), seqno, at != null ? at.checkpoint().nativePosition() : null, t);
  }

  private void loop() throws InterruptedException {
    while (true) {
      boolean atBoundary = !inTransaction;
      StopCondition condition = stopCondition;
      if (atBoundary && condition != null && !conditionMet && condition.metAt(lastApplied)) {
        reached(condition);
      }
      if (stopRequested && atBoundary) {
        commitBlock();
        return;
      }
      boolean blockOpen = blockEvents > 0 || pendingGap != null;
      boolean idleCommits = stage.blockCommit().commitWhenIdle();
      long wait = blockOpen && atBoundary && !selfCommitting && idleCommits ? 0 : POLL_MILLIS;
      ReplEvent event;
      try {
        event = stage.extractor().next(wait, TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        if (atBoundary && blockOpen && e instanceof Retriable r && r.isRetriable()) {
          keepBlock(e);
        }
        throw e;
      }
      if (event == null) {
        if (selfCommitting) {
          if (atBoundary) {
            flushGap();
            stage.applier().idle(); // it commits what it holds soon, without our waiting
          }
          observeCommits();
        } else if (blockOpen && atBoundary && (idleCommits || blockDue())) {
          commitBlock(); // the source is idle: make what we have durable now (or at its bounds)
        } else if (!blockOpen) {
          retryingSince = 0; // connected, and nothing is waiting: whatever failed has passed
        }
        continue;
      }
      ReplEvent e = assign(event);
      if (atBoundary && condition != null && !conditionMet && condition.stopBefore(e)) {
        reached(condition); // not applied: the next start reads it again
        continue;
      }
      if (atBoundary && !holdBack(e)) {
        continue; // stopped while holding it back: not applied, the next start reads it again
      }
      if (atBoundary && mustCommitBefore(e)) {
        commitBlock();
      }
      handle(e);
      if (selfCommitting) {
        observeCommits();
      }
      if (!inTransaction) {
        lastApplied = e.checkpoint();
        if (condition != null && !conditionMet && condition.stopAfter(e)) {
          reached(condition);
        }
        if (mustCommit(e)) {
          commitBlock();
        }
      }
    }
  }

  /**
   * Time-delayed apply: waits until the transaction is due (its source commit time plus the stage's
   * delay). What the block holds is committed first, so the wait holds no open target transaction;
   * a stop ends the wait at once. Whether the transaction may be applied now.
   */
  private boolean holdBack(ReplEvent e) throws InterruptedException {
    long delay = stage.delay().toMillis();
    if (delay <= 0 || !(e instanceof Transaction tx) || tx.fragno() != 0) {
      return true;
    }
    long micros = tx.header().sourceCommitMicros();
    if (micros <= 0) {
      return true;
    }
    // A source that logs commit times in whole seconds (MariaDB): count the commit at the end of
    // its second, so that the delay is never shorter than asked (and at most a second longer).
    long due = micros / 1000 + (micros % 1_000_000 == 0 ? 999 : 0) + delay;
    if (clock.millis() >= due) {
      return true;
    }
    commitBlock();
    delayedUntil = due;
    state = "delaying";
    try {
      long now;
      while (!stopRequested && (now = clock.millis()) < due) {
        Thread.sleep(Math.min(50, due - now));
      }
    } finally {
      delayedUntil = 0;
      state = "running";
    }
    return !stopRequested;
  }

  private void reached(StopCondition condition) {
    conditionMet = true;
    stopRequested = true;
    LOG.info("stage {}: stopping, {} reached", stage.name(), condition.describe());
  }

  private ReplEvent assign(ReplEvent event) {
    return assigner != null && event instanceof Transaction tx ? assigner.assign(tx) : event;
  }

  private void handle(ReplEvent event) {
    ReplEvent e = event;
    if (!inTransaction) {
      MDC.put("seqno", Long.toString(e.seqno())); // logs say which transaction they concern
    }
    current = e;
    if (e instanceof Transaction tx) {
      Transaction out = tx;
      String droppedBy = null;
      try {
        for (Filter f : stage.filters()) {
          out = f.filter(out);
          if (out == null) {
            droppedBy = f.name();
            break;
          }
        }
      } catch (RuntimeException failure) {
        if (!inTransaction) {
          // a filter refused this transaction: the ones before it in the block are whole and
          // good, so the target ends right before it, where the error says it stopped
          keepBlock(failure);
          current = e;
        }
        throw failure;
      }
      if (out == null) {
        if (tx.fragno() == 0 && tx.lastFrag()) {
          recordDropped(tx, droppedBy);
          return;
        }
        out = tx.withChanges(List.of()); // keep the fragment sequence whole
      }
      e = out;
    }
    flushGap();
    apply(e);
    inTransaction = !e.endsTransaction();
  }

  private void recordDropped(Transaction tx, String filter) {
    filtered.incrementAndGet();
    String reason = "dropped by filter " + filter;
    if (pendingGap != null
        && pendingGap.toSeqno() + 1 == tx.seqno()
        && pendingGap.reason().equals(reason)) {
      pendingGap =
          new Gap(
              pendingGap.seqno(),
              tx.seqno(),
              tx.epoch(),
              tx.header().nativePosition(),
              tx.header().sourceCommitMicros(),
              reason);
    } else {
      flushGap();
      pendingGap =
          new Gap(
              tx.seqno(),
              tx.seqno(),
              tx.epoch(),
              tx.header().nativePosition(),
              tx.header().sourceCommitMicros(),
              reason);
    }
    if (blockEvents == 0) {
      blockStartMillis = clock.millis();
    }
  }

  private void flushGap() {
    if (pendingGap != null) {
      Gap gap = pendingGap;
      pendingGap = null;
      apply(gap);
    }
  }

  private void apply(ReplEvent e) {
    if (blockEvents == 0) {
      blockStartMillis = clock.millis();
    }
    stage.applier().apply(e);
    blockEvents = selfCommitting ? 1 : blockEvents + 1; // (it counts its own blocks)
    applied.incrementAndGet();
    if (e instanceof io.ferry.core.event.Transaction t) {
      long n = 0;
      for (io.ferry.core.event.Change c : t.changes()) {
        if (c instanceof io.ferry.core.event.RowChanges rc) {
          n += rc.rows().size();
        }
      }
      rows.addAndGet(n);
    }
  }

  /**
   * Whether the block must end before this event: a transaction that requires its own commit (DDL,
   * non-transactional tables) never shares a block with earlier ones, nor do transactions of
   * different origins: origin service or source id (a target that logs what it applies under each
   * origin's server id can change it only between its transactions; a relay's transactions keep
   * their first master's server id while several may carry one service name).
   */
  private boolean mustCommitBefore(ReplEvent next) {
    if (!(next instanceof Transaction t) || t.fragno() != 0 || selfCommitting) {
      return false; // (an applier that commits on its own puts such boundaries itself)
    }
    String origin = t.header().originService() + "\u0000" + t.header().sourceId();
    boolean originChanged = lastOrigin != null && !lastOrigin.equals(origin);
    lastOrigin = origin;
    return blockEvents > 0 && (t.commitRequired() || originChanged);
  }

  /** Whether the open block has reached a bound (its events or its age). */
  private boolean blockDue() {
    return blockEvents >= stage.blockCommit().maxEvents()
        || clock.millis() - blockStartMillis >= stage.blockCommit().maxLatency().toMillis()
        || stage.applier().needsCommit();
  }

  private boolean mustCommit(ReplEvent last) {
    if (selfCommitting) {
      return stopRequested;
    }
    return blockDue() || (last instanceof Transaction t && t.commitRequired()) || stopRequested;
  }

  /**
   * For an applier that commits on its own: what it has made durable is this stage's progress
   * (counted as a commit, so a retry knows it got somewhere).
   */
  private void observeCommits() {
    Checkpoint now = stage.applier().lastCommitted();
    if (!now.isNone() && (committed.isNone() || now.seqno() > committed.seqno())) {
      committed = now;
      commits.incrementAndGet();
      retryingSince = 0;
      lastCommitMillis = clock.millis();
    }
  }

  private void commitBlock() {
    flushGap();
    if (blockEvents == 0) {
      return;
    }
    stage.applier().commit();
    commits.incrementAndGet();
    retryingSince = 0;
    blockEvents = 0;
    committed = stage.applier().lastCommitted();
    lastCommitMillis = clock.millis();
    current = null;
  }

  /**
   * The extractor failed between transactions (a connection lost, a damaged record that will be
   * fetched again): what the block holds is whole and good, so it is committed rather than thrown
   * away, and the retry resumes right at the failure.
   */
  private void keepBlock(RuntimeException cause) {
    try {
      commitBlock();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private void rollbackQuietly(Throwable cause) {
    try {
      stage.applier().rollback();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private void closeRoles() {
    for (AutoCloseable role : List.<AutoCloseable>of(stage.extractor(), stage.applier())) {
      try {
        role.close();
      } catch (Exception e) {
        LOG.warn("stage {}: closing {} failed: {}", stage.name(), role, e.getMessage());
      }
    }
    for (Filter f : stage.filters()) {
      f.close();
    }
  }
}
