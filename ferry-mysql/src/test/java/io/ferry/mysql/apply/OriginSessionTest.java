package io.ferry.mysql.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Change;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OriginSessionTest {
  private static Transaction tx(String sourceId, MariaDbGtid gtid, boolean withChanges) {
    TransactionHeader h =
        new TransactionHeader(
            5,
            1,
            0,
            true,
            new BinlogPosition("binlog.000001", 400, gtid),
            sourceId,
            "fra",
            "db",
            0,
            0,
            null);
    List<Change> changes =
        withChanges
            ? List.of(
                SqlStatement.owning(
                    "CREATE TABLE db.t (id INT)".getBytes(StandardCharsets.UTF_8),
                    "utf8mb4",
                    "db",
                    new java.util.ArrayList<>()))
            : List.of();
    return new Transaction(h, changes);
  }

  @Test
  void aTransactionIsAppliedUnderItsServerIdAndGtidDomain() {
    OriginSession s = new OriginSession();
    s.connectedAs(new OriginSession.Origin(2, 0));
    assertThat(s.originOf(tx("7", new MariaDbGtid(3, 7, 100), true)))
        .isEqualTo(new OriginSession.Origin(7, 3));
    // no GTID: the target's own domain; no usable source id: the target's own origin
    assertThat(s.originOf(tx("7", null, true))).isEqualTo(new OriginSession.Origin(7, 0));
    assertThat(s.originOf(tx("", new MariaDbGtid(3, 7, 100), true)))
        .isEqualTo(new OriginSession.Origin(2, 0));
    assertThat(s.needsSwitch(tx("2", new MariaDbGtid(0, 2, 1), true))).isFalse();
    assertThat(s.needsSwitch(tx("7", new MariaDbGtid(0, 7, 1), true))).isTrue();
  }

  @Test
  void aTransactionWithoutChangesKeepsTheSessionAsItIs() {
    OriginSession s = new OriginSession();
    s.connectedAs(new OriginSession.Origin(2, 0));
    assertThat(s.needsSwitch(tx("9", new MariaDbGtid(4, 9, 1), false))).isFalse();
  }

  @Test
  void aTargetWithoutDomainsNeverSetsOne() {
    OriginSession s = new OriginSession();
    s.connectedAs(new OriginSession.Origin(2, -1)); // MySQL
    assertThat(s.originOf(tx("7", new MariaDbGtid(3, 7, 100), true)))
        .isEqualTo(new OriginSession.Origin(7, -1));
  }
}
