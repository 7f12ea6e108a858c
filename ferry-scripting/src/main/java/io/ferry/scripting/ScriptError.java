package io.ferry.scripting;

/**
 * A script failed: its own error, a runtime error, or a misuse of the object model, with the
 * script's line where the engine knows it (0 otherwise). The filter adds the file, the filter name
 * and the seqno.
 */
final class ScriptError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int line;

  ScriptError(String message, int line, Throwable cause) {
    super(message, cause);
    this.line = line;
  }

  int line() {
    return line;
  }

  /** "line 12: message", or the message alone. */
  String located() {
    return line > 0 ? "line " + line + ": " + getMessage() : getMessage();
  }
}
