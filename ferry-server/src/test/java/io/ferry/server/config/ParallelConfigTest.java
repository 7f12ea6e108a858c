package io.ferry.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.parallel.ShardMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parallel apply's settings and shard map in a service file, with every problem and its place. */
class ParallelConfigTest {
  @TempDir Path dir;

  private List<String> slave(String... more) {
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

  private List<String> problems(List<String> lines) {
    try {
      ServiceConfig.parse(dir.resolve("beta.conf"), lines);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("the file was accepted");
  }

  @Test
  void anInlineMapAndAFileMapAreRead() throws Exception {
    ShardMap inline =
        ServiceConfig.parse(
                dir.resolve("beta.conf"),
                slave(
                    "apply.channels = 4",
                    "apply.shards = sales = 2, audit = critical, * = round-robin"))
            .shardMap();
    assertThat(inline.channels()).containsEntry("sales", 2);
    assertThat(inline.critical()).containsExactly("audit");
    assertThat(inline.fallback()).isEqualTo("round-robin");

    Files.writeString(dir.resolve("shards.map"), "# shard = channel\nhr = 1\n\n* = 0\n");
    ShardMap file =
        ServiceConfig.parse(
                dir.resolve("beta.conf"),
                slave("apply.channels = 2", "apply.shard-map = shards.map"))
            .shardMap();
    assertThat(file.channels()).containsEntry("hr", 1);
    assertThat(file.fallbackChannel()).isZero();
  }

  @Test
  void everyProblemIsReportedWithItsPlace() throws Exception {
    Files.writeString(dir.resolve("bad.map"), "sales = 9\nhr\n* = sometimes\nops = fast\n = 1\n");
    List<String> p = problems(slave("apply.channels = 4", "apply.shard-map = bad.map"));
    String map = dir.resolve("bad.map").toString();
    assertThat(p)
        .anyMatch(s -> s.startsWith(map + ":2: 'hr' is not 'shard = channel'"))
        .anyMatch(s -> s.startsWith(map + ":3: the default '* = sometimes'"))
        .anyMatch(s -> s.startsWith(map + ":4: shard 'ops' = 'fast'"))
        .anyMatch(s -> s.startsWith(map + ":5: an entry without a shard name"))
        .anyMatch(
            s ->
                s.contains(
                    "shard 'sales' is mapped to channel 9, but channels are numbered 0 to 3"));

    assertThat(problems(slave("apply.shard-map = missing.map")))
        .anyMatch(s -> s.contains(":6: apply.shard-map: cannot read") && s.contains("missing.map"));
    assertThat(problems(slave("apply.shard-map = bad.map", "apply.shards = a = 0")))
        .anyMatch(s -> s.contains("apply.shard-map and apply.shards are both set"));
    assertThat(
            problems(slave("apply.channels = 2", "apply.scheduler = key", "apply.shards = a = 1")))
        .anyMatch(s -> s.contains("apply.scheduler = key, which does not use one"));
    assertThat(problems(slave("apply.channels = 0"))).anyMatch(s -> s.contains("apply.channels"));
    assertThat(problems(slave("apply.scheduler = fast")))
        .anyMatch(s -> s.contains("apply.scheduler") && s.contains("shard"));
  }
}
