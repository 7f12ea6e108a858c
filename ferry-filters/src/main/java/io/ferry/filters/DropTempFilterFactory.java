package io.ferry.filters;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.util.List;

/** {@code drop-temp}: temporary-table traffic and scratch schemas. */
public final class DropTempFilterFactory implements FilterFactory {
  public static final String TYPE = "drop-temp";

  public static final Setting<String> SCHEMAS =
      RoutingConfig.setting(
          "schemas",
          SettingType.STRING,
          "",
          false,
          "Scratch schemas whose rows and statements are all dropped: comma-separated schema"
              + " patterns (* and ?), like tmp_*, scratch. Empty: none; only temporary tables are"
              + " dropped.");

  public static final Setting<String> ON_TEMP_SOURCE =
      RoutingConfig.setting(
          "on-temp-source",
          SettingType.oneOf("fail", "keep"),
          "fail",
          false,
          "A kept statement that names a temporary table of its session (INSERT INTO app.totals"
              + " SELECT ... FROM tmp: it writes a real table from a temporary one the target never"
              + " got). fail: stop with an error naming the statement and the seqno. keep: pass it"
              + " (it fails on the target, or writes other data there).");

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String summary() {
    return "Drops CREATE/DROP TEMPORARY TABLE, statements that change only temporary tables of"
        + " their session, and everything of scratch schemas.";
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(SCHEMAS, ON_TEMP_SOURCE);
  }

  @Override
  public Filter create(FilterSettings settings) {
    List<NamePattern> schemas =
        RoutingConfig.patterns(settings, SCHEMAS, 1, "schema patterns only (tmp_*, scratch)");
    return new DropTempFilter(
        settings.name(), schemas, settings.get(ON_TEMP_SOURCE).equals("fail"));
  }
}
