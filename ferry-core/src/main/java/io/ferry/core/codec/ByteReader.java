package io.ferry.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the encodings of {@link ByteWriter} from a byte array range. Every read is bounds-checked:
 * truncated or malformed input raises a {@link CodecException} that names the byte offset, never an
 * out-of-bounds error or a silently wrong value. Not thread-safe.
 */
public final class ByteReader {
  private final byte[] buf;
  private final int start;
  private final int limit;
  private int pos;

  public ByteReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > buf.length) {
      throw new IllegalArgumentException("range outside the array");
    }
    this.buf = buf;
    this.start = offset;
    this.pos = offset;
    this.limit = offset + length;
  }

  public ByteReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  /** Bytes read so far from the start of the range. */
  public int position() {
    return pos - start;
  }

  public int remaining() {
    return limit - pos;
  }

  public boolean hasRemaining() {
    return pos < limit;
  }

  private void need(int n) {
    if (n < 0 || limit - pos < n) {
      throw new CodecException(
          "truncated: need " + n + " bytes at byte " + position() + ", have " + remaining());
    }
  }

  public int u8() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  public int u16() {
    need(2);
    int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
    pos += 2;
    return v;
  }

  public int i32() {
    need(4);
    int v = getI32(buf, pos);
    pos += 4;
    return v;
  }

  public long i64() {
    need(8);
    long v = getI64(buf, pos);
    pos += 8;
    return v;
  }

  public long varlong() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1);
      byte b = buf[pos++];
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new CodecException("malformed varint ending at byte " + position());
  }

  public int varint() {
    long v = varlong();
    if (v > 0xFFFFFFFFL) {
      throw new CodecException("varint " + v + " too large at byte " + position());
    }
    return (int) v;
  }

  /** A non-negative count or length, checked against what is left (each item takes a byte). */
  public int count() {
    long v = varlong();
    if (v > remaining() && v > 0) {
      throw new CodecException(
          "count " + v + " at byte " + position() + " exceeds the " + remaining() + " bytes left");
    }
    return (int) v;
  }

  /**
   * A count stored plus one, 0 meaning "none" (nullable lists and strings); returns it as stored.
   */
  public int countPlusOne() {
    long v = varlong();
    if (v > 0 && v - 1 > remaining()) {
      throw new CodecException(
          "count "
              + (v - 1)
              + " at byte "
              + position()
              + " exceeds the "
              + remaining()
              + " bytes left");
    }
    return (int) v;
  }

  public long zigzag() {
    long v = varlong();
    return (v >>> 1) ^ -(v & 1);
  }

  public byte[] bytes() {
    int n = count();
    need(n);
    byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  public void skip(int n) {
    need(n);
    pos += n;
  }

  public String string() {
    int n = count();
    need(n);
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  /** {@code n} bytes of UTF-8 without a length prefix. */
  public String utf8(int n) {
    need(n);
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  public String nullableString() {
    int n = countPlusOne();
    if (n == 0) {
      return null;
    }
    need(n - 1);
    String s = new String(buf, pos, n - 1, StandardCharsets.UTF_8);
    pos += n - 1;
    return s;
  }

  public static int getI32(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24)
        | ((b[at + 1] & 0xFF) << 16)
        | ((b[at + 2] & 0xFF) << 8)
        | (b[at + 3] & 0xFF);
  }

  public static long getI64(byte[] b, int at) {
    return ((long) getI32(b, at) << 32) | (getI32(b, at + 4) & 0xFFFFFFFFL);
  }
}
