package io.ferry.core.value;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A spatial value in the server's internal format: a 4-byte SRID followed by well-known binary.
 * Immutable (the array is copied in and out).
 */
public final class Geometry {
  private final byte[] bytes;

  public Geometry(byte[] bytes) {
    this.bytes = bytes.clone();
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** Read-only access for encoders: the caller must not modify the array. */
  public byte[] unsafeBytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Geometry g && Arrays.equals(g.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "GEOMETRY 0x" + HexFormat.of().formatHex(bytes);
  }
}
