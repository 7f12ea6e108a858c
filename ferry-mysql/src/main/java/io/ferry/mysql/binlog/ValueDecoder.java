package io.ferry.mysql.binlog;

import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
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
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes one column value of a rows event, exactly: the server's binary formats are read by hand
 * (integers with their signedness, DECIMAL digit groups, the packed temporal formats with zero
 * dates, negative times and microseconds, character data as bytes in its charset). Stateless.
 */
final class ValueDecoder {
  private static final int DIG_PER_DEC = 9;
  private static final int[] DIG_TO_BYTES = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

  private ValueDecoder() {}

  static Object decode(BinlogInput in, BinlogColumn c) {
    boolean unsigned = c.spec().unsigned();
    switch (c.realType()) {
      case ColumnTypes.TINY:
        return unsigned ? in.uintLE(1) : (long) (byte) in.uintLE(1);
      case ColumnTypes.SHORT:
        return unsigned ? in.uintLE(2) : (long) (short) in.uintLE(2);
      case ColumnTypes.INT24:
        {
          long v = in.uintLE(3);
          return unsigned ? v : (v << 40) >> 40;
        }
      case ColumnTypes.LONG:
        return unsigned ? in.uintLE(4) : (long) (int) in.uintLE(4);
      case ColumnTypes.LONGLONG:
        {
          long v = in.uintLE(8);
          if (!unsigned) {
            return v;
          }
          BigInteger b = BigInteger.valueOf(v);
          return v < 0 ? b.add(TWO_64) : b;
        }
      case ColumnTypes.FLOAT:
        return Float.intBitsToFloat((int) in.uintLE(4));
      case ColumnTypes.DOUBLE:
        return Double.longBitsToDouble(in.uintLE(8));
      case ColumnTypes.NEWDECIMAL:
        return decimal(in, c.meta() >> 8, c.meta() & 0xFF);
      case ColumnTypes.YEAR:
        {
          int v = in.u8();
          return v == 0 ? 0L : 1900L + v;
        }
      case ColumnTypes.DATE:
      case ColumnTypes.NEWDATE:
        {
          int v = in.u24();
          return new SqlDate(v >> 9, (v >> 5) & 15, v & 31);
        }
      case ColumnTypes.TIME:
        return c.meta() == 0 ? oldTime(in) : timeHires(in, c.meta());
      case ColumnTypes.TIME2:
        return time2(in, c.meta());
      case ColumnTypes.DATETIME:
        return c.meta() == 0 ? oldDatetime(in) : datetimeHires(in, c.meta());
      case ColumnTypes.DATETIME2:
        return datetime2(in, c.meta());
      case ColumnTypes.TIMESTAMP:
        return c.meta() == 0
            ? new SqlTimestamp(in.u32(), 0)
            : new SqlTimestamp(in.uintBE(4), fractionHires(in, c.meta()));
      case ColumnTypes.TIMESTAMP2:
        {
          long seconds = in.uintBE(4);
          return new SqlTimestamp(seconds, fraction(in, c.meta()));
        }
      case ColumnTypes.BIT:
        {
          int width = (c.meta() & 0xFF) * 8 + (c.meta() >> 8); // bytes, then the extra bits
          long bits = in.uintBE((width + 7) / 8);
          return new Bits(width, bits);
        }
      case ColumnTypes.ENUM:
        {
          int index = (int) in.uintLE(TableMap.stringLength(c.meta()));
          List<String> labels = c.labels();
          String label = index == 0 ? "" : index <= labels.size() ? labels.get(index - 1) : null;
          return new EnumValue(index, label);
        }
      case ColumnTypes.SET:
        {
          long bits = in.uintLE(TableMap.stringLength(c.meta()));
          List<String> labels = c.labels();
          List<String> members = null;
          if (!labels.isEmpty()) {
            members = new ArrayList<>();
            for (int i = 0; i < labels.size() && i < 64; i++) {
              if ((bits & (1L << i)) != 0) {
                members.add(labels.get(i));
              }
            }
          }
          return new SetValue(bits, members);
        }
      case ColumnTypes.STRING:
        {
          int max = TableMap.stringLength(c.meta());
          int length = max > 255 ? in.u16() : in.u8();
          byte[] bytes = in.bytes(length);
          // BINARY(n) is stored padded with zero bytes, which the binlog leaves out
          return chars(c.binary() && length < max ? Arrays.copyOf(bytes, max) : bytes, c);
        }
      case ColumnTypes.VARCHAR_COMPRESSED:
        {
          int length = c.meta() > 255 ? in.u16() : in.u8();
          return chars(Compressed.inflate(in.bytes(length)), c);
        }
      case ColumnTypes.BLOB_COMPRESSED:
        {
          int length = (int) in.uintLE(c.meta());
          return chars(Compressed.inflate(in.bytes(length)), c);
        }
      case ColumnTypes.VARCHAR:
      case ColumnTypes.VAR_STRING:
        {
          int length = c.meta() > 255 ? in.u16() : in.u8();
          return chars(in.bytes(length), c);
        }
      case ColumnTypes.BLOB:
      case ColumnTypes.TINY_BLOB:
      case ColumnTypes.MEDIUM_BLOB:
      case ColumnTypes.LONG_BLOB:
        {
          int length = (int) in.uintLE(c.meta());
          return chars(in.bytes(length), c);
        }
      case ColumnTypes.GEOMETRY:
        return new Geometry(in.bytes((int) in.uintLE(c.meta())));
      case ColumnTypes.JSON:
        {
          byte[] binary = in.bytes((int) in.uintLE(c.meta()));
          try {
            return new JsonValue(binary.length == 0 ? "null" : JsonBinary.parseAsString(binary));
          } catch (IOException e) {
            throw new BinlogFormatException("unreadable MySQL JSON value: " + e.getMessage(), e);
          }
        }
      default:
        throw new BinlogFormatException(
            "column type " + ColumnTypes.name(c.realType()) + " is not supported");
    }
  }

