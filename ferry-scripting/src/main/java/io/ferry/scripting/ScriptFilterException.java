package io.ferry.scripting;

/**
 * A scripted filter failed on a transaction: the script threw, misused the object model, returned a
 * value, or spent its budget. Not retriable: the same script fails the same way on the same
 * transaction, so the service stops with this message, which names the filter, the script file, the
 * line where known, the seqno, and what to do.
 */
public final class ScriptFilterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ScriptFilterException(String message, Throwable cause) {
    super(message, cause);
  }
}
