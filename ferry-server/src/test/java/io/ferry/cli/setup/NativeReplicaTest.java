package io.ferry.cli.setup;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.position.MariaDbGtidPosition;
import org.junit.jupiter.api.Test;

/** The GTID position a handback gives native replication. */
class NativeReplicaTest {
  @Test
  void eachDomainFerryAppliedInMovesOnTheOthersStay() {
    assertThat(NativeReplica.merged("0-1-10,1-2-5", null, new MariaDbGtid(0, 1, 42)))
        .isEqualTo("0-1-42,1-2-5");
    assertThat(
            NativeReplica.merged(
                "0-1-10,1-2-5,7-3-1",
                MariaDbGtidPosition.parse("0-1-42,1-2-9"),
                new MariaDbGtid(1, 2, 9)))
        .isEqualTo("0-1-42,1-2-9,7-3-1");
    assertThat(NativeReplica.merged("", null, new MariaDbGtid(0, 1, 3))).isEqualTo("0-1-3");
  }

  @Test
  void whereATakeoverStarts() {
    assertThat(new NativeReplica.Status(true, "h", 1, "bin.000002", 900, "0-1-7").startPosition())
        .isEqualTo("0-1-7");
    assertThat(new NativeReplica.Status(false, "h", 1, "bin.000002", 900, "").startPosition())
        .isEqualTo("bin.000002:900");
  }
}
