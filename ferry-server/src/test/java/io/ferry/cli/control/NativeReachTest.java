package io.ferry.cli.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.cli.control.NativeReach.Answer;
import io.ferry.core.position.NativePosition;
import org.junit.jupiter.api.Test;

/** What {@code ferry wait -native} decides from a service's applied source position. */
class NativeReachTest {
  private static Answer reach(String applied, String wanted) {
    return NativeReach.of(NativeReach.parseApplied(applied), NativeReach.parseWanted(wanted))
        .answer();
  }

  @Test
  void binlogCoordinatesAreOrderedByFileThenOffset() {
    String applied = "binlog mysql-bin.000003:1200;0-1-57";
    assertThat(reach(applied, "mysql-bin.000003:1200")).isEqualTo(Answer.REACHED);
    assertThat(reach(applied, "mysql-bin.000003:900")).isEqualTo(Answer.REACHED);
    assertThat(reach(applied, "mysql-bin.000002:99999")).isEqualTo(Answer.REACHED);
    assertThat(reach(applied, "mysql-bin.000003:1201")).isEqualTo(Answer.NOT_YET);
    assertThat(reach(applied, "mysql-bin.000010:4")).isEqualTo(Answer.NOT_YET);
    // another server's binlog (after a source failover): no order
    assertThat(reach(applied, "other-bin.000003:4")).isEqualTo(Answer.CANNOT_TELL);
  }

  @Test
  void mariaDbGtidsByDomain() {
    String oneDomain = "binlog mysql-bin.000003:1200;0-1-57";
    assertThat(reach(oneDomain, "0-1-57")).isEqualTo(Answer.REACHED);
    assertThat(reach(oneDomain, "0-2-40")).isEqualTo(Answer.REACHED); // another server, same domain
    assertThat(reach(oneDomain, "0-1-58")).isEqualTo(Answer.NOT_YET);
    assertThat(reach(oneDomain, "1-1-1")).isEqualTo(Answer.NOT_YET); // a domain not logged yet
    String twoDomains = "binlog mysql-bin.000003:1200;1-1-9;0-1-57,1-1-9";
    assertThat(reach(twoDomains, "0-1-57")).isEqualTo(Answer.REACHED);
    assertThat(reach(twoDomains, "1-1-10")).isEqualTo(Answer.NOT_YET);
    assertThat(reach(twoDomains, "0-1-50,1-1-9")).isEqualTo(Answer.REACHED);
    assertThat(reach(twoDomains, "0-1-58,1-1-9")).isEqualTo(Answer.NOT_YET);
    assertThat(reach("binlog mysql-bin.000003:1200", "0-1-1")).isEqualTo(Answer.CANNOT_TELL);
  }

  @Test
  void mySqlGtidsOfTheSameServer() {
    String uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    String applied = "binlog binlog.000002:500;" + uuid + ":23";
    assertThat(reach(applied, uuid + ":23")).isEqualTo(Answer.REACHED);
    assertThat(reach(applied, uuid + ":24")).isEqualTo(Answer.NOT_YET);
    assertThat(reach(applied, "4e11fa47-71ca-11e1-9e33-c80aa9429562:1"))
        .isEqualTo(Answer.CANNOT_TELL);
    assertThatThrownBy(() -> NativeReach.parseWanted(uuid + ":1-5"))
        .hasMessageContaining("GTID set");
  }

  @Test
  void nothingAppliedYetAndWhatCannotBeRead() {
    assertThat(NativeReach.of(null, NativePosition.parseAny("0-1-1")).answer())
        .isEqualTo(Answer.NOT_YET);
    assertThat(NativeReach.parseApplied("null")).isNull();
    assertThatThrownBy(() -> NativeReach.parseWanted("yesterday"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
