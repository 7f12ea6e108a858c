package io.ferry.core.target;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The target types on the class path, found once through {@link ServiceLoader}. Thread-safe. */
public final class TargetTypes {
  private TargetTypes() {}

  private static final class Holder {
    static final Map<String, TargetType> TYPES = load();
  }

  private static Map<String, TargetType> load() {
    Map<String, TargetType> types = new LinkedHashMap<>();
    for (TargetType t : ServiceLoader.load(TargetType.class, TargetTypes.class.getClassLoader())) {
      TargetType earlier = types.putIfAbsent(t.name(), t);
      if (earlier != null && earlier.getClass() != t.getClass()) {
        throw new IllegalStateException(
            "two target types are both named '"
                + t.name()
                + "': "
                + earlier.getClass().getName()
                + " and "
                + t.getClass().getName()
                + "; remove one of their jars from the class path");
      }
    }
    return Collections.unmodifiableMap(types);
  }

  /** Every registered type, by name, in the order they were found. */
  public static Map<String, TargetType> all() {
    return Holder.TYPES;
  }

  /**
   * The type of that name, or a {@link TargetException} listing the registered ones.
   *
   * @param where where the name was written, for the message (like {@code FILE:LINE: target.type})
   */
  public static TargetType named(String name, String where) {
    TargetType t = Holder.TYPES.get(name);
    if (t == null) {
      List<String> names = new ArrayList<>(Holder.TYPES.keySet());
      throw new TargetException(
          where
              + ": unknown target type '"
              + name
              + "'; registered: "
              + (names.isEmpty()
                  ? "none (a build without target modules?)"
                  : String.join(", ", names)));
    }
    return t;
  }
}
