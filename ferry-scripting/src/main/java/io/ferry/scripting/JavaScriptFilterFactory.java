package io.ferry.scripting;

/** Filters written in JavaScript (ES6 as Rhino runs it). Stateless and thread-safe. */
public final class JavaScriptFilterFactory extends ScriptFilterFactory {
  @Override
  public String type() {
    return "javascript";
  }

  @Override
  public String summary() {
    return "Runs a JavaScript (Rhino) script's filter(tx) on every transaction, sandboxed and"
        + " within a budget.";
  }

  @Override
  ScriptRuntime compile(String source, String fileName, Budget budget) {
    return new RhinoRuntime(source, fileName, budget);
  }
}
