package io.ferry.server.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeMapFileTest {
  @TempDir Path dir;

  @Test
  void readsShardsHomesCriticalFlagsAndComments() {
    HomeMap m =
        HomeMapFile.parse(
            "shards.map",
            "# the map\n"
                + "shard_id\tmaster\tcritical\n"
                + "acme      sjc\n"
                + "\n"
                + "pinnacle  nyc    false   # copies everywhere\n"
                + "rates     nyc    critical\n"
                + "audit     fra    true\n"
                + "scratch   #LOCAL\n"
                + "#global   fra\n");
    assertThat(m.entries()).hasSize(6);
    assertThat(m.get("acme")).isEqualTo(new HomeMap.Entry("acme", "sjc", false));
    assertThat(m.get("pinnacle").critical()).isFalse();
    assertThat(m.get("rates").critical()).isTrue();
    assertThat(m.get("audit").critical()).isTrue();
    assertThat(m.get("scratch").local()).isTrue();
    assertThat(m.get("#global").home()).isEqualTo("fra");
    assertThat(m.critical()).containsExactlyInAnyOrder("rates", "audit");
  }

  @Test
  void everyBadLineIsReportedAtOnceWithItsPlace() {
    String text =
        "acme sjc\n"
            + "lonely\n"
            + "acme nyc\n"
            + "x y z w\n"
            + "rates nyc maybe\n"
            + "bad home-with-dash\n"
            + "#LOCAL sjc\n"
            + "tmp #local\n";
    assertThatThrownBy(() -> HomeMapFile.parse("shards.map", text))
        .isInstanceOf(HomeMapFile.HomeMapException.class)
        .satisfies(
            e -> {
              var problems = ((HomeMapFile.HomeMapException) e).problems();
              assertThat(problems).hasSize(7);
              assertThat(problems.get(0)).startsWith("shards.map:2: 'lonely' has no home");
              assertThat(problems.get(1))
                  .startsWith("shards.map:3: shard 'acme' is given a home again (first on line 1)");
              assertThat(problems.get(2)).startsWith("shards.map:4: ");
              assertThat(problems.get(3)).contains("shards.map:5:", "maybe");
              assertThat(problems.get(4)).contains("shards.map:6:", "not a service name");
              assertThat(problems.get(5)).contains("shards.map:7:", "starts with #");
              assertThat(problems.get(6)).contains("shards.map:8:", "in capitals");
            })
        .hasMessageContaining("7 problems, nothing was changed");
  }

  @Test
  void theTextFormReadsBackToTheSameMap() {
    HomeMap m =
        HomeMap.EMPTY
            .with(new HomeMap.Entry("acme", "sjc", false))
            .with(new HomeMap.Entry("rates", "nyc", true))
            .with(new HomeMap.Entry("scratch", HomeMap.LOCAL, false));
    assertThat(HomeMapFile.parse("x", m.text("header\nsecond line"))).isEqualTo(m);
    assertThat(m.without("acme").get("acme")).isNull();
    assertThat(m.without("nothing")).isSameAs(m);
  }

  @Test
  void changesAreKeptInTheFileAndSurviveReopening() throws Exception {
    Path f = dir.resolve("conf").resolve(ShardHomes.FILE_NAME);
    ShardHomes homes = ShardHomes.open(f);
    assertThat(homes.map().entries()).isEmpty();
    assertThat(f).doesNotExist();
    homes.set(new HomeMap.Entry("acme", "sjc", false));
    homes.set(new HomeMap.Entry("rates", "nyc", true));
    homes.set(new HomeMap.Entry("acme", "nyc", false));
    homes.remove("rates");
    assertThat(f).exists();
    assertThat(dir.resolve("conf").resolve(ShardHomes.FILE_NAME + ".tmp")).doesNotExist();
    HomeMap again = ShardHomes.open(f).map();
    assertThat(again).isEqualTo(homes.map());
    assertThat(again.get("acme").home()).isEqualTo("nyc");
    assertThat(again.get("rates")).isNull();

    HomeMap loaded = HomeMapFile.parse("load", "a s1\nb #LOCAL\n");
    homes.replace(loaded);
    assertThat(ShardHomes.open(f).map()).isEqualTo(loaded);
    assertThatThrownBy(() -> homes.remove("acme"))
        .hasMessageContaining("shard 'acme' has no home to remove");
  }

  @Test
  void aFailedWriteChangesNothing() throws Exception {
    Path blocker = dir.resolve("file-not-dir");
    Files.writeString(blocker, "x");
    ShardHomes homes = ShardHomes.open(blocker.resolve(ShardHomes.FILE_NAME));
    assertThatThrownBy(() -> homes.set(new HomeMap.Entry("acme", "sjc", false)))
        .hasMessageContaining("cannot write the shard home map")
        .hasMessageContaining("nothing was changed");
    assertThat(homes.map().entries()).isEmpty();
  }

  @Test
  void aDamagedFileIsReportedWithItsLines() throws Exception {
    Path f = dir.resolve(ShardHomes.FILE_NAME);
    Files.writeString(f, "acme sjc\nbroken\n");
    assertThatThrownBy(() -> ShardHomes.open(f))
        .isInstanceOf(HomeMapFile.HomeMapException.class)
        .hasMessageContaining(f + ":2: 'broken' has no home");
  }
}
