package io.ferry.filters;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.util.List;
import java.util.Set;

/** The {@code pkey} filter type. Stateless and thread-safe. */
public final class PkeyFactory implements FilterFactory {
  static final Setting<String> ON_NO_KEY =
      new Setting<>(
          "on-no-key",
          SettingType.oneOf("keep", "fail"),
          "keep",
          false,
          Set.of(),
          false,
          "What to do with an update or delete of a table whose key is known neither from the"
              + " row change (key flags) nor from the schema view: keep passes it on unchanged,"
              + " with its whole before image, and warns once per table; fail stops the service"
              + " with an error naming the table.");

  @Override
  public String type() {
    return "pkey";
  }

  @Override
  public String summary() {
    return "Keeps only the key columns in the before images of updates and deletes.";
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(ON_NO_KEY);
  }

  @Override
  public Filter create(FilterSettings settings) {
    return new PkeyFilter(settings.name(), "fail".equals(settings.get(ON_NO_KEY)));
  }
}
