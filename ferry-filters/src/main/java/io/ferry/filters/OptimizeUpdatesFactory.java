package io.ferry.filters;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.util.List;
import java.util.Set;

/** The {@code optimize-updates} filter type. Stateless and thread-safe. */
public final class OptimizeUpdatesFactory implements FilterFactory {
  static final Setting<Boolean> KEEP_KEYS =
      new Setting<>(
          "keep-keys",
          SettingType.BOOLEAN,
          true,
          false,
          Set.of(),
          false,
          "Whether key columns (flagged in the row change; see the colnames filter) stay in the"
              + " after image even when unchanged, for targets that want the key with every"
              + " update.");

  @Override
  public String type() {
    return "optimize-updates";
  }

  @Override
  public String summary() {
    return "Drops unchanged columns from the after images of updates.";
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(KEEP_KEYS);
  }

  @Override
  public Filter create(FilterSettings settings) {
    return new OptimizeUpdatesFilter(settings.name(), settings.get(KEEP_KEYS));
  }
}
