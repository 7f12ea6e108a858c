package io.ferry.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.filter.FilterContext.Side;
import io.ferry.core.filter.FilterSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Filter instances in a service file: declared, typed, checked with file and line. */
class FilterConfigTest {
  private static final Path FILE = Path.of("/etc/ferry/beta.conf");

  private static List<String> slave(String... more) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "service.name = beta",
                "service.role = slave",
                "master.uri = thl://db1:2112",
                "target.host = db2",
                "target.user = ferry"));
    lines.addAll(List.of(more));
    return lines;
  }

  private static List<String> problems(List<String> lines) {
    try {
      ServiceConfig.parse(FILE, lines);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("the file was accepted");
  }

  @Test
  void instancesAreReadInListOrderWithTypedValues() {
    ServiceConfig c =
        ServiceConfig.parse(
            FILE,
            slave(
                "apply.filters = second, first",
                "filter.first.type = test-tag",
                "filter.first.tag = one",
                "filter.second.type = test-tag",
                "filter.second.tag = two",
                "filter.second.refuse = no"));
    List<FilterSettings> chain = c.filters(Side.APPLY);
    assertThat(chain).extracting(FilterSettings::name).containsExactly("second", "first");
    assertThat(chain.get(0).get(TagFilterFactory.TAG)).isEqualTo("two");
    assertThat(chain.get(0).get(TagFilterFactory.REFUSE)).isFalse();
    assertThat(chain.get(1).get(TagFilterFactory.TAG)).isEqualTo("one");
    assertThat(c.filters(Side.EXTRACT)).isEmpty();
    assertThat(c.effective())
        .anySatisfy(r -> assertThat(r).containsExactly("filter.first.tag", "one", "line 8"));
  }

  /** Every installed type, as the messages list them. */
  private static final String TYPES =
      String.join(", ", io.ferry.core.filter.FilterRegistry.installed().types());

  @Test
  void everyProblemIsReportedWithItsLine() {
    List<String> p =
        problems(
            slave(
                "apply.filters = a, b, c, ghost",
                "filter.a.type = test-tag",
                "filter.a.tga = x",
                "filter.b.type = nosuch",
                "filter.c.type = test-tag",
                "filter.c.refuse = perhaps",
                "filter.c.param.x = 1",
                "filter..type = test-tag"));
    assertThat(p)
        .containsExactlyInAnyOrder(
            "/etc/ferry/beta.conf:8: filter.a.tga: filter type test-tag has no setting tga (its"
                + " settings: tag, file, refuse)",
            "/etc/ferry/beta.conf:7: filter.a.tag is required for a test-tag filter (The"
                + " option's value.)",
            "/etc/ferry/beta.conf:9: filter.b.type: unknown filter type 'nosuch' (types: "
                + TYPES
                + ")",
            "/etc/ferry/beta.conf:11: filter.c.refuse: 'perhaps' is not true or false (yes/no,"
                + " on/off also do) (expected true or false)",
            "/etc/ferry/beta.conf:12: filter.c.param.x: filter type test-tag takes no param.*"
                + " settings",
            "/etc/ferry/beta.conf:10: filter.c.tag is required for a test-tag filter (The"
                + " option's value.)",
            "/etc/ferry/beta.conf:13: filter..type: expected filter.<name>.<setting>, like"
                + " filter.app-only.type = replicate",
            "/etc/ferry/beta.conf:6: apply.filters: filter ghost is not declared: add"
                + " filter.ghost.type = <one of "
                + TYPES
                + "> and its settings");
  }

  @Test
  void aListForASideTheRoleDoesNotHaveIsRefused() {
    assertThat(
            problems(slave("extract.filters = x", "filter.x.type = test-tag", "filter.x.tag = t")))
        .containsExactly(
            "/etc/ferry/beta.conf:6: extract.filters does not apply to a slave service (it"
                + " applies to direct, dummy, master)");
    assertThat(problems(slave("apply.filters = a,,b")))
        .containsExactly(
            "/etc/ferry/beta.conf:6: apply.filters: 'a,,b' has an empty name between commas"
                + " (expected filter names separated by commas (each declared with"
                + " filter.<name>.type, or the name of a filter type that needs no settings))");
  }

  @Test
  void anInstanceRunsOnOneSideOnly() {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "service.name = gamma",
                "service.role = direct",
                "source.host = db1",
                "source.user = ferry",
                "target.host = db2",
                "target.user = ferry",
                "extract.filters = t",
                "apply.filters = t",
                "filter.t.type = test-tag",
                "filter.t.tag = x"));
    assertThat(problems(lines))
        .containsExactly(
            "/etc/ferry/beta.conf:8: apply.filters: filter t is also in extract.filters; an"
                + " instance runs on one side (it has its own state and counters): declare a"
                + " second one under another name");
  }

  @Test
  void aTypeThatNeedsSettingsCannotBeListedByItsName() {
    assertThat(problems(slave("apply.filters = test-tag")))
        .containsExactly(
            "/etc/ferry/beta.conf:6: apply.filters: filter type test-tag needs settings: declare"
                + " an instance with filter.<name>.type = test-tag and filter.<name>.tag");
  }

  @Test
  void filesAreCheckedAndAFilterThatRefusesIsReportedByCheck(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("beta.conf");
    Files.writeString(dir.resolve("list.csv"), "a,b\n");
    List<String> lines =
        slave(
            "apply.filters = t",
            "filter.t.type = test-tag",
            "filter.t.tag = x",
            "filter.t.file = missing.csv");
    Files.write(file, lines);
    assertThatThrownBy(() -> ServiceConfig.load(file))
        .hasMessage(
            file
                + ":9: filter.t.file: "
                + dir.resolve("missing.csv")
                + " does not exist (relative paths are read from the directory of the service"
                + " file)");
    lines.set(8, "filter.t.file = list.csv");
    lines.add("filter.t.refuse = yes");
    Files.write(file, lines);
    ServiceConfig c = ServiceConfig.load(file);
    assertThat(c.filterFiles()).containsExactly(dir.resolve("list.csv"));
    assertThatThrownBy(c::checkFilters)
        .hasMessage(file + ":7: filter t (test-tag): refused as asked by filter.t.refuse");
  }
}
