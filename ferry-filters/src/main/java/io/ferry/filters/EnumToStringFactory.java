package io.ferry.filters;

import io.ferry.core.config.Setting;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.util.EnumSet;
import java.util.List;

/**
 * The {@code enum-to-string} filter type: {@code convert} with {@code enum-as-label} and {@code
 * set-as-labels} on, for the common case in one line. Stateless and thread-safe.
 */
public final class EnumToStringFactory implements FilterFactory {
  @Override
  public String type() {
    return "enum-to-string";
  }

  @Override
  public String summary() {
    return "ENUM and SET values as their labels (convert with enum-as-label and set-as-labels).";
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(ConvertFactory.TABLES);
  }

  @Override
  public Filter create(FilterSettings settings) {
    return new ConvertFilter(
        settings.name(),
        EnumSet.of(Conversion.ENUM_AS_LABEL, Conversion.SET_AS_LABELS),
        settings.get(ConvertFactory.TABLES));
  }
}
