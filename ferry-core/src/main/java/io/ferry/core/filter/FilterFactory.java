package io.ferry.core.filter;

import io.ferry.core.config.Setting;
import io.ferry.core.pipeline.Filter;
import java.util.List;

/**
 * A kind of filter: its type name (what {@code filter.<name>.type} says), the settings it takes,
 * and how an instance is made from them. Registered with {@link java.util.ServiceLoader} (a line in
 * {@code META-INF/services/io.ferry.core.filter.FilterFactory}), so a new filter is one class and
 * one line. Implementations are stateless and thread-safe.
 */
public interface FilterFactory {
  /** The type name, like {@code replicate} or {@code javascript}: lower case, digits, dashes. */
  String type();

  /** One sentence for the reference and {@code ferry filter types}. */
  String summary();

  /** The settings an instance takes, declared like every other key (keys without the prefix). */
  List<Setting<?>> settings();

  /**
   * Whether an instance also takes free-form {@code param.<key>} settings (scripts read them as
   * their settings).
   */
  default boolean takesParams() {
    return false;
  }

  /**
   * Configures an instance (the first step of its lifecycle): reads and checks its settings and the
   * files they name, without connecting anywhere. A problem is an {@link IllegalArgumentException}
   * whose message says what is wrong and what to write instead; the configuration loader reports it
   * with the file, line and key.
   */
  Filter create(FilterSettings settings);
}
