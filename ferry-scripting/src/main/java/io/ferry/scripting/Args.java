package io.ferry.scripting;

/** Checks the arguments a script passes to a method of the object model. Stateless. */
final class Args {
  private Args() {}

  /** The i-th argument as a non-empty string, or a usage error naming the method. */
  static String string(Object[] args, int i, String method, String param) {
    Object v = i < args.length ? args[i] : null;
    if (v instanceof String s && !s.isEmpty()) {
      return s;
    }
    if (v instanceof byte[] b && b.length > 0) {
      return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
    throw new ScriptUsageException(
        method + ": the " + param + " must be a non-empty string, not " + describe(v));
  }

  /** The i-th argument as a string, or null when it is absent or null. */
  static String optionalString(Object[] args, int i, String method, String param) {
    Object v = i < args.length ? args[i] : null;
    return v == null ? null : string(args, i, method, param);
  }

  /** Refuses arguments a method does not take. */
  static void none(Object[] args, String method) {
    if (args.length > 0) {
      throw new ScriptUsageException(method + " takes no arguments");
    }
  }

  static String describe(Object v) {
    if (v == null) {
      return "nothing";
    }
    if (v instanceof String s) {
      return "'" + s + "'";
    }
    if (v instanceof byte[] b) {
      return "'" + new String(b, java.nio.charset.StandardCharsets.UTF_8) + "'";
    }
    if (v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    return "an object";
  }
}
