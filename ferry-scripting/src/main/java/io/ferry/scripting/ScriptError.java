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

  /**
   * A stack overflow or an exhausted heap inside a script, as a script error: the JVM survives both
   * (the frames and the failed allocation are gone once the error has unwound), and the user must
   * learn which script did it, not find a bare {@code Error} in the stage's log.
   */
  static ScriptError fatal(VirtualMachineError e, int line) {
    String message =
        e instanceof StackOverflowError
            ? "stack overflow (recursion too deep)"
            : "ran out of memory (" + e.getMessage() + ")";
    return new ScriptError(message, line, e);
  }

  int line() {
    return line;
  }

  /** "line 12: message", or the message alone. */
  String located() {
    return line > 0 ? "line " + line + ": " + getMessage() : getMessage();
  }
}
