package io.ferry.mysql;

import io.ferry.testkit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The core extraction checks once more against MariaDB 11.4 (the embedded binaries): every type,
 * transaction boundaries and positions, statement context, and DDL sequences with a restart.
 */
class MariaDb114Test {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1).embedded();

  @Test
  void everyValueIsExtractedExactly() throws Exception {
    TypeMatrix.run(DB.server(1), "matrix114");
  }

  @Test
  void transactionBoundaries() throws Exception {
    TransactionBoundaryTest.check(DB.server(1));
  }

  @Test
  void statementContext() throws Exception {
    StatementContextTest.check(DB.server(1));
  }

  @Test
  void ddlSequenceWithARestart() throws Exception {
    DdlSequence.run(DB.server(1), "ddl114", ExtractorSettings.defaults());
  }
}
