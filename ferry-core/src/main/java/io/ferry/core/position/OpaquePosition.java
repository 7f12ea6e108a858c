package io.ferry.core.position;

import java.util.Optional;

/**
 * A position Ferry does not interpret (a generator's counter, a foreign source's token). Equal
 * texts compare equal; nothing else is ordered.
 *
 * @param text the position
 */
public record OpaquePosition(String text) implements NativePosition {
  public static final String KIND = "opaque";

  public OpaquePosition {
    if (text == null) {
      throw new IllegalArgumentException("an opaque position needs a text");
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Optional<Integer> compare(NativePosition other) {
    return other instanceof OpaquePosition o && o.text.equals(text)
        ? Optional.of(0)
        : Optional.empty();
  }

  @Override
  public String toString() {
    return text;
  }
}
