package io.ferry.scripting;

/**
 * A method of the script object model, bound to its object: called with neutral arguments, returns
 * a neutral value or null. Throws {@link ScriptUsageException} when the script uses it wrongly.
 */
@FunctionalInterface
interface HostFunction {
  Object call(Object[] args);
}
