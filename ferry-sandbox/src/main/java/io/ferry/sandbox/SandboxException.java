package io.ferry.sandbox;

/**
 * A sandbox operation failed. The message is meant for a person: it says which sandbox, which
 * server and which file, what went wrong, and what to do next.
 */
public class SandboxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SandboxException(String message) {
    super(message);
  }

  public SandboxException(String message, Throwable cause) {
    super(message, cause);
  }
}
