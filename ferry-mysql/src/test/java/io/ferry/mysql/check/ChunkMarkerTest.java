package io.ferry.mysql.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkMarkerTest {
  private static ChunkMarker marker(List<Object> lower, List<Object> upper) {
    return new ChunkMarker(
        "check-1",
        ChunkMarker.Kind.CHUNK,
        "shop",
        "or`ders",
        3,
        List.of("a", "b"),
        List.of("ca", "cb", "tts"),
        lower,
        upper,
        "b <> 'x'",
        42,
        "00ff");
  }

  @Test
  void travelsThroughOptionsAndTheMarkerRowUnchanged() {
    ChunkMarker m = marker(List.of("7", new byte[] {0, (byte) 0xff}), List.of("9", "a:b"));
    Map<String, String> options = m.options();
    ChunkMarker back = ChunkMarker.of(options);
    assertThat(back.keys()).isEqualTo(m.keys());
    assertThat(back.columns()).isEqualTo(m.columns());
    assertThat(back.lower().get(1)).isEqualTo(new byte[] {0, (byte) 0xff});
    assertThat(back.upper()).containsExactly("9", "a:b");
    assertThat(back.where()).isEqualTo("b <> 'x'");
    assertThat(back.rows()).isEqualTo(42);
    assertThat(back.range()).isEqualTo("(7, 0x00ff)..(9, 'a:b')");
    List<Object> row = new ArrayList<>(List.of(1));
    row.addAll(Arrays.asList(m.row()));
    row.add("2026-11-30 00:00:00");
    ChunkMarker fromRow = ChunkMarker.fromRow(row);
    assertThat(fromRow.table()).isEqualTo("or`ders");
    assertThat(fromRow.upper()).containsExactly("9", "a:b");
    assertThat(ChunkMarker.of(Map.of())).isNull();
  }

  @Test
  void rangesReadBackAsTheyPrint() {
    ChunkMarker m = marker(List.of("-5", "it's"), List.of());
    RangeText.Range r = RangeText.parse(m.range(), 2);
    assertThat(r.lower()).containsExactly("-5", "it's");
    assertThat(r.upper()).isEmpty();
    assertThat(RangeText.parse("..100", 1).upper()).containsExactly("100");
    assertThat(RangeText.parse(" 0x0a .. 0x0b ", 1).lower().get(0)).isEqualTo(new byte[] {10});
    assertThat(marker(List.of(), List.of()).range()).isEqualTo("whole table");
    assertThatThrownBy(() -> RangeText.parse("1..2", 2))
        .hasMessageContaining("a key of 1 value(s) for a key of 2 column(s)")
        .hasMessageContaining("(v1, v2, ...)");
    assertThatThrownBy(() -> RangeText.parse("'open..", 1)).hasMessageContaining("not closed");
    assertThatThrownBy(() -> RangeText.parse("1-2", 1)).hasMessageContaining("expected ..");
  }

  @Test
  void chunkSqlComparesKeysAsAnIndexRangeAndTellsNullsApart() {
    ChunkMarker m = marker(List.of("1", "x"), List.of("5", "y"));
    String sql = ChunkSql.checksum(m);
    assertThat(sql)
        .contains("(`a` > ? OR (`a` = ? AND `b` >= ?))")
        .contains("(`a` < ? OR (`a` = ? AND `b` < ?))")
        .contains("AND (b <> 'x')")
        .contains("UNIX_TIMESTAMP(`ts`)")
        .contains("CAST(`a` AS BINARY)")
        .contains("ISNULL(`a`), ISNULL(`b`), ISNULL(`ts`)")
        .contains("FROM `shop`.`or``ders`")
        .endsWith("LOCK IN SHARE MODE");
    assertThat(ChunkSql.delete(m)).startsWith("DELETE FROM `shop`.`or``ders` WHERE");
    assertThat(ChunkSql.column("ts", "TIMESTAMP")).isEqualTo("tts");
    assertThat(ChunkSql.column("d", "datetime")).isEqualTo("cd");
  }

  @Test
  void packedListsRefuseWhatTheyDidNotWrite() {
    assertThat(Packed.split(Packed.join(List.of("", "a:1", "ünï"))))
        .containsExactly("", "a:1", "ünï");
    assertThatThrownBy(() -> Packed.split("5:ab")).hasMessageContaining("not a packed list");
    assertThatThrownBy(() -> Packed.values("2:zz")).hasMessageContaining("not a key value");
  }
}
