package io.ferry.core.event;

import io.ferry.core.value.Geometry;
import io.ferry.core.value.JsonValue;
import io.ferry.core.value.Text;

/** Payload sizes of values beyond their object overhead, for memory estimates. */
public final class ValueSizes {
  private ValueSizes() {}

  public static long of(Object value) {
    if (value instanceof byte[] b) {
      return b.length;
    }
    if (value instanceof Text t) {
      return t.length();
    }
    if (value instanceof String s) {
      return 2L * s.length();
    }
    if (value instanceof JsonValue j) {
      return 2L * j.json().length();
    }
    if (value instanceof Geometry g) {
      return g.unsafeBytes().length;
    }
    return 0;
  }
}
