package io.ferry.core.target;

/**
 * A target that cannot be configured, reached or used, with a message that says which, where, and
 * what to do. Unchecked: it ends the operation that met it.
 */
public class TargetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TargetException(String message) {
    super(message);
  }

  public TargetException(String message, Throwable cause) {
    super(message, cause);
  }
}
