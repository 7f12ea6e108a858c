package io.ferry.scripting;

import java.util.List;
import java.util.Map;

/**
 * A read-only map of strings as a script object ({@code ctx.settings}, {@code tx.options}): a key
 * it does not hold reads as null/nil. Immutable; used by one thread at a time (the wrapper cache).
 */
final class StringMapHost extends HostObject {
  private final Map<String, String> map;
  private final String what;

  StringMapHost(Map<String, String> map, String what) {
    this.map = map;
    this.what = what;
  }

  @Override
  Object get(String key) {
    return map.get(key);
  }

  @Override
  List<String> keys() {
    return List.copyOf(map.keySet());
  }

  @Override
  String what() {
    return what;
  }
}
