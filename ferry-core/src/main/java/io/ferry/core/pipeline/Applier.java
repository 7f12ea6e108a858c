package io.ferry.core.pipeline;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;

/**
 * The writing role of a stage: takes events in order and makes them durable together with its
 * checkpoint, so that a crash at any instant leaves data and position in agreement. Events are
 * applied in blocks: {@link #apply} inside an open block, {@link #commit} ends it. Used by one task
 * thread.
 */
public interface Applier extends AutoCloseable {
  /** The last event committed durably: where its stage resumes. */
  Checkpoint lastCommitted();

  /** Applies an event within the current block. */
  void apply(ReplEvent event);

  /**
   * Whether it commits in blocks of its own choosing (parallel apply's channels): then its stage
   * calls {@link #commit} only where it must (a stop, a stop condition, a delay, before reporting a
   * failure), tells it {@link #idle} when the source has nothing for now, and reads {@link
   * #lastCommitted} (which must then be cheap and safe from the stage's thread at any time) for its
   * status.
   */
  default boolean commitsOnItsOwn() {
    return false;
  }

  /**
   * For an applier that commits on its own: the source has nothing more for now; what it holds
   * should become durable soon. Does not wait.
   */
  default void idle() {}

  /**
   * Sends what it holds back to the target (batched rows) without committing, so that the work is
   * done and its locks taken before the commit comes. Parallel apply calls it before a channel
   * waits for its turn to commit.
   */
  default void flush() {}

  /**
   * Whether {@link #lastCommitted} is for its stage's thread alone before the stage has started
   * (the first call sets up the run: parallel apply opens its channels there); a pipeline's status
   * shows no position for it until then.
   */
  default boolean readsPositionOnItsThread() {
    return false;
  }

  /** Makes every event applied since the last commit durable, with its checkpoint. */
  void commit();

  /**
   * Whether the block must end right after the transaction just applied, for a reason only the
   * applier knows (it changed something that cannot roll back). The header's commit.required is the
   * other reason.
   */
  default boolean needsCommit() {
    return false;
  }

  /**
   * Forgets what it knows of the target's tables: another connection changed them (parallel apply
   * ran a schema change on another channel). Called between transactions.
   */
  default void forgetSchema() {}

  /** Abandons every event applied since the last commit. */
  void rollback();

  /**
   * Called from another thread by an immediate stop that finds the task still inside a call an
   * interrupt does not end (a statement the database has not answered): breaks that call, for
   * example by aborting its connection. The task then ends, and its open block is abandoned.
   */
  default void abort() {}

  /** Releases what it holds; uncommitted events are abandoned. */
  @Override
  default void close() {}
}
