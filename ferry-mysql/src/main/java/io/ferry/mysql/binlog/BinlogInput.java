package io.ferry.mysql.binlog;

import java.util.Arrays;

/**
 * Reads the little-endian encodings of the binlog from an event's bytes, bounds-checked: a short or
 * malformed event raises a {@link BinlogFormatException} naming the offset. Not thread-safe.
 */
final class BinlogInput {
  private final byte[] buf;
  private int pos;
  private final int limit;

  BinlogInput(byte[] buf) {
    this(buf, 0, buf.length);
  }

  BinlogInput(byte[] buf, int offset, int limit) {
    this.buf = buf;
    this.pos = offset;
    this.limit = limit;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return limit - pos;
  }

  boolean hasRemaining() {
    return pos < limit;
  }

  private void need(int n) {
    if (n < 0 || limit - pos < n) {
      throw new BinlogFormatException(
          "event too short: need " + n + " bytes at offset " + pos + ", have " + (limit - pos));
    }
  }

  int u8() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  int u16() {
    need(2);
    int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
    pos += 2;
    return v;
  }

  int u24() {
    need(3);
    int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16;
    pos += 3;
    return v;
  }

  long u32() {
    need(4);
    long v =
        (buf[pos] & 0xFFL)
            | (buf[pos + 1] & 0xFFL) << 8
            | (buf[pos + 2] & 0xFFL) << 16
            | (buf[pos + 3] & 0xFFL) << 24;
    pos += 4;
    return v;
  }

  /** {@code n} bytes little-endian (1 to 8) as an unsigned long. */
  long uintLE(int n) {
    need(n);
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (buf[pos + i] & 0xFF);
    }
    pos += n;
    return v;
  }

  /** {@code n} bytes big-endian (1 to 8) as an unsigned long. */
  long uintBE(int n) {
    need(n);
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (buf[pos + i] & 0xFF);
    }
    pos += n;
    return v;
  }

  long i64() {
    return uintLE(8);
  }

  /** A length-encoded integer (the client protocol's packed integer). */
  long packed() {
    int first = u8();
    return switch (first) {
      case 0xFB -> -1; // NULL
      case 0xFC -> u16();
      case 0xFD -> u24();
      case 0xFE -> i64();
      default -> first;
    };
  }

  byte[] bytes(int n) {
    need(n);
    byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  void skip(int n) {
    need(n);
    pos += n;
  }

  /** A bitmap of {@code bits} bits, bit i in byte i/8 (low bit first). */
  long[] bitmap(int bits) {
    int bytes = (bits + 7) / 8;
    need(bytes);
    long[] words = new long[(bits + 63) / 64];
    for (int i = 0; i < bits; i++) {
      if ((buf[pos + i / 8] & (1 << (i % 8))) != 0) {
        words[i >>> 6] |= 1L << i;
      }
    }
    pos += bytes;
    return words;
  }

  byte[] rest() {
    return bytes(limit - pos);
  }

  /** ASCII/UTF-8 bytes up to (not including) a NUL, which is consumed. */
  String nulTerminated() {
    int start = pos;
    while (pos < limit && buf[pos] != 0) {
      pos++;
    }
    if (pos >= limit) {
      throw new BinlogFormatException("unterminated string at offset " + start);
    }
    String s = new String(buf, start, pos - start, java.nio.charset.StandardCharsets.UTF_8);
    pos++;
    return s;
  }

  String utf8(int n) {
    need(n);
    String s = new String(buf, pos, n, java.nio.charset.StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  static boolean bit(long[] words, int i) {
    return (words[i >>> 6] & (1L << i)) != 0;
  }
}
