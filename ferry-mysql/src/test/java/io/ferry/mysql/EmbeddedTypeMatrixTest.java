package io.ferry.mysql;

import io.ferry.testkit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The type matrix once more against MariaDB 11.4 (the embedded binaries). */
class EmbeddedTypeMatrixTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1).embedded();

  @Test
  void everyValueIsExtractedExactlyFromMariaDb114() throws Exception {
    TypeMatrix.run(DB.server(1), "matrix114");
  }
}
