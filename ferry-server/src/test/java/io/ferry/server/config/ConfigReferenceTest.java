package io.ferry.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.config.Setting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is what the declarations say. */
class ConfigReferenceTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void theReferenceIsUpToDate() throws Exception {
    // the filter types of the product, not the one these tests register for themselves
    String expected =
        ConfigReference.markdown(
            io.ferry.core.filter.FilterRegistry.of(
                io.ferry.core.filter.FilterRegistry.installed().all().stream()
                    .filter(f -> !(f instanceof TagFilterFactory))
                    .toList()));
    if (Boolean.getBoolean("ferry.docs.write")) {
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(DOC))
        .as("docs/configuration.md is missing: run this test with -Dferry.docs.write=true")
        .isTrue();
    assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
        .as(
            "docs/configuration.md is out of date: run mvn -pl ferry-server test"
                + " -Dtest=ConfigReferenceTest -Dferry.docs.write=true")
        .isEqualTo(expected);
  }

  @Test
  void everyKeyOfServicesAndTheReplicatorIsDocumentedAndUnique() {
    java.util.Set<String> keys = new java.util.HashSet<>();
    java.util.List<Setting<?>> all = new java.util.ArrayList<>(ServiceSettings.all());
    all.addAll(ReplicatorSettings.all());
    for (Setting<?> s : all) {
      assertThat(keys.add(s.key())).as("declared twice: " + s.key()).isTrue();
      assertThat(s.description()).as(s.key()).isNotBlank().endsWith(".");
      assertThat(s.key()).matches("[a-z]+(\\.[a-z-]+)+");
    }
  }
}
