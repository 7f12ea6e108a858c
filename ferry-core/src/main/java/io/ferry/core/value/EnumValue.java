package io.ferry.core.value;

/**
 * An ENUM value: its 1-based index in the column's list (0 is the empty error value), and its label
 * when the source's table metadata names it.
 *
 * @param index 0 to 65535
 * @param label the label, or null if unknown
 */
public record EnumValue(int index, String label) {
  public EnumValue {
    if (index < 0 || index > 65535) {
      throw new IllegalArgumentException("ENUM index out of range: " + index);
    }
  }

  @Override
  public String toString() {
    return label != null ? label : "#" + index;
  }
}
