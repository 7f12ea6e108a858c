package io.ferry.core.event;

import io.ferry.core.value.Values;

/**
 * A session setting that changes what a statement means: {@code timestamp}, {@code insert_id},
 * {@code sql_mode}, {@code time_zone}, a user variable ({@code @name}), and so on.
 *
 * @param name the variable's name; user variables start with {@code @}
 * @param value its value, one of the {@link Values} types
 */
public record SessionVariable(String name, Object value) {
  public SessionVariable {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a session variable needs a name");
    }
    if (!Values.isSupported(value)) {
      throw new IllegalArgumentException(
          "session variable " + name + " has a value of unsupported type " + value.getClass());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionVariable v && v.name.equals(name) && Values.equal(v.value, value);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Values.hash(value);
  }

  @Override
  public String toString() {
    return name + "=" + Values.display(value);
  }
}
