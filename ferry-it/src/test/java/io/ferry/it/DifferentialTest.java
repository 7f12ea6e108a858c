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
 * The differential tester ({@link DiffHarness}) in the suite: a short run of each binlog format,
 * with Ferry killed a few times and halted once between a statement's implicit commit and its block
 * commit; native replication is the oracle. {@code scripts/differential.sh} runs it long (system
 * properties {@code ferry.diff.seconds}, {@code ferry.diff.kills}, {@code ferry.diff.seed}, {@code
 * ferry.diff.formats}).
 */
class DifferentialTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(3);

  @TempDir static Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ROW, 60, 11", "MIXED, 40, 12", "STATEMENT, 40, 13"})
  void nativeReplicationAndFerryHoldTheSameRows(String format, int seconds, long seed)
      throws Exception {
    String formats = System.getProperty("ferry.diff.formats", "ROW,MIXED,STATEMENT");
    if (!formats.contains(format)) {
      return;
    }
    int duration = Integer.getInteger("ferry.diff.seconds", seconds);
    int kills = Integer.getInteger("ferry.diff.kills", 3);
    long s = Long.getLong("ferry.diff.seed", seed);
    DiffHarness harness = new DiffHarness(DB.server(1), DB.server(2), DB.server(3), dir);
    DiffHarness.Report report = harness.run(format, s, Duration.ofSeconds(duration), kills);
    System.out.println(report.summary());
    assertThat(report.differences()).as(report.summary()).isEmpty();
    assertThat(report.transactions()).isPositive();
    assertThat(report.rows()).isPositive();
  }
}
