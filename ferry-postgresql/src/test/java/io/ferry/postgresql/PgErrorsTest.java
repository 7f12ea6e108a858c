package io.ferry.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which PostgreSQL errors a retry can get past, by SQL state. */
class PgErrorsTest {
  @Test
  void connectionLossShutdownAndContentionPass() {
    for (String state :
        new String[] {"08006", "08001", "57P01", "57P03", "40001", "40P01", "53300"}) {
      assertThat(PgErrors.isTransient(new SQLException("x", state))).as(state).isTrue();
    }
    assertThat(PgErrors.isTransient(new SQLException("wrapped", null, new java.io.EOFException())))
        .isTrue();
  }

  @Test
  void whatIsTheSameOnEveryTryStops() {
    for (String state : new String[] {"23505", "42P01", "42703", "22P02", "42501", "25P02"}) {
      assertThat(PgErrors.isTransient(new SQLException("x", state))).as(state).isFalse();
    }
    SQLException batch = new java.sql.BatchUpdateException("batch", "23505", new int[0]);
    batch.setNextException(new SQLException("duplicate key", "23505"));
    assertThat(PgErrors.isTransient(batch)).isFalse();
    SQLException lost = new java.sql.BatchUpdateException("batch", null, new int[0]);
    lost.setNextException(new SQLException("I/O error", "08006"));
    assertThat(PgErrors.isTransient(lost)).isTrue();
  }
}
