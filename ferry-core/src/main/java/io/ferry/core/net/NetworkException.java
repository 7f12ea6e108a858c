package io.ferry.core.net;

import io.ferry.core.pipeline.Retriable;

/**
 * THL transfer failed: a master could not be reached or the connection broke (retriable), or a
 * master refused the replica or broke the protocol (not retriable: trying again gives the same
 * answer). The message names the master and what to do.
 */
public final class NetworkException extends RuntimeException implements Retriable {
  private static final long serialVersionUID = 1L;

  private final boolean retriable;

  public NetworkException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  @Override
  public boolean isRetriable() {
    return retriable;
  }
}
