package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.testkit.SandboxExtension;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The differential tester ({@link DiffHarness}) in the suite, native replication as the oracle:
 * short runs of each binlog format. Every run halts Ferry once between a statement's implicit
 * commit and its block commit; one row-based run also kills it three times at random, and the other
 * also compares the row changes both replicas logged. Two more row-based runs, killed three times
 * too, apply with 8 channels, under the shard and the key scheduler. {@code
 * scripts/differential.sh} runs it long: system properties {@code ferry.diff.seconds}, {@code
 * ferry.diff.kills}, {@code ferry.diff.seed}, {@code ferry.diff.layout} ({@code 1} or {@code
 * channels:scheduler}) and {@code ferry.diff.formats} override the rows below.
 */
class DifferentialTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(3);

  @TempDir static Path dir;

  private static final java.util.Set<String> FIRST = new java.util.HashSet<>();

  @ParameterizedTest(name = "{0} for {1} s, {3} kills, channels {4}")
  @CsvSource({
    "ROW, 30, 11, 3, 1",
    "ROW, 20, 14, 0, 1",
    "MIXED, 20, 12, 0, 1",
    "STATEMENT, 20, 13, 0, 1",
    "ROW, 25, 15, 3, 8:shard",
    "ROW, 25, 16, 3, 8:key"
  })
  void nativeReplicationAndFerryHoldTheSameRows(
      String format, int seconds, long seed, int kills, String layout) throws Exception {
    String formats = System.getProperty("ferry.diff.formats", "ROW,MIXED,STATEMENT");
    if (!formats.contains(format)) {
      return;
    }
    if (Boolean.getBoolean("ferry.diff.only-first") && !FIRST.add(format)) {
      return; // a long run: one run per format
    }
    int duration = Integer.getInteger("ferry.diff.seconds", seconds);
    int k = Integer.getInteger("ferry.diff.kills", kills);
    long s = Long.getLong("ferry.diff.seed", seed);
    String l = System.getProperty("ferry.diff.layout", layout);
    DiffHarness harness = new DiffHarness(DB.server(1), DB.server(2), DB.server(3), dir);
    DiffHarness.Report report = harness.run(format, l, s, Duration.ofSeconds(duration), k);
    System.out.println(report.summary());
    assertThat(report.differences()).as(report.summary()).isEmpty();
    assertThat(report.transactions()).isPositive();
    assertThat(report.kills()).as("Ferry killed as planned").isEqualTo(k);
    assertThat(report.failpointHalts()).as("halted after an implicit commit").isPositive();
    assertThat(report.rows()).isPositive();
    assertThat(report.channelRows())
        .as("the catalog's channel rows")
        .isEqualTo(Integer.parseInt(l.split(":", -1)[0]));
  }
}
