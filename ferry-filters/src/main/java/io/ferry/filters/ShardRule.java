package io.ferry.filters;

import io.ferry.core.config.SettingType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One rule of the {@code shard} filter: the tables a schema or schema.table pattern matches belong
 * to the named shard. Immutable.
 *
 * @param pattern the tables
 * @param shard the shard they belong to
 */
record ShardRule(NamePattern pattern, String shard) {
  /** Comma-separated {@code pattern=shard} pairs, first match wins. */
  static final SettingType<List<ShardRule>> LIST =
      SettingType.checked(
          "comma-separated pattern=shard pairs (pattern: schema or schema.table, * and ?"
              + " wildcards); the first rule that matches a table names its shard",
          ShardRule::parseList,
          rules -> rules.stream().map(ShardRule::toString).collect(Collectors.joining(", ")));

  private static final String EXAMPLE = "shop.orders=orders, shop.*=shop, crm=crm";

  static List<ShardRule> parseList(String text) {
    List<ShardRule> rules = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      if (!item.isBlank()) {
        rules.add(parse(item.strip()));
      }
    }
    if (rules.isEmpty()) {
      throw new IllegalArgumentException(
          "no rule given: write pattern=shard pairs, like " + EXAMPLE);
    }
    return List.copyOf(rules);
  }

  static ShardRule parse(String item) {
    int eq = item.lastIndexOf('=');
    String shard = eq < 0 ? "" : item.substring(eq + 1).strip();
    if (eq <= 0 || shard.isEmpty() || shard.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "'" + item + "' is not a rule: write pattern=shard, like " + EXAMPLE);
    }
    NamePattern pattern = NamePattern.parse(item.substring(0, eq));
    if (pattern.depth() > 2) {
      throw new IllegalArgumentException(
          "'"
              + item
              + "': a rule's pattern is a schema or schema.table, not a column; write it like "
              + EXAMPLE);
    }
    return new ShardRule(pattern, shard);
  }

  @Override
  public String toString() {
    return pattern + "=" + shard;
  }
}
