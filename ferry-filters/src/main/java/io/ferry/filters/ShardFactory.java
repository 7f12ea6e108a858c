package io.ferry.filters;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.util.List;
import java.util.Set;

/** The {@code shard} filter type. Stateless and thread-safe. */
public final class ShardFactory implements FilterFactory {
  static final Setting<String> BY =
      new Setting<>(
          "by",
          SettingType.oneOf("schema", "table", "column", "rule"),
          "table",
          false,
          Set.of(),
          false,
          "What a transaction's shard is: schema (the schema it changes), table (schema.table),"
              + " column (schema.table:value of the column named by column) or rule (the shard of"
              + " the first rule in rules that matches the table). A transaction whose changes"
              + " fall in several shards, or that has a statement whose tables cannot be told, gets"
              + " #global and is applied alone.");

  static final Setting<String> COLUMN =
      new Setting<>(
          "column",
          SettingType.STRING,
          null,
          false,
          Set.of(),
          false,
          "With by = column: the column whose value names the shard (the after image's value;"
              + " the before image's for deletes; both for updates). Tables without it are sharded"
              + " by table.");

  static final Setting<List<ShardRule>> RULES =
      new Setting<>(
          "rules",
          ShardRule.LIST,
          null,
          false,
          Set.of(),
          false,
          "With by = rule: comma-separated pattern=shard pairs, first match wins; the pattern is"
              + " a schema or schema.table (* and ? wildcards). A table no rule matches is sharded"
              + " by its schema.");

  @Override
  public String type() {
    return "shard";
  }

  @Override
  public String summary() {
    return "Assigns shards finer than the schema (by table, by a column's value, or by rules) for"
        + " parallel apply.";
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(BY, COLUMN, RULES);
  }

  @Override
  public Filter create(FilterSettings settings) {
    String by = settings.get(BY);
    String column = settings.get(COLUMN);
    List<ShardRule> rules = settings.get(RULES);
    boolean hasColumn = column != null && !column.isBlank();
    boolean hasRules = rules != null && !rules.isEmpty();
    if (by.equals("column") && !hasColumn) {
      throw new IllegalArgumentException(
          settings.key(COLUMN.key())
              + " is required with "
              + settings.key(BY.key())
              + " = column: name the column whose value picks the shard, like "
              + settings.key(COLUMN.key())
              + " = tenant_id");
    }
    if (by.equals("rule") && !hasRules) {
      throw new IllegalArgumentException(
          settings.key(RULES.key())
              + " is required with "
              + settings.key(BY.key())
              + " = rule: list pattern=shard pairs, like "
              + settings.key(RULES.key())
              + " = shop.orders=orders, crm=crm");
    }
    unused(settings, hasColumn && !by.equals("column"), COLUMN, by, "column");
    unused(settings, hasRules && !by.equals("rule"), RULES, by, "rule");
    return new ShardFilter(
        settings.name(),
        ShardFilter.By.valueOf(by.toUpperCase(java.util.Locale.ROOT)),
        hasColumn ? column.strip() : null,
        hasRules ? rules : List.of());
  }

  private static void unused(
      FilterSettings settings, boolean unused, Setting<?> s, String by, String needs) {
    if (unused) {
      throw new IllegalArgumentException(
          settings.key(s.key())
              + " is only read with "
              + settings.key(BY.key())
              + " = "
              + needs
              + ", and by is "
              + by
              + ": remove it, or set "
              + settings.key(BY.key())
              + " = "
              + needs);
    }
  }
}
