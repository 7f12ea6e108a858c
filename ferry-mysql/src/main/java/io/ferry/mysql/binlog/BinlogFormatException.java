package io.ferry.mysql.binlog;

/** An event's bytes are not what its type promises. */
public class BinlogFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BinlogFormatException(String message) {
    super(message);
  }

  public BinlogFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