  private static Object chars(byte[] bytes, BinlogColumn c) {
    if (c.binary()) {
      return bytes;
    }
    String charset = c.spec().charset();
    return Text.wrap(bytes, charset == null ? "utf8mb4" : charset);
  }

  /** The fractional seconds of the packed temporal formats, as microseconds. */
  private static int fraction(BinlogInput in, int fsp) {
    return switch (fsp) {
      case 1, 2 -> (int) in.uintBE(1) * 10_000;
      case 3, 4 -> (int) in.uintBE(2) * 100;
      case 5, 6 -> (int) in.uintBE(3);
      default -> 0;
    };
  }

  /** TIME2: a 3-byte offset-binary integer part and an fsp-dependent fraction. */
  private static SqlTime time2(BinlogInput in, int fsp) {
    long packed;
    switch (fsp) {
      case 1, 2 -> {
        long intpart = in.uintBE(3) - 0x800000L;
        long frac = in.uintBE(1);
        if (intpart < 0 && frac != 0) {
          intpart++;
          frac -= 0x100;
        }
        packed = (intpart << 24) + frac * 10_000;
      }
      case 3, 4 -> {
        long intpart = in.uintBE(3) - 0x800000L;
        long frac = in.uintBE(2);
        if (intpart < 0 && frac != 0) {
          intpart++;
          frac -= 0x10000;
        }
        packed = (intpart << 24) + frac * 100;
      }
      case 5, 6 -> packed = in.uintBE(6) - 0x800000000000L;
      default -> packed = (in.uintBE(3) - 0x800000L) << 24;
    }
    boolean negative = packed < 0;
    long abs = Math.abs(packed);
    long hms = abs >> 24;
    int micros = (int) (abs % (1L << 24));
    return new SqlTime(
        negative,
        (int) ((hms >> 12) % (1 << 10)),
        (int) ((hms >> 6) % (1 << 6)),
        (int) (hms % (1 << 6)),
        micros);
  }

  /** DATETIME2: a 5-byte offset-binary packed date and time, and an fsp-dependent fraction. */
  private static SqlDateTime datetime2(BinlogInput in, int fsp) {
    long intpart = in.uintBE(5) - 0x8000000000L;
    int micros = fraction(in, fsp);
    long ymd = intpart >> 17;
    long ym = ymd >> 5;
    long hms = intpart % (1 << 17);
    return new SqlDateTime(
        (int) (ym / 13),
        (int) (ym % 13),
        (int) (ymd % 32),
        (int) (hms >> 12),
        (int) ((hms >> 6) % 64),
        (int) (hms % 64),
        micros);
  }

  /** Bytes of MariaDB 5.3's TIME(n), n = 1..6 (a biased big-endian count of 10^-n seconds). */
  private static final int[] TIME_HIRES_BYTES = {3, 4, 4, 5, 5, 5, 6};

  /** Bytes of MariaDB 5.3's DATETIME(n). */
  private static final int[] DATETIME_HIRES_BYTES = {5, 6, 6, 7, 7, 7, 8};

  /** Bytes of the fraction of MariaDB 5.3's TIMESTAMP(n), after its 4 bytes of seconds. */
  private static final int[] TIMESTAMP_FRACTION_BYTES = {0, 1, 1, 2, 2, 3, 3};

  /** Microseconds in one unit of n fractional digits. */
  private static long unit(int fsp) {
    long u = 1;
    for (int i = fsp; i < 6; i++) {
      u *= 10;
    }
    return u;
  }

