package io.ferry.scripting;

import java.util.List;

/**
 * An object of the script object model as the host sees it, independent of the language: named
 * members read with {@link #get}, written with {@link #set}, listed with {@link #keys}. Members
 * hold neutral values: null, {@link Boolean}, {@link Number}, {@link String}, {@code byte[]}
 * (binary), {@link HostObject}, {@link HostList} or {@link HostFunction}. Each language's binding
 * wraps these once and caches its wrapper in {@link #peer}. Used by one thread at a time.
 */
abstract class HostObject {
  /** The engine's wrapper of this object, made on first use. */
  Object peer;

  /** The member's neutral value, or null when there is no such member. */
  abstract Object get(String key);

  /** Writes a member; read-only objects refuse with a message naming the member. */
  void set(String key, Object value) {
    throw new ScriptUsageException(
        "'" + key + "' is read-only here: " + what() + " cannot be changed by assignment");
  }

  /** Whether the object has the member (asked when {@link #get} returned null). */
  boolean has(String key) {
    return keys().contains(key);
  }

  /** The members a script may enumerate, in a stable order. */
  abstract List<String> keys();

  /** What this object is, for messages. */
  abstract String what();
}
