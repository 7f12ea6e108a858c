package io.ferry.filters;

import io.ferry.core.config.Setting;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.util.List;

/** The {@code colnames} filter type. Stateless and thread-safe. */
public final class ColnamesFactory implements FilterFactory {
  @Override
  public String type() {
    return "colnames";
  }

  @Override
  public String summary() {
    return "Adds column names and key flags the source did not send, from the schema view.";
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of();
  }

  @Override
  public Filter create(FilterSettings settings) {
    return new ColnamesFilter(settings.name());
  }
}