  /**
   * MariaDB 5.3's TIME(n) (mysql56_temporal_format=OFF): the signed time in units of 10^-n seconds,
   * biased by 838:59:59 + 1 s and stored big-endian.
   */
  private static SqlTime timeHires(BinlogInput in, int fsp) {
    long bias = 3_020_400L * 1_000_000L / unit(fsp);
    long micros = (in.uintBE(TIME_HIRES_BYTES[fsp]) - bias) * unit(fsp);
    long abs = Math.abs(micros);
    long seconds = abs / 1_000_000;
    return new SqlTime(
        micros < 0,
        (int) (seconds / 3600),
        (int) (seconds / 60 % 60),
        (int) (seconds % 60),
        (int) (abs % 1_000_000));
  }

  /**
   * MariaDB 5.3's DATETIME(n): the seconds since year 0 (months of 32 days, years of 13 months) in
   * units of 10^-n seconds, big-endian.
   */
  private static SqlDateTime datetimeHires(BinlogInput in, int fsp) {
    long micros = in.uintBE(DATETIME_HIRES_BYTES[fsp]) * unit(fsp);
    long seconds = micros / 1_000_000;
    long ymd = seconds / 86_400;
    long hms = seconds % 86_400;
    long ym = ymd / 32;
    return new SqlDateTime(
        (int) (ym / 13),
        (int) (ym % 13),
        (int) (ymd % 32),
        (int) (hms / 3600),
        (int) (hms / 60 % 60),
        (int) (hms % 60),
        (int) (micros % 1_000_000));
  }

  /** The fraction of MariaDB 5.3's TIMESTAMP(n), as microseconds. */
  private static int fractionHires(BinlogInput in, int fsp) {
    return (int) (in.uintBE(TIMESTAMP_FRACTION_BYTES[fsp]) * unit(fsp));
  }

  /** The old TIME: a signed 3-byte integer HHMMSS. */
  private static SqlTime oldTime(BinlogInput in) {
    long v = (in.uintLE(3) << 40) >> 40;
    boolean negative = v < 0;
    long abs = Math.abs(v);
    return new SqlTime(
        negative, (int) (abs / 10000), (int) (abs / 100 % 100), (int) (abs % 100), 0);
  }

  /** The old DATETIME: an 8-byte integer YYYYMMDDhhmmss. */
  private static SqlDateTime oldDatetime(BinlogInput in) {
    long v = in.uintLE(8);
    long date = v / 1_000_000;
    long time = v % 1_000_000;
    return new SqlDateTime(
        (int) (date / 10000),
        (int) (date / 100 % 100),
        (int) (date % 100),
        (int) (time / 10000),
        (int) (time / 100 % 100),
        (int) (time % 100),
        0);
  }

  /** DECIMAL(precision, scale) in the server's binary format: groups of 9 digits in 4 bytes. */
  static BigDecimal decimal(BinlogInput in, int precision, int scale) {
    int intDigits = precision - scale;
    int intFull = intDigits / DIG_PER_DEC;
    int intRest = intDigits % DIG_PER_DEC;
    int fracFull = scale / DIG_PER_DEC;
    int fracRest = scale % DIG_PER_DEC;
    int size = intFull * 4 + DIG_TO_BYTES[intRest] + fracFull * 4 + DIG_TO_BYTES[fracRest];
    byte[] raw = in.bytes(size);
    boolean negative = (raw[0] & 0x80) == 0;
    raw[0] ^= (byte) 0x80;
    if (negative) {
      for (int i = 0; i < raw.length; i++) {
        raw[i] = (byte) ~raw[i];
      }
    }
    StringBuilder digits = new StringBuilder(precision + 2);
    int at = 0;
    if (intRest > 0) {
      digits.append(group(raw, at, DIG_TO_BYTES[intRest]));
      at += DIG_TO_BYTES[intRest];
    }
    for (int i = 0; i < intFull; i++) {
      digits.append(String.format("%09d", group(raw, at, 4)));
      at += 4;
    }
    StringBuilder frac = new StringBuilder(scale);
    for (int i = 0; i < fracFull; i++) {
      frac.append(String.format("%09d", group(raw, at, 4)));
      at += 4;
    }
    if (fracRest > 0) {
      frac.append(String.format("%0" + fracRest + "d", group(raw, at, DIG_TO_BYTES[fracRest])));
    }
    BigInteger unscaled =
        new BigInteger(digits.append(frac).length() == 0 ? "0" : digits.toString());
    BigDecimal value = new BigDecimal(unscaled, scale);
    return negative ? value.negate() : value;
  }

  private static long group(byte[] raw, int at, int bytes) {
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v = (v << 8) | (raw[at + i] & 0xFF);
    }
    return v;
  }
}
