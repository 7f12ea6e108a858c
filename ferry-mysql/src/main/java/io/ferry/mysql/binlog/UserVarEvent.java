package io.ferry.mysql.binlog;

import java.math.BigInteger;

/**
 * A parsed USER_VAR event: a user variable a following statement reads. The value keeps its type: a
 * string (bytes and collation), an integer (signed or unsigned), a double, a decimal, or NULL.
 */
final class UserVarEvent {
  String name;
  Object value;

  /** For strings: the collation id of the bytes. */
  int collation;

  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

  static UserVarEvent parse(byte[] body) {
    BinlogInput in = new BinlogInput(body);
    UserVarEvent e = new UserVarEvent();
    e.name = in.utf8((int) in.u32());
    boolean isNull = in.u8() != 0;
    if (isNull) {
      return e;
    }
    int type = in.u8();
    e.collation = (int) in.u32();
    int length = (int) in.u32();
    int valueStart = in.position();
    byte[] raw = in.bytes(length);
    int flags = in.hasRemaining() ? in.u8() : 0;
    boolean unsigned = (flags & 1) != 0;
    switch (type) {
      case 0 -> e.value = raw; // STRING_RESULT: bytes in the collation's character set
      case 1 -> e.value = Double.longBitsToDouble(new BinlogInput(raw).i64()); // REAL_RESULT
      case 2 -> { // INT_RESULT
        long v = new BinlogInput(raw).i64();
        e.value = unsigned && v < 0 ? BigInteger.valueOf(v).add(TWO_64) : (Object) v;
      }
      case 4 -> { // DECIMAL_RESULT: precision, scale, digits
        BinlogInput d = new BinlogInput(body, valueStart, valueStart + length);
        int precision = d.u8();
        int scale = d.u8();
        e.value = ValueDecoder.decimal(d, precision, scale);
      }
      default ->
          throw new BinlogFormatException(
              "user variable @" + e.name + " has unknown value type " + type);
    }
    return e;
  }
}
