package io.ferry.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer with the primitive encodings of the THL format: big-endian fixed-width
 * integers, LEB128 varints, zigzag varlongs, length-prefixed bytes and UTF-8 strings. Reusable
 * ({@link #reset()}); not thread-safe.
 */
public final class ByteWriter {
  private byte[] buf;
  private int pos;

  public ByteWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  public void reset() {
    pos = 0;
  }

  /** Drops everything written after {@code size} bytes (undoing a failed encode). */
  public void truncateTo(int size) {
    if (size < 0 || size > pos) {
      throw new IllegalArgumentException("cannot truncate to " + size + " of " + pos + " bytes");
    }
    pos = size;
  }

  /** Gives back memory a huge record made the buffer grow to; only when empty. */
  public void shrink(int capacity) {
    if (pos == 0 && buf.length > capacity) {
      buf = new byte[capacity];
    }
  }

  public int size() {
    return pos;
  }

  /** The backing array; bytes [0, size()) are the content. Valid until the next write. */
  public byte[] array() {
    return buf;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      long wanted = Math.max((long) buf.length * 2, (long) pos + more);
      if (wanted > Integer.MAX_VALUE - 16) {
        if ((long) pos + more > Integer.MAX_VALUE - 16) {
          throw new CodecException("an encoded record would exceed 2 GB");
        }
        wanted = Integer.MAX_VALUE - 16;
      }
      buf = Arrays.copyOf(buf, (int) wanted);
    }
  }

  public void u8(int v) {
    ensure(1);
    buf[pos++] = (byte) v;
  }

  public void u16(int v) {
    ensure(2);
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
  }

  public void i32(int v) {
    ensure(4);
    putI32(buf, pos, v);
    pos += 4;
  }

  public void i64(long v) {
    ensure(8);
    putI64(buf, pos, v);
    pos += 8;
  }

  /** Unsigned LEB128. */
  public void varlong(long v) {
    if ((v & ~0x7FL) == 0) {
      if (pos == buf.length) {
        ensure(1);
      }
      buf[pos++] = (byte) v;
      return;
    }
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  public void varint(int v) {
    varlong(v & 0xFFFFFFFFL);
  }

  /** Zigzag, so small negative numbers stay small. */
  public void zigzag(long v) {
    varlong((v << 1) ^ (v >> 63));
  }

  public void bytes(byte[] b) {
    bytes(b, 0, b.length);
  }

  public void bytes(byte[] b, int off, int len) {
    varint(len);
    raw(b, off, len);
  }

  public void raw(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, pos, len);
    pos += len;
  }

  public void string(String s) {
    if (isAscii(s)) {
      int n = s.length();
      varint(n);
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[pos++] = (byte) s.charAt(i);
      }
    } else {
      bytes(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A string that may be null: its length plus one, 0 for null. */
  public void nullableString(String s) {
    if (s == null) {
      varint(0);
      return;
    }
    if (isAscii(s)) {
      int n = s.length();
      varint(n + 1);
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[pos++] = (byte) s.charAt(i);
      }
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    varint(b.length + 1);
    raw(b, 0, b.length);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Overwrites 4 bytes at an earlier position (for lengths known only at the end). */
  public void patchI32(int at, int v) {
    putI32(buf, at, v);
  }

  public void patchU16(int at, int v) {
    buf[at] = (byte) (v >>> 8);
    buf[at + 1] = (byte) v;
  }

  public static void putI32(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  public static void putI64(byte[] b, int at, long v) {
    putI32(b, at, (int) (v >>> 32));
    putI32(b, at + 4, (int) v);
  }
}
