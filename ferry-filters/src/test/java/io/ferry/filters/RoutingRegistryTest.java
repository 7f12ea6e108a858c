package io.ferry.filters;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.config.Setting;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterRegistry;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutingRegistryTest {
  @ParameterizedTest
  @CsvSource({
    "replicate, io.ferry.filters.ReplicateFilterFactory, io.ferry.filters.ReplicateFilter",
    "rename, io.ferry.filters.RenameFilterFactory, io.ferry.filters.RenameFilter",
    "drop-temp, io.ferry.filters.DropTempFilterFactory, io.ferry.filters.DropTempFilter",
    "drop-rows, io.ferry.filters.DropRowsFilterFactory, io.ferry.filters.DropRowsFilter",
    "origin, io.ferry.filters.OriginFilterFactory, io.ferry.filters.OriginFilter",
  })
  void eachTypeIsFoundByItsName(String type, String factoryClass, String filterClass) {
    FilterFactory factory = FilterRegistry.installed().get(type);
    assertThat(factory).isNotNull();
    assertThat(factory.getClass().getName()).isEqualTo(factoryClass);
    assertThat(factory.type()).isEqualTo(type);
    assertThat(factory.summary()).isNotBlank();
    for (Setting<?> s : factory.settings()) {
      assertThat(s.key()).matches("[a-z][a-z-]*");
      assertThat(s.description()).as(s.key()).hasSizeGreaterThan(30);
    }

    Filter f = factory.create(minimal(factory, type));
    assertThat(f.getClass().getName()).isEqualTo(filterClass);
    assertThat(f.name()).isEqualTo("f");
  }

  @SuppressWarnings("unchecked")
  private static FilterSettings minimal(FilterFactory factory, String type) {
    FilterSettings s = FilterSettings.defaults("f", type);
    String[][] needed =
        switch (type) {
          case "rename" -> new String[][] {{"rules", "a=b"}};
          case "drop-rows" -> new String[][] {{"table", "a.t"}, {"column", "c"}, {"equals", "x"}};
          case "origin" -> new String[][] {{"drop-origins", "x"}};
          default -> new String[0][];
        };
    for (String[] kv : needed) {
      Setting<String> setting =
          (Setting<String>)
              factory.settings().stream().filter(x -> x.key().equals(kv[0])).findFirst().get();
      s = s.with(setting, kv[1]);
    }
    return s;
  }
}
