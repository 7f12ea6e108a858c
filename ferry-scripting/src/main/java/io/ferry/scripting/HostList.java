package io.ferry.scripting;

/**
 * A read-only list of the script object model (the changes of a transaction, the rows and columns
 * of a change): 0-based from the host's side; Lua sees it 1-based. Elements are neutral values (see
 * {@link HostObject}). Used by one thread at a time.
 */
abstract class HostList {
  /** The engine's wrapper of this list, made on first use. */
  Object peer;

  abstract int size();

  /** The element at a 0-based index within {@link #size()}. */
  abstract Object get(int index);
}
