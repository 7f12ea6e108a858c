package io.ferry.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.ferry.core.value.Values;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every value type survives encoding exactly, edge values included. */
class ValueCodecTest {

  static Stream<Object> values() {
    List<Object> v = new ArrayList<>();
    v.add(null);
    for (long l :
        new long[] {
          0,
          1,
          -1,
          127,
          -128,
          255,
          32767,
          -32768,
          8388607,
          -8388608,
          4294967295L,
          Integer.MIN_VALUE,
          Long.MAX_VALUE,
          Long.MIN_VALUE
        }) {
      v.add(l);
    }
    v.add(BigInteger.ZERO);
    v.add(new BigInteger("9223372036854775808"));
    v.add(new BigInteger("18446744073709551615"));
    v.add(new BigDecimal("0.00"));
    v.add(new BigDecimal("-12345.67"));
    v.add(new BigDecimal("99999999999999999999999999999999999.999999999999999999999999999999"));
    v.add(new BigDecimal("-0.000000000000000000000000000001"));
    v.add(new BigDecimal("1E+10"));
    v.add(0.0f);
    v.add(-0.0f);
    v.add(Float.NaN);
    v.add(Float.POSITIVE_INFINITY);
    v.add(3.4028235E38f);
    v.add(1.4E-45f);
    v.add(-0.0);
    v.add(Double.MAX_VALUE);
    v.add(Double.MIN_VALUE);
    v.add(Math.PI);
    v.add(new Bits(1, 1));
    v.add(new Bits(1, 0));
    v.add(new Bits(64, -1L));
    v.add(new Bits(63, Long.MAX_VALUE));
    v.add(new SqlDate(0, 0, 0));
    v.add(new SqlDate(2024, 0, 0));
    v.add(new SqlDate(9999, 12, 31));
    v.add(new SqlTime(true, 838, 59, 59, 999_999));
    v.add(new SqlTime(false, 838, 59, 59, 0));
    v.add(new SqlTime(true, 0, 0, 0, 1));
    v.add(new SqlDateTime(0, 0, 0, 0, 0, 0, 0));
    v.add(new SqlDateTime(9999, 12, 31, 23, 59, 59, 999_999));
    v.add(new SqlDateTime(2024, 2, 29, 12, 0, 0, 500_000));
    v.add(new SqlTimestamp(0, 0));
    v.add(new SqlTimestamp(1, 0));
    v.add(new SqlTimestamp(2_147_483_647L, 999_999));
    v.add(Text.of(""));
    v.add(Text.of("caf\u00e9 \uD83D\uDE00 \u4e2d\u6587"));
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    v.add(new Text(all, "latin1"));
    v.add(new Text("k\u00f6ln".getBytes(StandardCharsets.UTF_16BE), "ucs2"));
    v.add(new Text(new byte[] {(byte) 0xA4}, "koi8r"));
    v.add("plain \uD83D\uDE00");
    v.add("");
    v.add(new byte[0]);
    v.add(all);
    v.add(new EnumValue(0, null));
    v.add(new EnumValue(2, "medium"));
    v.add(new EnumValue(65535, "last"));
    v.add(new SetValue(0, List.of()));
    v.add(new SetValue(0b101, List.of("a", "c")));
    v.add(new SetValue(-1L, null));
    v.add(new JsonValue("{\"a\": [1, 2.5, null, \"\u00e9\"]}"));
    v.add(new JsonValue(""));
    v.add(
        new Geometry(new byte[] {0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xF0, 0x3F}));
    return v.stream();
  }

  @ParameterizedTest
  @MethodSource("values")
  void roundTripsExactly(Object value) {
    ByteWriter w = new ByteWriter(16);
    ValueCodec.write(w, value);
    ByteReader r = new ByteReader(w.toByteArray());
    Object back = ValueCodec.read(r);
    assertThat(r.hasRemaining()).isFalse();
    assertThat(Values.equal(back, value))
        .as("%s came back as %s", Values.display(value), Values.display(back))
        .isTrue();
    if (value != null) {
      assertThat(back).isInstanceOf(value.getClass());
    }
    if (value instanceof BigDecimal d) {
      assertThat(((BigDecimal) back).scale()).isEqualTo(d.scale());
    }
    if (value instanceof Double d) {
      assertThat(Double.doubleToRawLongBits((Double) back))
          .isEqualTo(Double.doubleToRawLongBits(d));
    }
  }

  @Test
  void nullIsNotEmpty() {
    assertThat(Values.equal(null, new byte[0])).isFalse();
    assertThat(Values.equal(null, "")).isFalse();
    assertThat(Values.equal(Text.of(""), null)).isFalse();
  }

  @Test
  void unsupportedTypesAreRefusedByName() {
    ByteWriter w = new ByteWriter(16);
    assertThatThrownBy(() -> ValueCodec.write(w, Integer.valueOf(3)))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("java.lang.Integer");
    assertThatThrownBy(() -> ValueCodec.write(w, BigInteger.valueOf(-1)))
        .hasMessageContaining("outside BIGINT UNSIGNED");
    assertThatThrownBy(() -> ValueCodec.write(w, BigInteger.ONE.shiftLeft(64)))
        .hasMessageContaining("outside BIGINT UNSIGNED");
  }

  @Test
  void truncatedOrUnknownInputIsAPreciseError() {
    ByteWriter w = new ByteWriter(16);
    ValueCodec.write(w, Text.of("hello"));
    byte[] bytes = w.toByteArray();
    for (int cut = 0; cut < bytes.length; cut++) {
      ByteReader r = new ByteReader(bytes, 0, cut);
      assertThatThrownBy(() -> ValueCodec.read(r))
          .isInstanceOf(CodecException.class)
          .hasMessageContaining("byte");
    }
    assertThatThrownBy(() -> ValueCodec.read(new ByteReader(new byte[] {(byte) 200})))
        .hasMessageContaining("unknown value tag 200 at byte 0");
    assertThatThrownBy(() -> ValueCodec.read(new ByteReader(new byte[] {7, 10, 13, 1})))
        .hasMessageContaining("invalid value at byte 1")
        .hasMessageContaining("invalid DATE");
  }

  @Test
  void valueTypesValidateTheirRange() {
    assertThatThrownBy(() -> new Bits(3, 8)).hasMessageContaining("does not fit in BIT(3)");
    assertThatThrownBy(() -> new SqlTime(false, 839, 0, 0, 0)).hasMessageContaining("invalid TIME");
    assertThatThrownBy(() -> new SqlDateTime(2024, 1, 1, 24, 0, 0, 0))
        .hasMessageContaining("invalid DATETIME");
    assertThat(new SqlTime(true, 0, 0, 0, 0).negative()).isFalse();
    assertThat(SqlTime.ofMicros(-1).toString()).isEqualTo("-00:00:00.000001");
    assertThat(new SqlTimestamp(0, 0).utcText()).isEqualTo("0000-00-00 00:00:00");
    assertThat(new SqlTimestamp(86_400, 5).utcText()).isEqualTo("1970-01-02 00:00:00.000005");
    assertThat(new Bits(4, 5).toString()).isEqualTo("b'0101'");
    assertThat(new Text(new byte[] {(byte) 0x80}, "latin1").toString()).isEqualTo("\u20ac");
  }
}
