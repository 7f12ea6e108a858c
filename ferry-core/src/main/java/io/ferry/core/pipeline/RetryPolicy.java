package io.ferry.core.pipeline;

import java.time.Duration;

/**
 * How a stage retries a {@link Retriable} failure: it rolls back the open block, waits (starting at
 * {@code initialBackoff}, doubling up to {@code maxBackoff}), and resumes right after its last
 * commit; it gives up once failures have gone on for {@code giveUpAfter} without a commit in
 * between. Immutable.
 *
 * @param initialBackoff the first wait
 * @param maxBackoff the longest wait
 * @param giveUpAfter how long failures may go on before the stage fails (0: never retry)
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter) {
  public RetryPolicy {
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "retry backoff must grow from "
              + initialBackoff
              + " to at least that, not "
              + maxBackoff);
    }
    if (giveUpAfter.isNegative()) {
      throw new IllegalArgumentException("a retry window cannot be negative");
    }
  }

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMinutes(10));

  public static final RetryPolicy NEVER =
      new RetryPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO);

  /** The wait before attempt {@code n} (1-based). */
  public Duration backoff(int attempt) {
    Duration d = initialBackoff;
    for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }
}
