package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry config check|show} and {@code ferry service run} with bad files. */
class ConfigCliTest {
  @TempDir Path dir;

  private Path file(String name, String... lines) throws Exception {
    Path f = dir.resolve(name);
    Files.write(f, List.of(lines));
    return f;
  }

  @Test
  void checkReportsEveryFileAndShowMasksSecrets() throws Exception {
    Path good =
        file(
            "good.conf",
            "service.name = alpha",
            "service.role = direct",
            "source.host = 127.0.0.1",
            "source.user = ferry",
            "source.password = Sup3rS3cret!",
            "target.host = 127.0.0.1",
            "target.user = ferry",
            "target.password = An0therS3cret");
    Path bad = file("bad.conf", "service.name = beta", "service.role = slave", "target.port = x");
    CliRunner.Result r = CliRunner.run("config", "check", good.toString(), bad.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains(good + ": valid (direct service alpha)");
    assertThat(r.err())
        .contains(bad + ":3: target.port: 'x' is not a whole number")
        .contains(bad + ": master.uri is required for a slave service");
    assertThat(CliRunner.run("config", "check", good.toString()).code()).isZero();

    CliRunner.Result show = CliRunner.run("config", "show", "--effective", good.toString());
    assertThat(show.code()).isZero();
    assertThat(show.out())
        .contains("source.password")
        .contains("*****")
        .contains("apply.block-commit-events")
        .doesNotContain("Sup3rS3cret!")
        .doesNotContain("An0therS3cret");
    CliRunner.Result json = CliRunner.run("config", "show", "--json", good.toString());
    JsonNode doc = Json.mapper().readTree(json.out());
    assertThat(doc.get("service.role").asText()).isEqualTo("direct");
    assertThat(doc.get("target.password").asText()).isEqualTo("*****");
    assertThat(doc.get("source.port").asText()).isEqualTo("3306");
  }

  @Test
  void serviceRunRefusesABadFileWithUsageStatus() throws Exception {
    Path bad = file("bad.conf", "service.name = x", "service.role = master", "source.hots = db");
    CliRunner.Result r = CliRunner.run("service", "run", "--config", bad.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("source.hots: unknown key (did you mean source.host?)")
        .contains("source.host is required for a master service");
    Path ok =
        file(
            "ok.conf",
            "service.name = x",
            "service.role = dummy",
            "source.host = 127.0.0.1",
            "source.user = ferry");
    CliRunner.Result skip =
        CliRunner.run("service", "run", "--config", ok.toString(), "--skip-seqno", "5-");
    assertThat(skip.code()).isEqualTo(2);
    assertThat(skip.err()).contains("--skip-seqno: cannot read '5-' as a seqno or range");
  }

  @Test
  void aDirectoryOrAMissingFileIsSaidSoWithWhatToDo() throws Exception {
    Path dir = file("x.conf", "service.name = x").getParent();
    CliRunner.Result directory = CliRunner.run("config", "check", dir.toString());
    assertThat(directory.code()).isEqualTo(1);
    assertThat(directory.out() + directory.err())
        .contains(dir + ": is a directory, not a service file")
        .contains(dir.resolve("NAME.conf").toString());
    Path missing = dir.resolve("nope").resolve("alpha.conf");
    CliRunner.Result none = CliRunner.run("config", "check", missing.toString());
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.out() + none.err())
        .contains(missing + ": no such file (nor its directory " + missing.getParent() + ")")
        .contains("ferry setup");
  }
}
