package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Checkpoint;
import io.ferry.mysql.schema.SchemaHistory;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** DDL and DML interleaved, with a restart in the middle, with and without table map metadata. */
class DdlSequenceTest {
  @RegisterExtension static final SandboxExtension FULL = SandboxExtension.mariadb(1);

  @RegisterExtension
  static final SandboxExtension MINIMAL =
      SandboxExtension.mariadb(1).options("binlog_row_metadata=MINIMAL");

  @TempDir Path dir;

  @Test
  void fromTheTableMapsFullMetadata() throws Exception {
    DdlSequence.run(FULL.server(1), "ddlfull", ExtractorSettings.defaults());
  }

  @Test
  void fromTheSchemaHistoryWhenTheSourceLogsMinimalMetadata() throws Exception {
    Path history = dir.resolve("schema-history.jsonl");
    DdlSequence.run(
        MINIMAL.server(1),
        "ddlmin",
        ExtractorSettings.defaults().withSchemaHistory(history, SchemaHistory.OnUnparsedDdl.STOP));
    String stored = Files.readString(history);
    assertThat(stored).contains("\"kind\":\"snapshot\"").contains("RENAME TABLE");
  }

  @Test
  void minimalMetadataWithoutAHistoryIsRefused() {
    try (BinlogExtractor x =
        new BinlogExtractor(
            Extraction.source(MINIMAL.server(1)),
            ExtractorSettings.defaults(),
            Clock.systemUTC())) {
      assertThatThrownBy(() -> x.seek(Checkpoint.NONE))
          .hasMessageContaining("logs binlog_row_metadata=MINIMAL")
          .hasMessageContaining("give the extractor a schema history file");
    }
  }
}
