package io.ferry.core.codec;

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
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes column values: a one-byte tag, then the value. The tags are part of the THL format
 * (docs/thl-format.md); a tag never changes meaning. Stateless.
 */
public final class ValueCodec {
  static final int NULL = 0;
  static final int LONG = 1;
  static final int UNSIGNED_BIGINT = 2;
  static final int DECIMAL = 3;
  static final int FLOAT = 4;
  static final int DOUBLE = 5;
  static final int BITS = 6;
  static final int DATE = 7;
  static final int TIME = 8;
  static final int DATETIME = 9;
  static final int TIMESTAMP = 10;
  static final int TEXT = 11;
  static final int STRING = 12;
  static final int BYTES = 13;
  static final int ENUM = 14;
  static final int SET = 15;
  static final int JSON = 16;
  static final int GEOMETRY = 17;

  /** Character sets common enough to get a one-byte code; 0 means "name follows". */
  private static final String[] CHARSETS = {
    null, "utf8mb4", "utf8mb3", "latin1", "binary", "ascii", "utf8", "ucs2", "utf16", "utf32",
    "cp1251", "latin2", "gbk", "big5", "sjis", "euckr"
  };

  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

  private ValueCodec() {}

  public static void write(ByteWriter w, Object v) {
    if (v == null) {
      w.u8(NULL);
    } else if (v instanceof Long l) {
      w.u8(LONG);
      w.zigzag(l);
    } else if (v instanceof Text t) {
      w.u8(TEXT);
      charset(w, t.charset());
      w.bytes(t.unsafeBytes());
    } else if (v instanceof byte[] b) {
      w.u8(BYTES);
      w.bytes(b);
    } else if (v instanceof String s) {
      w.u8(STRING);
      w.string(s);
    } else if (v instanceof BigDecimal d) {
      w.u8(DECIMAL);
      w.zigzag(d.scale());
      w.bytes(d.unscaledValue().toByteArray());
    } else if (v instanceof SqlDateTime dt) {
      w.u8(DATETIME);
      w.varint(dt.year());
      w.u8(dt.month());
      w.u8(dt.day());
      w.u8(dt.hour());
      w.u8(dt.minute());
      w.u8(dt.second());
      w.varint(dt.micros());
    } else if (v instanceof SqlTimestamp ts) {
      w.u8(TIMESTAMP);
      w.varlong(ts.epochSeconds());
      w.varint(ts.micros());
    } else if (v instanceof SqlDate d) {
      w.u8(DATE);
      w.varint(d.year());
      w.u8(d.month());
      w.u8(d.day());
    } else if (v instanceof SqlTime t) {
      w.u8(TIME);
      w.u8(t.negative() ? 1 : 0);
      w.varint(t.hours());
      w.u8(t.minutes());
      w.u8(t.seconds());
      w.varint(t.micros());
    } else if (v instanceof Double d) {
      w.u8(DOUBLE);
      w.i64(Double.doubleToRawLongBits(d));
    } else if (v instanceof Float f) {
      w.u8(FLOAT);
      w.i32(Float.floatToRawIntBits(f));
    } else if (v instanceof BigInteger b) {
      if (b.signum() < 0 || b.compareTo(TWO_64) >= 0) {
        throw new CodecException(
            "integer " + b + " is outside BIGINT UNSIGNED (0 to 18446744073709551615)");
      }
      w.u8(UNSIGNED_BIGINT);
      w.i64(b.longValue());
    } else if (v instanceof Bits b) {
      w.u8(BITS);
      w.u8(b.width());
      w.varlong(b.value());
    } else if (v instanceof EnumValue e) {
      w.u8(ENUM);
      w.varint(e.index());
      w.nullableString(e.label());
    } else if (v instanceof SetValue s) {
      w.u8(SET);
      w.varlong(s.bits());
      if (s.labels() == null) {
        w.varint(0);
      } else {
        w.varint(s.labels().size() + 1);
        for (String label : s.labels()) {
          w.string(label);
        }
      }
    } else if (v instanceof JsonValue j) {
      w.u8(JSON);
      w.string(j.json());
    } else if (v instanceof Geometry g) {
      w.u8(GEOMETRY);
      w.bytes(g.unsafeBytes());
    } else {
      throw new CodecException(
          "cannot encode a value of type "
              + v.getClass().getName()
              + ": it is not one of Ferry's value types (see io.ferry.core.value.Values)");
    }
  }

  public static Object read(ByteReader r) {
    int tag = r.u8();
    switch (tag) {
      case NULL:
        return null;
      case LONG:
        return r.zigzag();
      case TEXT:
        {
          String charset = readCharset(r);
          return Text.wrap(r.bytes(), charset);
        }
      case BYTES:
        return r.bytes();
      case STRING:
        return r.string();
      case DECIMAL:
        {
          int scale = (int) r.zigzag();
          byte[] unscaled = r.bytes();
          if (unscaled.length == 0) {
            throw new CodecException("empty DECIMAL at byte " + r.position());
          }
          return new BigDecimal(new BigInteger(unscaled), scale);
        }
      case DATETIME:
        return valid(
            r,
            () -> new SqlDateTime(r.varint(), r.u8(), r.u8(), r.u8(), r.u8(), r.u8(), r.varint()));
      case TIMESTAMP:
        return valid(r, () -> new SqlTimestamp(r.varlong(), r.varint()));
      case DATE:
        return valid(r, () -> new SqlDate(r.varint(), r.u8(), r.u8()));
      case TIME:
        return valid(r, () -> new SqlTime(r.u8() != 0, r.varint(), r.u8(), r.u8(), r.varint()));
      case DOUBLE:
        return Double.longBitsToDouble(r.i64());
      case FLOAT:
        return Float.intBitsToFloat(r.i32());
      case UNSIGNED_BIGINT:
        {
          long bits = r.i64();
          BigInteger v = BigInteger.valueOf(bits);
          return bits < 0 ? v.add(TWO_64) : v;
        }
      case BITS:
        return valid(r, () -> new Bits(r.u8(), r.varlong()));
      case ENUM:
        return valid(r, () -> new EnumValue(r.varint(), r.nullableString()));
      case SET:
        {
          long bits = r.varlong();
          int n = r.countPlusOne();
          List<String> labels = null;
          if (n > 0) {
            labels = new ArrayList<>(n - 1);
            for (int i = 0; i < n - 1; i++) {
              labels.add(r.string());
            }
          }
          return new SetValue(bits, labels);
        }
      case JSON:
        return new JsonValue(r.string());
      case GEOMETRY:
        return new Geometry(r.bytes());
      default:
        throw new CodecException("unknown value tag " + tag + " at byte " + (r.position() - 1));
    }
  }

  private interface Maker {
    Object make();
  }

  /** Runs a constructor whose validation may reject decoded fields, as a codec error. */
  private static Object valid(ByteReader r, Maker maker) {
    int at = r.position();
    try {
      return maker.make();
    } catch (IllegalArgumentException e) {
      throw new CodecException("invalid value at byte " + at + ": " + e.getMessage(), e);
    }
  }

  private static void charset(ByteWriter w, String name) {
    for (int i = 1; i < CHARSETS.length; i++) {
      if (CHARSETS[i].equals(name)) {
        w.u8(i);
        return;
      }
    }
    w.u8(0);
    w.string(name);
  }

  private static String readCharset(ByteReader r) {
    int code = r.u8();
    if (code == 0) {
      return r.string();
    }
    if (code >= CHARSETS.length) {
      throw new CodecException(
          "unknown character set code " + code + " at byte " + (r.position() - 1));
    }
    return CHARSETS[code];
  }
}
