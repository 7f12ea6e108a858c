package io.ferry.core.value;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Character data exactly as the source stored it: the bytes and the source's character set name
 * (for example {@code utf8mb4} or {@code latin1}). Keeping the bytes means no value is ever changed
 * by a round trip through Java strings; {@link #toString()} decodes for display and filters.
 * Immutable (the array is copied in and out).
 */
public final class Text {
  private final byte[] bytes;
  private final String charset;

  public Text(byte[] bytes, String charset) {
    this(charset, bytes.clone());
  }

  /** Takes the array without copying; only for this class's factories. */
  private Text(String charset, byte[] bytes) {
    if (charset == null || charset.isEmpty()) {
      throw new IllegalArgumentException("a Text value needs a character set name");
    }
    this.bytes = bytes;
    this.charset = charset;
  }

  /** Text in utf8mb4. */
  public static Text of(String value) {
    return new Text("utf8mb4", value.getBytes(StandardCharsets.UTF_8));
  }

  /** Wraps an array the caller hands over and never touches again (decoders). */
  public static Text wrap(byte[] bytes, String charset) {
    return new Text(charset, bytes);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** The number of bytes, without copying them. */
  public int length() {
    return bytes.length;
  }

  /** Read-only access for encoders: the caller must not modify the array. */
  public byte[] unsafeBytes() {
    return bytes;
  }

  public String charset() {
    return charset;
  }

  /** The text decoded with the Java equivalent of its character set. */
  @Override
  public String toString() {
    return new String(bytes, Charsets.forSqlName(charset));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Text t && t.charset.equals(charset) && Arrays.equals(t.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return 31 * charset.hashCode() + Arrays.hashCode(bytes);
  }
}
