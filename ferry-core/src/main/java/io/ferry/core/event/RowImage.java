package io.ferry.core.event;

/**
 * Which row image the source logged ({@code binlog_row_image}): appliers must know whether a before
 * image has every column (FULL), only the key (MINIMAL), or every column but large ones that did
 * not change (NOBLOB).
 */
public enum RowImage {
  FULL(1),
  MINIMAL(2),
  NOBLOB(3),
  UNKNOWN(0);

  private final int code;

  RowImage(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static RowImage ofCode(int code) {
    for (RowImage r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown row image code " + code);
  }
}
