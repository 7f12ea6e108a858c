package io.ferry.filters;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import io.ferry.core.value.Bits;
import io.ferry.core.value.EnumValue;
import io.ferry.core.value.Geometry;
import io.ferry.core.value.JsonValue;
import io.ferry.core.value.SetValue;
import io.ferry.core.value.SqlDate;
import io.ferry.core.value.SqlDateTime;
import io.ferry.core.value.SqlTime;
import io.ferry.core.value.SqlTimestamp;
import io.ferry.core.value.Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueTextTest {
  private static final ColumnSpec DATETIME3 = ColumnSpec.of("t", SqlType.DATETIME).withLength(0, 3);

  @Test
  void numbers() {
    assertThat(ValueText.of(null, null)).isNull();
    assertThat(ValueText.of(-42L, null)).isEqualTo("-42");
    assertThat(ValueText.of(new BigInteger("18446744073709551615"), null))
        .isEqualTo("18446744073709551615");
    assertThat(ValueText.of(new BigDecimal("12.50"), null)).isEqualTo("12.50");
    assertThat(ValueText.of(new BigDecimal("1E+3"), null)).isEqualTo("1000");
    assertThat(ValueText.of(1.5d, null)).isEqualTo("1.5");
    assertThat(ValueText.of(3.0d, null)).isEqualTo("3");
    assertThat(ValueText.of(1e20d, null)).isEqualTo("1e20");
    assertThat(ValueText.of(1.5e-7d, null)).isEqualTo("1.5e-7");
    assertThat(ValueText.of(0.1f, null)).isEqualTo("0.1");
    assertThat(ValueText.of(new Bits(8, 5), null)).isEqualTo("5");
  }

  @Test
  void textAndBytes() {
    assertThat(ValueText.of(Text.of("héllo"), null)).isEqualTo("héllo");
    assertThat(ValueText.of(new Text(new byte[] {(byte) 0xe9}, "latin1"), null)).isEqualTo("é");
    assertThat(ValueText.of("plain", null)).isEqualTo("plain");
    assertThat(ValueText.of(new byte[] {0, (byte) 0xff}, null)).isEqualTo("0x00ff");
    assertThat(ValueText.of(new Geometry(new byte[] {1, 2}), null)).isEqualTo("0x0102");
    assertThat(ValueText.of(new JsonValue("{\"a\": 1}"), null)).isEqualTo("{\"a\": 1}");
  }

  @Test
  void temporal() {
    assertThat(ValueText.of(new SqlDate(2024, 5, 1), null)).isEqualTo("2024-05-01");
    assertThat(ValueText.of(new SqlDate(0, 0, 0), null)).isEqualTo("0000-00-00");
    SqlDateTime dt = new SqlDateTime(2024, 5, 1, 12, 34, 56, 789_000);
    assertThat(ValueText.of(dt, null)).isEqualTo("2024-05-01 12:34:56.789000");
    assertThat(ValueText.of(dt, DATETIME3)).isEqualTo("2024-05-01 12:34:56.789");
    assertThat(ValueText.of(new SqlDateTime(2024, 5, 1, 0, 0, 0, 0), DATETIME3))
        .isEqualTo("2024-05-01 00:00:00.000");
    assertThat(ValueText.of(new SqlDateTime(2024, 5, 1, 0, 0, 0, 0), null))
        .isEqualTo("2024-05-01 00:00:00");
    assertThat(ValueText.of(new SqlTime(true, 12, 34, 56, 0), null)).isEqualTo("-12:34:56");
    assertThat(ValueText.of(new SqlTimestamp(1_714_566_896L, 0), null))
        .isEqualTo("2024-05-01 12:34:56");
    assertThat(ValueText.of(new SqlTimestamp(1_714_566_896L, 120_000), DATETIME3))
        .isEqualTo("2024-05-01 12:34:56.120");
    assertThat(ValueText.of(new SqlTimestamp(0, 0), null)).isEqualTo("0000-00-00 00:00:00");
  }

  @Test
  void enumsAndSets() {
    ColumnSpec e =
        new ColumnSpec("e", SqlType.ENUM, null, false, true, null, false, 0, 0, List.of("a", "b"));
    assertThat(ValueText.of(new EnumValue(2, "b"), null)).isEqualTo("b");
    assertThat(ValueText.of(new EnumValue(2, null), e)).isEqualTo("b");
    assertThat(ValueText.of(new EnumValue(0, null), e)).isEqualTo("");
    assertThat(ValueText.of(new EnumValue(3, null), null)).isEqualTo("#3");
    ColumnSpec s =
        new ColumnSpec(
            "s", SqlType.SET, null, false, true, null, false, 0, 0, List.of("a", "b", "c"));
    assertThat(ValueText.of(new SetValue(5, List.of("a", "c")), null)).isEqualTo("a,c");
    assertThat(ValueText.of(new SetValue(5, null), s)).isEqualTo("a,c");
    assertThat(ValueText.of(new SetValue(0, null), s)).isEqualTo("");
    assertThat(ValueText.of(new SetValue(5, null), null)).isEqualTo("5");
  }
}
