package io.ferry.core.pipeline;

import io.ferry.core.event.Checkpoint;

/**
 * A stage at a glance. Immutable snapshot.
 *
 * @param name the stage
 * @param state what its task is doing
 * @param committed its applier's last committed checkpoint
 * @param appliedEvents events applied since start
 * @param filteredEvents transactions dropped by its filters since start
 * @param commits commits since start
 * @param latencyMillis how long after the source's commit its last committed event was committed
 *     here (applied latency), or -1 if unknown
 * @param retries how many times it has retried after a failure that could pass, since start
 * @param lastRetry why it last retried, or null
 * @param lastCommitMillis when it last committed (milliseconds since 1970), or 0
 * @param retryingSinceMillis when its current series of retries began (milliseconds since 1970), or
 *     0 if it is not retrying: set at the first failure that may pass, cleared once it commits
 *     again or finds its source idle
 * @param delayMillis its configured apply delay in milliseconds (0: none)
 * @param delayedUntilMillis when the transaction it holds back on purpose is due (milliseconds
 *     since 1970), or 0 when it is not waiting
 * @param filters what each of its configured filters has done, in chain order
 *     <p>{@code parallel}: the channels of a stage that applies in parallel, else null; {@code
 *     appliedRows}: row changes in the events applied since start.
 */
public record StageStatus(
    String name,
    String state,
    Checkpoint committed,
    long appliedEvents,
    long filteredEvents,
    long commits,
    long latencyMillis,
    long retries,
    String lastRetry,
    long lastCommitMillis,
    long retryingSinceMillis,
    long delayMillis,
    long delayedUntilMillis,
    java.util.List<io.ferry.core.filter.FilterStats> filters,
    io.ferry.core.parallel.ParallelStatus parallel,
    long appliedRows) {

  public StageStatus {
    filters = filters == null ? java.util.List.of() : java.util.List.copyOf(filters);
  }

  /** Whether it is retrying after a failure that may pass (the reason is {@link #lastRetry}). */
  public boolean retrying() {
    return retryingSinceMillis > 0;
  }
}
