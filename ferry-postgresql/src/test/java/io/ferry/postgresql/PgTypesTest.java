package io.ferry.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import io.ferry.core.value.Geometry;
import io.ferry.core.value.SqlDate;
import io.ferry.core.value.SqlTime;
import io.ferry.core.value.SqlTimestamp;
import io.ferry.core.value.Text;
import java.math.BigDecimal;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Value conversions that need no server: text decoding, temporal literals, spatial values. */
class PgTypesTest {
  private static final ColumnSpec TEXT = ColumnSpec.of("t", SqlType.VARCHAR);

  @Test
  void invalidTextFailsOrIsReplaced() {
    Text bad = new Text(new byte[] {'a', (byte) 0xC3, '(', 'b'}, "utf8mb4");
    assertThatThrownBy(() -> PgTypes.convert(bad, TEXT, PgTypes.InvalidText.FAIL))
        .hasMessageContaining("not valid utf8mb4")
        .hasMessageContaining("c328")
        .hasMessageContaining("invalid-text = replace");
    assertThat(PgTypes.convert(bad, TEXT, PgTypes.InvalidText.REPLACE)).isEqualTo("a\uFFFD(b");
    Text nul = new Text(new byte[] {'x', 0, 'y'}, "utf8mb4");
    assertThatThrownBy(() -> PgTypes.convert(nul, TEXT, PgTypes.InvalidText.FAIL))
        .hasMessageContaining("NUL");
    assertThat(PgTypes.convert(nul, TEXT, PgTypes.InvalidText.REPLACE)).isEqualTo("x\uFFFDy");
  }

  @Test
  void latin1IsMySqlsWindows1252() {
    Text t = new Text(new byte[] {(byte) 0x80, (byte) 0x81, (byte) 0xE9}, "latin1");
    assertThat(PgTypes.convert(t, TEXT, PgTypes.InvalidText.FAIL)).isEqualTo("€\u0081é");
  }

  @Test
  void temporalEdges() {
    assertThat(PgTypes.date(new SqlDate(0, 0, 0))).isEqualTo("-infinity");
    assertThat(PgTypes.date(new SqlDate(2023, 2, 29))).isEqualTo("-infinity");
    assertThat(PgTypes.date(new SqlDate(0, 1, 1))).isEqualTo("0001-01-01 BC");
    assertThat(PgTypes.interval(new SqlTime(true, 838, 59, 59, 0))).isEqualTo("-838:59:59.000000");
    assertThat(PgTypes.timestamp(new SqlTimestamp(1, 5)))
        .isEqualTo("1970-01-01 00:00:01.000005+00");
    assertThat(PgTypes.timestamp(new SqlTimestamp(0, 0))).isEqualTo("-infinity");
  }

  @Test
  void unsignedBigintInASignedLong() {
    ColumnSpec c = ColumnSpec.of("u", SqlType.BIGINT).withUnsigned(true);
    assertThat(PgTypes.pgType(c)).isEqualTo("numeric(20,0)");
    assertThat(PgTypes.convert(-1L, c, PgTypes.InvalidText.FAIL))
        .isEqualTo(new BigDecimal("18446744073709551615"));
  }

  @Test
  void geometryWithAnSridIsExtendedWkb() {
    byte[] internal = HexFormat.of().parseHex("E6100000" + "0101000000" + "00".repeat(16));
    byte[] ewkb =
        (byte[])
            PgTypes.convert(
                new Geometry(internal),
                ColumnSpec.of("g", SqlType.GEOMETRY),
                PgTypes.InvalidText.FAIL);
    assertThat(HexFormat.of().formatHex(ewkb))
        .isEqualTo("01" + "01000020" + "e6100000" + "00".repeat(16));
  }
}
