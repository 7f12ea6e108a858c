package io.ferry.core.event;

import java.util.Arrays;

/**
 * An immutable set of column positions: which columns an image carries (all of them for a FULL row
 * image, the key for a MINIMAL before image, the changed columns for a MINIMAL after image).
 */
public final class ColumnMask {
  private final long[] words;
  private final int width;

  private ColumnMask(long[] words, int width) {
    this.words = words;
    this.width = width;
  }

  /** All of {@code width} columns. */
  public static ColumnMask all(int width) {
    long[] words = new long[(width + 63) / 64];
    java.util.Arrays.fill(words, -1L);
    if (width % 64 != 0) {
      words[words.length - 1] = (1L << (width % 64)) - 1;
    }
    return new ColumnMask(words, width);
  }

  /** The given positions out of {@code width} columns. */
  public static ColumnMask of(int width, int... positions) {
    long[] words = new long[(width + 63) / 64];
    for (int p : positions) {
      if (p < 0 || p >= width) {
        throw new IllegalArgumentException("column " + p + " is outside 0.." + (width - 1));
      }
      words[p >>> 6] |= 1L << p;
    }
    return new ColumnMask(words, width);
  }

  /** From a {@link java.util.BitSet}-like word array (copied). */
  public static ColumnMask fromWords(int width, long[] words) {
    long[] copy = Arrays.copyOf(words, (width + 63) / 64);
    if (width % 64 != 0 && copy.length > 0) {
      copy[copy.length - 1] &= (1L << (width % 64)) - 1;
    }
    return new ColumnMask(copy, width);
  }

  public int width() {
    return width;
  }

  public boolean contains(int position) {
    return position >= 0 && position < width && (words[position >>> 6] & (1L << position)) != 0;
  }

  public int cardinality() {
    int n = 0;
    for (long w : words) {
      n += Long.bitCount(w);
    }
    return n;
  }

  public boolean isAll() {
    return cardinality() == width;
  }

  /** The words (a copy). */
  public long[] words() {
    return words.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ColumnMask m && m.width == width && Arrays.equals(m.words, words);
  }

  @Override
  public int hashCode() {
    return 31 * width + Arrays.hashCode(words);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < width; i++) {
      if (contains(i)) {
        sb.append(sb.length() > 1 ? "," : "").append(i);
      }
    }
    return sb.append('}').toString();
  }
}
