package io.ferry.core.pipeline;

/** A stage task was interrupted (an immediate stop) while it waited inside a role. */
public class StageInterruptedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StageInterruptedException(String message) {
    super(message);
  }
}
