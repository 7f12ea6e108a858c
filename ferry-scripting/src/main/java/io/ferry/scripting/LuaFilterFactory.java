package io.ferry.scripting;

/** Filters written in Lua 5.2 (LuaJ). Stateless and thread-safe. */
public final class LuaFilterFactory extends ScriptFilterFactory {
  @Override
  public String type() {
    return "lua";
  }

  @Override
  public String summary() {
    return "Runs a Lua (LuaJ) script's filter(tx) on every transaction, sandboxed and within a"
        + " budget.";
  }

  @Override
  ScriptRuntime compile(String source, String fileName, Budget budget) {
    return new LuaRuntime(source, fileName, budget);
  }
}
