package io.ferry.server;

/** A request that does not fit the service's state (or a failed transition), with the reason. */
public final class ServiceStateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ServiceStateException(String message) {
    super(message);
  }

  public ServiceStateException(String message, Throwable cause) {
    super(message, cause);
  }
}
