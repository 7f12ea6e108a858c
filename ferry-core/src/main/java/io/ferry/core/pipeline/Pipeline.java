package io.ferry.core.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stages of a service and the stores between them, run together. At start, restart positions
 * flow backwards: each stage resumes right after what its applier committed, and a store that is
 * not durable reports the checkpoint of the stage after it. A clean stop lets every stage finish
 * its transaction and commit; a failure in any stage stops the others and is kept with the seqno
 * and stage that failed. Thread-safe.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  /** Where a pipeline is in its life. */
  public enum State {
    NEW,
    RUNNING,
    STOPPING,
    STOPPED,
    FAILED
  }

  private final String name;
  private final List<Stage> stages;
  private final List<Store> stores;
  private final Clock clock;
  private final List<StageTask> tasks = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile State state = State.NEW;
  private volatile PipelineFailure failure;
  private volatile Consumer<PipelineFailure> onFailure = f -> {};
  private volatile Consumer<String> onConditionMet = c -> {};
  private volatile StopCondition pendingCondition;

  public Pipeline(String name, List<Stage> stages, List<Store> stores, Clock clock) {
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("a pipeline needs at least one stage");
    }
    this.name = name;
    this.stages = List.copyOf(stages);
    this.stores = List.copyOf(stores);
    this.clock = clock;
  }

  public String name() {
    return name;
  }

  public State state() {
    return state;
  }

  public Optional<PipelineFailure> failure() {
    return Optional.ofNullable(failure);
  }

  /** Called (on the failing stage's thread) when a stage fails. */
  public void onFailure(Consumer<PipelineFailure> listener) {
    this.onFailure = listener;
  }

  /**
   * Called (on the stage's thread) when the last stage stopped by itself because its {@link
   * StopCondition} was met; the argument describes the condition.
   */
  public void onConditionMet(Consumer<String> listener) {
    this.onConditionMet = listener;
  }

  /**
   * Makes the last stage stop by itself at the condition (for "online until" and deferred offline);
   * null clears it. Takes effect at once when running, else at start.
   */
  public synchronized void stopWhen(StopCondition condition) {
    pendingCondition = condition;
    if (!tasks.isEmpty()) {
      tasks.get(tasks.size() - 1).stopWhen(condition);
    }
  }

  /** The condition the last stage waits for, if any. */
  public Optional<StopCondition> pendingStop() {
    if (tasks.isEmpty()) {
      return Optional.ofNullable(pendingCondition);
    }
    return Optional.ofNullable(tasks.get(tasks.size() - 1).stopCondition());
  }

  void conditionMet(StageTask task, StopCondition condition) {
    if (!tasks.isEmpty() && tasks.get(tasks.size() - 1) == task) {
      onConditionMet.accept(condition.describe());
    }
  }

  /** Starts every stage. Restart positions are settled first, from the last stage backwards. */
  public synchronized void start() {
    if (state != State.NEW) {
      throw new IllegalStateException("pipeline " + name + " was started already (" + state + ")");
    }
    for (int i = stages.size() - 2; i >= 0; i--) {
      if (stages.get(i).applier() instanceof StoreApplier sa && !sa.store().isDurable()) {
        sa.store().restartFrom(stages.get(i + 1).applier().lastCommitted());
      }
    }
    for (Stage stage : stages) {
      StageTask task = new StageTask(stage, name, clock, this);
      Thread thread = new Thread(task, name + "-" + stage.name());
      thread.setDaemon(true);
      tasks.add(task);
      threads.add(thread);
    }
    if (pendingCondition != null) {
      tasks.get(tasks.size() - 1).stopWhen(pendingCondition);
    }
    state = State.RUNNING;
    threads.forEach(Thread::start);
  }

  /**
   * Stops cleanly: every stage finishes the transaction it is in and commits. Waits up to the
   * timeout, then interrupts what is still running (its open block is rolled back). Returns whether
   * the stop was clean.
   */
  public boolean stop(Duration timeout) throws InterruptedException {
    synchronized (this) {
      if (state == State.RUNNING) {
        state = State.STOPPING;
      }
    }
    tasks.forEach(StageTask::requestStop);
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean clean = true;
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (t.isAlive()) {
        clean = false;
      }
    }
    if (!clean) {
      LOG.warn("pipeline {}: stages did not stop within {}; interrupting them", name, timeout);
      stopNow();
    }
    synchronized (this) {
      if (state != State.FAILED) {
        state = State.STOPPED;
      }
    }
    return clean;
  }

  /** Stops at once: interrupts every stage; open blocks are rolled back. */
  public void stopNow() throws InterruptedException {
    synchronized (this) {
      if (state == State.RUNNING) {
        state = State.STOPPING;
      }
    }
    tasks.forEach(StageTask::requestImmediateStop);
    threads.forEach(Thread::interrupt);
    for (int i = 0; i < threads.size(); i++) {
      threads.get(i).join(TimeUnit.SECONDS.toMillis(2));
      if (threads.get(i).isAlive()) {
        LOG.warn(
            "pipeline {}: stage '{}' did not answer the interrupt; aborting its applier's call",
            name,
            stages.get(i).name());
        tasks.get(i).abortingCall();
        Applier applier = stages.get(i).applier();
        Thread abort = new Thread(applier::abort, "abort-" + stages.get(i).name());
        abort.setDaemon(true);
        abort.start();
        abort.join(TimeUnit.SECONDS.toMillis(10)); // an unreachable target must not hold the stop
      }
    }
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    synchronized (this) {
      if (state != State.FAILED) {
        state = State.STOPPED;
      }
    }
  }

  /** Whether a stage thread is still running (a call it is in has not returned). */
  public boolean threadsAlive() {
    for (Thread t : threads) {
      if (t.isAlive()) {
        return true;
      }
    }
    return false;
  }

  /** Waits until every stage thread has ended; false on timeout. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (t.isAlive()) {
        return false;
      }
    }
    return true;
  }

  void taskFailed(StageTask task, PipelineFailure f) {
    synchronized (this) {
      if (failure != null) {
        // a stage stopped by the first failure (interrupted): that one is what happened
        LOG.debug("pipeline {}: after the failure, {}", name, f.message());
        return;
      }
      failure = f;
      state = State.FAILED;
    }
    LOG.error("pipeline {}: {}", name, f.message(), f.cause());
    tasks.forEach(StageTask::requestStop);
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i) != task) {
        threads.get(i).interrupt();
      }
    }
    onFailure.accept(f);
  }

  public List<StageStatus> status() {
    List<StageStatus> result = new ArrayList<>();
    if (tasks.isEmpty()) {
      for (Stage s : stages) {
        result.add(
            new StageStatus(
                s.name(),
                "new",
                s.applier().readsPositionOnItsThread()
                    ? io.ferry.core.event.Checkpoint.NONE
                    : s.applier().lastCommitted(),
                0,
                0,
                0,
                -1,
                0,
                null,
                0,
                0,
                s.delay().toMillis(),
                0,
                List.of(),
                null,
                0));
      }
      return result;
    }
    for (StageTask t : tasks) {
      result.add(t.status());
    }
    return result;
  }

  public List<Store> stores() {
    return stores;
  }

  /** Stops cleanly if running (waiting up to a minute). */
  @Override
  public void close() {
    if (state == State.RUNNING || state == State.STOPPING) {
      try {
        stop(Duration.ofSeconds(60));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
