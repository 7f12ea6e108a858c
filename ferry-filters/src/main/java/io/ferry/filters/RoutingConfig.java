package io.ferry.filters;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.filter.FilterSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reading the settings of the routing filters: declarations, pattern lists and word lists, with
 * messages that name the full key. Stateless.
 */
final class RoutingConfig {
  private RoutingConfig() {}

  /** A setting of a filter (applies to every role, never secret). */
  static <T> Setting<T> setting(
      String key, SettingType<T> type, T defaultValue, boolean required, String description) {
    return new Setting<>(key, type, defaultValue, required, Set.of(), false, description);
  }

  /** The error for a setting: {@code filter.NAME.KEY: message}. */
  static IllegalArgumentException error(FilterSettings s, Setting<?> key, String message) {
    return new IllegalArgumentException(s.key(key.key()) + ": " + message);
  }

  /** The text of a setting, stripped; empty when unset. */
  static String text(FilterSettings s, Setting<String> key) {
    String v = s.get(key);
    return v == null ? "" : v.strip();
  }

  /** Whether a text setting is set to something other than blanks. */
  static boolean given(FilterSettings s, Setting<String> key) {
    return !text(s, key).isEmpty();
  }

  /**
   * A comma-separated list of name patterns of at most {@code maxDepth} parts.
   *
   * @param what what the parts stand for, for the message ("schema or schema.table")
   */
  static List<NamePattern> patterns(
      FilterSettings s, Setting<String> key, int maxDepth, String what) {
    List<NamePattern> list = new ArrayList<>();
    for (String item : words(s, key)) {
      try {
        list.add(NamePattern.parse(item));
      } catch (IllegalArgumentException e) {
        throw error(s, key, e.getMessage());
      }
    }
    for (NamePattern p : list) {
      if (p.depth() > maxDepth) {
        throw error(s, key, "'" + p + "' has too many parts: write " + what);
      }
    }
    return List.copyOf(list);
  }

  /** A comma-separated list of words, blanks dropped. */
  static List<String> words(FilterSettings s, Setting<String> key) {
    List<String> out = new ArrayList<>();
    for (String item : text(s, key).split(",", -1)) {
      if (!item.isBlank()) {
        out.add(item.strip());
      }
    }
    return List.copyOf(out);
  }
}
