package io.ferry.mysql;

import io.ferry.testkit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every type family, exactly, from MariaDB 10.11 (the system's). */
class TypeMatrixTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  @Test
  void everyValueIsExtractedExactly() throws Exception {
    TypeMatrix.run(DB.server(1), "matrix");
  }
}
