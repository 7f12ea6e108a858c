package io.ferry.core.position;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NativePositionTest {
  private static final UUID U = UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562");

  @Test
  void everyKindRoundTripsThroughItsText() {
    List<NativePosition> all =
        List.of(
            new BinlogPosition("mysql-bin.000012", 4),
            new BinlogPosition("binlog.000003", 1234, new MariaDbGtid(0, 101, 55)),
            new BinlogPosition("binlog.000003", 1234, new MySqlGtid(U, 7)),
            new BinlogPosition(
                "binlog.000003",
                1234,
                new MariaDbGtid(1, 101, 55),
                MariaDbGtidPosition.parse("0-101-9,1-101-55,4-7-2")),
            new MariaDbGtid(1, 2, 3),
            MariaDbGtidPosition.parse("0-1-10,2-5-7"),
            new MySqlGtid(U, 42),
            MySqlGtidSet.parse(U + ":1-5:7-9"),
            PgLsn.parse("16/B374D848"),
            new OpaquePosition("gen:9"));
    for (NativePosition p : all) {
      assertThat(NativePosition.parse(p.kind(), p.text())).isEqualTo(p);
      assertThat(NativePosition.parseAny(p.kind() + ":" + p.text())).isEqualTo(p);
    }
  }

  @Test
  void aBinlogPositionsGtidStateEndsWithItsGtid() {
    assertThatThrownBy(
            () ->
                new BinlogPosition(
                    "binlog.000001",
                    4,
                    new MariaDbGtid(1, 101, 55),
                    MariaDbGtidPosition.parse("0-101-9,1-101-54")))
        .hasMessageContaining("must end with its GTID");
  }

  @Test
  void userInputIsRecognizedByShape() {
    assertThat(NativePosition.parseAny("binlog.000003:1234"))
        .isEqualTo(new BinlogPosition("binlog.000003", 1234));
    assertThat(NativePosition.parseAny("0-1-42")).isEqualTo(new MariaDbGtid(0, 1, 42));
    assertThat(NativePosition.parseAny("0-1-42,1-2-3")).isInstanceOf(MariaDbGtidPosition.class);
    assertThat(NativePosition.parseAny(U + ":42")).isEqualTo(new MySqlGtid(U, 42));
    assertThat(NativePosition.parseAny(U + ":1-42")).isInstanceOf(MySqlGtidSet.class);
    assertThat(NativePosition.parseAny("0/16B3748")).isEqualTo(new PgLsn(0x16B3748L));
    assertThatThrownBy(() -> NativePosition.parseAny("nonsense"))
        .hasMessageContaining("cannot read 'nonsense' as a native position");
    assertThatThrownBy(() -> BinlogPosition.parse("binlog.000001:x"))
        .hasMessageContaining("the offset is not a number");
  }

  @Test
  void comparisonIsDefinedWhereItMeansSomething() {
    assertThat(new BinlogPosition("b.000002", 4).compare(new BinlogPosition("b.000010", 4)))
        .contains(-1);
    assertThat(new BinlogPosition("b.000002", 400).compare(new BinlogPosition("b.000002", 4)))
        .contains(1);
    assertThat(new BinlogPosition("a.000002", 4).compare(new BinlogPosition("b.000002", 4)))
        .isEmpty();
    assertThat(new MariaDbGtid(0, 1, 5).compare(new MariaDbGtid(0, 2, 9))).contains(-1);
    assertThat(new MariaDbGtid(0, 1, 5).compare(new MariaDbGtid(1, 1, 9))).isEmpty();
    assertThat(
            MariaDbGtidPosition.parse("0-1-5,1-1-5")
                .compare(MariaDbGtidPosition.parse("0-1-6,1-1-5")))
        .contains(-1);
    assertThat(
            MariaDbGtidPosition.parse("0-1-7,1-1-5")
                .compare(MariaDbGtidPosition.parse("0-1-6,1-1-6")))
        .isEmpty();
    assertThat(new MySqlGtid(U, 3).compare(new MySqlGtid(U, 3))).contains(0);
    assertThat(MySqlGtidSet.parse(U + ":1-5").compare(MySqlGtidSet.parse(U + ":1-9"))).contains(-1);
    assertThat(MySqlGtidSet.parse(U + ":1-5").compare(MySqlGtidSet.parse(U + ":3-9"))).isEmpty();
    assertThat(new PgLsn(-1).compare(new PgLsn(1))).contains(1);
    assertThat(new PgLsn(1).compare(new MariaDbGtid(0, 0, 1))).isEmpty();
  }

  @Test
  void gtidSetsMergeAndContain() {
    MySqlGtidSet set = MySqlGtidSet.empty().with(new MySqlGtid(U, 1)).with(new MySqlGtid(U, 3));
    assertThat(set.text()).isEqualTo(U + ":1:3");
    set = set.with(new MySqlGtid(U, 2));
    assertThat(set.text()).isEqualTo(U + ":1-3");
    assertThat(set.contains(new MySqlGtid(U, 2))).isTrue();
    assertThat(set.contains(new MySqlGtid(U, 4))).isFalse();
    assertThat(set.union(MySqlGtidSet.parse(U + ":4-10")).text()).isEqualTo(U + ":1-10");
    assertThat(MariaDbGtidPosition.parse("0-1-5").with(new MariaDbGtid(0, 2, 6)).text())
        .isEqualTo("0-2-6");
    assertThatThrownBy(() -> MariaDbGtidPosition.parse("0-1-5,0-2-6"))
        .hasMessageContaining("domain 0 appears twice");
  }
}
