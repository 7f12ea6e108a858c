package io.ferry.core.thl;

/**
 * The transaction history log cannot do what was asked; the message says what, where, what next.
 */
public class ThlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ThlException(String message) {
    super(message);
  }

  public ThlException(String message, Throwable cause) {
    super(message, cause);
  }
}
