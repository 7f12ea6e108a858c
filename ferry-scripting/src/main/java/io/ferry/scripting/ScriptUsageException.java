package io.ferry.scripting;

/**
 * A script used the object model wrongly (a column the image does not carry, a value a column's
 * type cannot take, a wrong argument). The language binding turns it into a script error, so that
 * the message gets the script's file and line.
 */
final class ScriptUsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ScriptUsageException(String message) {
    super(message);
  }
}
