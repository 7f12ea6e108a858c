package io.ferry.mysql.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one decision of which target errors are retried. The exceptions are built as the MariaDB
 * driver reports them (error code, SQL state, exception class); the real-server tests (a target
 * killed during apply, a drifted row) check the same decision end to end.
 */
class ApplyErrorsTest {
  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource({
    // what may pass
    "plain, 1213, 40001, true",
    "plain, 1205, HY000, true",
    "plain, 2013, HY000, true",
    "plain, 2006, HY000, true",
    "plain, 1053, 08S01, true",
    "plain, 1040, 08004, true",
    "plain, 1927, 70100, true",
    "plain, 0, 08000, true",
    "plain, 1290, 40001, true",
    "transient-connection, -1, 08000, true",
    "non-transient-connection, -1, 08000, true",
    // what does not
    "transient-connection, 1644, 45000, false",
    "integrity, 1062, 23000, false",
    "integrity, 1451, 23000, false",
    "syntax, 1064, 42000, false",
    "syntax, 1146, 42S02, false",
    "plain, 1054, 42S22, false",
    "plain, 1227, 42000, false",
    "plain, 1366, 22007, false",
    "plain, 1406, 22001, false",
  })
  void decides(String kind, int code, String state, boolean retried) {
    SQLException e =
        switch (kind) {
          case "integrity" -> new SQLIntegrityConstraintViolationException("x", state, code);
          case "syntax" -> new SQLSyntaxErrorException("x", state, code);
          case "transient-connection" -> new SQLTransientConnectionException("x", state, code);
          case "non-transient-connection" ->
              new SQLNonTransientConnectionException("x", state, code);
          default -> new SQLException("x", state, code);
        };
    assertThat(ApplyErrors.isTransient(e)).isEqualTo(retried);
  }

  @org.junit.jupiter.api.Test
  void causesCount() {
    SQLException wrapped =
        new BatchUpdateException(
            "batch", "HY000", 0, new int[0], new SQLException("deadlock", "40001", 1213));
    assertThat(ApplyErrors.isTransient(wrapped)).isTrue();
    SQLException io = new SQLException("socket", null, 0, new IOException("Connection reset"));
    assertThat(ApplyErrors.isTransient(io)).isTrue();
    SQLException dup =
        new BatchUpdateException(
            "batch", "23000", 1062, new int[0], new SQLException("dup", "23000", 1062));
    assertThat(ApplyErrors.isTransient(dup)).isFalse();
  }
}
