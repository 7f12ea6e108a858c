package io.ferry.core.value;

/**
 * A BIT(width) value: up to 64 bits, the lowest {@code width} bits of {@code value}.
 *
 * @param width the column's width in bits, 1 to 64
 * @param value the bits, right-aligned
 */
public record Bits(int width, long value) {
  public Bits {
    if (width < 1 || width > 64) {
      throw new IllegalArgumentException("BIT width must be 1 to 64, not " + width);
    }
    if (width < 64 && (value >>> width) != 0) {
      throw new IllegalArgumentException(
          "value 0x" + Long.toHexString(value) + " does not fit in BIT(" + width + ")");
    }
  }

  /** {@code b'0101'}. */
  @Override
  public String toString() {
    String digits = Long.toBinaryString(value);
    return "b'" + "0".repeat(Math.max(0, width - digits.length())) + digits + "'";
  }
}
