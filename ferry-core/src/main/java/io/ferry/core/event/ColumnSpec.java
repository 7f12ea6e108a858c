package io.ferry.core.event;

import java.util.List;

/**
 * What a column is, as far as a row change needs to know.
 *
 * @param name the column name, or null when the source did not say (then shown as {@code @n})
 * @param type the type family
 * @param typeName the full declared type as the source spells it, for example {@code decimal(10,2)
 *     unsigned}, or null
 * @param unsigned whether an integer or decimal column is unsigned
 * @param nullable whether the column accepts NULL
 * @param charset the character set of a character column, or null
 * @param key whether the column is part of the primary key (or the unique key rows are located by)
 * @param length the declared length or precision (0 if none)
 * @param scale the decimal scale or fractional-seconds precision (0 if none)
 * @param labels the labels of an ENUM or SET column, in order; empty otherwise or if unknown
 */
public record ColumnSpec(
    String name,
    SqlType type,
    String typeName,
    boolean unsigned,
    boolean nullable,
    String charset,
    boolean key,
    int length,
    int scale,
    List<String> labels) {

  public ColumnSpec {
    if (type == null) {
      throw new IllegalArgumentException("a column needs a type");
    }
    labels = labels == null ? List.of() : List.copyOf(labels);
  }

  /** A plain column: nullable, not a key, no length. */
  public static ColumnSpec of(String name, SqlType type) {
    return new ColumnSpec(name, type, null, false, true, null, false, 0, 0, List.of());
  }

  public ColumnSpec asKey() {
    return new ColumnSpec(
        name, type, typeName, unsigned, false, charset, true, length, scale, labels);
  }

  public ColumnSpec withUnsigned(boolean value) {
    return new ColumnSpec(
        name, type, typeName, value, nullable, charset, key, length, scale, labels);
  }

  public ColumnSpec withCharset(String value) {
    return new ColumnSpec(
        name, type, typeName, unsigned, nullable, value, key, length, scale, labels);
  }

  public ColumnSpec withLength(int newLength, int newScale) {
    return new ColumnSpec(
        name, type, typeName, unsigned, nullable, charset, key, newLength, newScale, labels);
  }

  /** The name, or {@code @n} (1-based position) when the source did not give one. */
  public String displayName(int index) {
    return name != null ? name : "@" + (index + 1);
  }
}
