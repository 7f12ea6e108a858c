package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.filter.FilterContext;
import io.ferry.server.config.ConfigException;
import io.ferry.server.config.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A filter configuration mistake stops {@code ServiceConfig.load} with every problem at once, each
 * with the file and line: an unknown type, a missing required setting, a list naming an undeclared
 * filter. The same file with the mistakes mended loads, with its chains in order.
 */
class FilterConfigErrorTest {
  @TempDir Path dir;

  private Path write(List<String> filterLines) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("service.name = cfg");
    lines.add("service.role = slave");
    lines.add("service.dir = " + dir.resolve("cfg"));
    lines.add("master.uri = thl://127.0.0.1:2112");
    lines.add("target.host = 127.0.0.1");
    lines.add("target.port = 3306");
    lines.add("target.user = ferry");
    lines.add("target.password = secret");
    lines.addAll(filterLines);
    Path f = dir.resolve("cfg.conf");
    Files.write(f, lines);
    return f;
  }

  @Test
  void anUnknownTypeAndAMissingRequiredKeyAreReportedWithFileAndLine() throws Exception {
    Path bad =
        write(
            List.of(
                "apply.filters = odd, rows, ghost", // line 9
                "filter.odd.type = nonesuch", // line 10
                "filter.rows.type = drop-rows", // line 11
                "filter.rows.table = app.orders", // line 12
                "filter.rows.equals = debug")); // line 13
    assertThatThrownBy(() -> ServiceConfig.load(bad))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems()).as(e.getMessage()).hasSize(3);
              assertThat(e.problems())
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .startsWith(bad + ":10: filter.odd.type")
                              .contains("unknown filter type 'nonesuch'")
                              .contains("replicate"))
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .startsWith(bad + ":11: filter.rows.column")
                              .contains("is required for a drop-rows filter"))
                  .anySatisfy(
                      p ->
                          assertThat(p)
                              .startsWith(bad + ":9: apply.filters")
                              .contains("filter ghost is not declared"));
            });

    Path good =
        write(
            List.of(
                "apply.filters = odd, rows, drop-temp",
                "filter.odd.type = replicate",
                "filter.rows.type = drop-rows",
                "filter.rows.table = app.orders",
                "filter.rows.column = kind",
                "filter.rows.equals = debug"));
    ServiceConfig c = ServiceConfig.load(good);
    assertThat(c.filters(FilterContext.Side.APPLY))
        .extracting(s -> s.name() + ":" + s.type())
        .containsExactly("odd:replicate", "rows:drop-rows", "drop-temp:drop-temp");
  }
}
