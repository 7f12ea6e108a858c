package io.ferry.filters;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.config.Setting;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnFilterTypesTest {
  private static final Map<String, Class<?>> TYPES =
      Map.of(
          "drop-columns", DropColumnsFactory.class,
          "pkey", PkeyFactory.class,
          "colnames", ColnamesFactory.class,
          "optimize-updates", OptimizeUpdatesFactory.class,
          "convert", ConvertFactory.class,
          "enum-to-string", EnumToStringFactory.class,
          "shard", ShardFactory.class);

  @Test
  void everyTypeIsInstalledUnderItsNameWithDescribedSettings() {
    FilterRegistry registry = FilterRegistry.installed();
    TYPES.forEach(
        (type, factoryClass) -> {
          FilterFactory f = registry.get(type);
          assertThat(f).as(type).isInstanceOf(factoryClass);
          assertThat(f.type()).isEqualTo(type);
          assertThat(f.summary()).isNotBlank().endsWith(".");
          for (Setting<?> s : f.settings()) {
            assertThat(s.key()).as(type).matches("[a-z][a-z-]*");
            assertThat(s.roles()).isEmpty();
            assertThat(s.description()).as(type + "." + s.key()).hasSizeGreaterThan(40);
          }
        });
  }
}
