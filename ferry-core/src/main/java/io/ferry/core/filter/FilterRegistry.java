package io.ferry.core.filter;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Every filter type on the class path, found with {@link ServiceLoader}. Immutable once built;
 * {@link #installed()} is built once per class loader and shared.
 */
public final class FilterRegistry {
  private static volatile FilterRegistry installed;

  private final Map<String, FilterFactory> byType;

  private FilterRegistry(Map<String, FilterFactory> byType) {
    this.byType = Collections.unmodifiableMap(new TreeMap<>(byType));
  }

  /** The filter types this process has. */
  public static FilterRegistry installed() {
    FilterRegistry r = installed;
    if (r == null) {
      synchronized (FilterRegistry.class) {
        r = installed;
        if (r == null) {
          List<FilterFactory> found = new java.util.ArrayList<>();
          ServiceLoader.load(FilterFactory.class, FilterRegistry.class.getClassLoader())
              .forEach(found::add);
          r = of(found);
          installed = r;
        }
      }
    }
    return r;
  }

  /** A registry of the given factories; two with one type name are a programming error. */
  public static FilterRegistry of(List<FilterFactory> factories) {
    Map<String, FilterFactory> m = new TreeMap<>();
    for (FilterFactory f : factories) {
      FilterFactory earlier = m.put(f.type(), f);
      if (earlier != null) {
        throw new IllegalStateException(
            "two filter types named "
                + f.type()
                + ": "
                + earlier.getClass().getName()
                + " and "
                + f.getClass().getName());
      }
    }
    return new FilterRegistry(m);
  }

  /** The factory of a type, or null. */
  public FilterFactory get(String type) {
    return byType.get(type);
  }

  /** Every type, sorted by name. */
  public List<FilterFactory> all() {
    return List.copyOf(byType.values());
  }

  /** The type names, sorted. */
  public List<String> types() {
    return List.copyOf(byType.keySet());
  }
}
