package io.ferry.filters;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.util.List;

/** {@code replicate}: do-lists and ignore-lists of schemas and tables. */
public final class ReplicateFilterFactory implements FilterFactory {
  public static final String TYPE = "replicate";

  public static final Setting<String> DO =
      RoutingConfig.setting(
          "do",
          SettingType.STRING,
          "",
          false,
          "The schemas and tables to replicate: comma-separated patterns, schema or schema.table,"
              + " where * matches any run of characters and ? one character (app.*, shop.orders,"
              + " `my.db`.t). Empty: every table. Names compare case-sensitively, as the server"
              + " stores them.");

  public static final Setting<String> IGNORE =
      RoutingConfig.setting(
          "ignore",
          SettingType.STRING,
          "",
          false,
          "The schemas and tables not to replicate, even when do names them: patterns like"
              + " do's. A table is replicated when do is empty or matches it, and ignore does not"
              + " match it.");

  public static final Setting<String> UNKNOWN_STATEMENTS =
      RoutingConfig.setting(
          "unknown-statements",
          SettingType.oneOf("keep", "drop"),
          "keep",
          false,
          "A statement whose tables cannot be told (accounts, GRANT, compound statements,"
              + " SELECT/DO/CALL of stored functions, an unqualified name without a default"
              + " schema) is decided by its default schema; one without a default schema is"
              + " kept (keep) or dropped (drop).");

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String summary() {
    return "Replicates only the schemas and tables a do-list names and an ignore-list does not:"
        + " rows, DDL and statements.";
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(DO, IGNORE, UNKNOWN_STATEMENTS);
  }

  @Override
  public Filter create(FilterSettings settings) {
    String what = "schema or schema.table (a column pattern filters no table)";
    List<NamePattern> doList = RoutingConfig.patterns(settings, DO, 2, what);
    List<NamePattern> ignoreList = RoutingConfig.patterns(settings, IGNORE, 2, what);
    boolean dropUnknown = "drop".equals(settings.get(UNKNOWN_STATEMENTS));
    return new ReplicateFilter(settings.name(), doList, ignoreList, dropUnknown);
  }
}
