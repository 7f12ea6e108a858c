package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Checkpoint;
import io.ferry.testkit.SandboxExtension;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BinlogOffTest {
  @RegisterExtension
  static final SandboxExtension DB = SandboxExtension.mariadb(1).options("skip-log-bin");

  @Test
  void aSourceWithoutBinlogIsRefusedWithTheFix() {
    try (BinlogExtractor x =
        new BinlogExtractor(
            Extraction.source(DB.server(1)), ExtractorSettings.defaults(), Clock.systemUTC())) {
      assertThatThrownBy(() -> x.seek(Checkpoint.NONE))
          .hasMessageContaining(
              "binary logging is off on the source at 127.0.0.1:" + DB.server(1).port())
          .hasMessageContaining("Set log_bin");
    }
  }
}
