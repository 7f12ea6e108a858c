package io.ferry.mysql.source;

/**
 * Reading the source failed for a reason the message explains: which host, which account, what the
 * server said, and what to do. {@link #isRetriable()} tells whether trying again later can help
 * (the source restarted, the network blinked) or not (a grant is missing, the position is gone).
 */
public class SourceException extends RuntimeException implements io.ferry.core.pipeline.Retriable {
  private static final long serialVersionUID = 1L;

  private final boolean retriable;

  public SourceException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  public SourceException(String message, boolean retriable) {
    this(message, retriable, null);
  }

  @Override
  public boolean isRetriable() {
    return retriable;
  }
}
