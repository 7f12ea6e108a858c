package io.ferry.filters;

import io.ferry.core.config.SettingType;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Setting types for lists of {@link NamePattern}s: column patterns ({@code schema.table.column})
 * and table patterns ({@code schema} or {@code schema.table}). Immutable.
 */
final class PatternTypes {
  private PatternTypes() {}

  /** Comma-separated three-part patterns, at least one. */
  static final SettingType<List<NamePattern>> COLUMNS =
      SettingType.checked(
          "comma-separated column patterns schema.table.column (* and ? are wildcards)",
          text -> patterns(text, 3, 3, "schema.table.column", "shop.customers.ssn, *.*.password"),
          PatternTypes::format);

  /** Comma-separated schema or schema.table patterns, at least one. */
  static final SettingType<List<NamePattern>> TABLES =
      SettingType.checked(
          "comma-separated table patterns, schema or schema.table (* and ? are wildcards)",
          text -> patterns(text, 1, 2, "schema or schema.table", "shop.orders, crm"),
          PatternTypes::format);

  /** Every table. */
  static final List<NamePattern> ALL_TABLES = List.of(NamePattern.parse("*"));

  private static List<NamePattern> patterns(
      String text, int minDepth, int maxDepth, String shape, String example) {
    List<NamePattern> list = NamePattern.parseList(text);
    if (list.isEmpty()) {
      throw new IllegalArgumentException(
          "no pattern given: list one or more " + shape + " patterns, like " + example);
    }
    for (NamePattern p : list) {
      if (p.depth() < minDepth || p.depth() > maxDepth) {
        throw new IllegalArgumentException(
            "'" + p + "' is not a " + shape + " pattern: write it like " + example);
      }
    }
    return list;
  }

  static String format(List<NamePattern> patterns) {
    return patterns.stream().map(NamePattern::toString).collect(Collectors.joining(", "));
  }
}
