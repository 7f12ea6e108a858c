package io.ferry.scripting;

/**
 * One compiled script in one engine, sandboxed: calls its hooks with host objects. A script error
 * is a {@link ScriptError} with the line; a spent budget is {@link Budget.Exceeded}. Used by one
 * thread at a time; not reusable after {@link #close()}.
 */
interface ScriptRuntime extends AutoCloseable {
  /** Whether the script defines a function of this name. */
  boolean has(String hook);

  /**
   * Calls a hook with one argument (none when null). Returns null when the hook returned nothing,
   * else a short description of what it returned.
   */
  String call(String hook, HostObject arg);

  @Override
  void close();
}
