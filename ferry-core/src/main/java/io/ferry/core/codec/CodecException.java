package io.ferry.core.codec;

/** Bytes that cannot be decoded, or a value that cannot be encoded. Says what and where. */
public class CodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CodecException(String message) {
    super(message);
  }

  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
