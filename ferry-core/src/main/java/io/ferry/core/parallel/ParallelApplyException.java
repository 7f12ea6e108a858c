package io.ferry.core.parallel;

import io.ferry.core.pipeline.Retriable;

/** Parallel apply cannot go on by itself (retrying would not help); the message says why. */
public final class ParallelApplyException extends RuntimeException implements Retriable {
  public ParallelApplyException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
