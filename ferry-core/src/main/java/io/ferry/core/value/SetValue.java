package io.ferry.core.value;

import java.util.List;

/**
 * A SET value: the member bits (bit i set means the i-th member, from 0), and the members' labels
 * when the source's table metadata names them.
 *
 * @param bits the members present
 * @param labels the labels of the members present, in order, or null if unknown
 */
public record SetValue(long bits, List<String> labels) {
  public SetValue {
    labels = labels == null ? null : List.copyOf(labels);
  }

  @Override
  public String toString() {
    return labels != null ? String.join(",", labels) : "0b" + Long.toBinaryString(bits);
  }
}
