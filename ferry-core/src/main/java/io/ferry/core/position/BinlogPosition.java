package io.ferry.core.position;

import java.util.Optional;

/**
 * A MariaDB/MySQL binlog coordinate: file name and byte offset, with the transaction's GTID when
 * the server has one. Ordered by the file's numeric extension, then the offset. Immutable.
 */
public final class BinlogPosition implements NativePosition {
  public static final String KIND = "binlog";

  private final String file;
  private final long offset;
  private final NativePosition gtid;
  private String text;

  /**
   * @param file the binlog file name, for example {@code binlog.000003}
   * @param offset the byte offset in that file
   * @param gtid the transaction's GTID ({@link MariaDbGtid} or {@link MySqlGtid}), or null
   */
  public BinlogPosition(String file, long offset, NativePosition gtid) {
    if (file == null || file.isEmpty() || file.contains(":") || file.contains(";")) {
      throw new IllegalArgumentException("invalid binlog file name '" + file + "'");
    }
    if (offset < 0) {
      throw new IllegalArgumentException("negative binlog offset " + offset);
    }
    if (gtid != null && !(gtid instanceof MariaDbGtid) && !(gtid instanceof MySqlGtid)) {
      throw new IllegalArgumentException("a binlog position's GTID must be a single GTID");
    }
    this.file = file;
    this.offset = offset;
    this.gtid = gtid;
  }

  public String file() {
    return file;
  }

  public long offset() {
    return offset;
  }

  /** The transaction's GTID, or null. */
  public NativePosition gtid() {
    return gtid;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BinlogPosition b
        && b.offset == offset
        && b.file.equals(file)
        && java.util.Objects.equals(b.gtid, gtid);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(file, offset, gtid);
  }

  public BinlogPosition(String file, long offset) {
    this(file, offset, null);
  }

  @Override
  public String kind() {
    return KIND;
  }

  /** {@code file:offset}, or {@code file:offset;gtid} when the GTID is known. */
  @Override
  public String text() {
    String t = text;
    if (t == null) {
      t = gtid == null ? file + ":" + offset : file + ":" + offset + ";" + gtid.text();
      text = t;
    }
    return t;
  }

  public static BinlogPosition parse(String text) {
    String coordinate = text;
    NativePosition gtid = null;
    int semi = text.indexOf(';');
    if (semi >= 0) {
      coordinate = text.substring(0, semi);
      String g = text.substring(semi + 1);
      gtid = g.indexOf(':') < 0 ? MariaDbGtid.parse(g) : MySqlGtid.parse(g);
    }
    int colon = coordinate.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "cannot read '" + text + "' as a binlog position: expected file:offset");
    }
    try {
      return new BinlogPosition(
          coordinate.substring(0, colon),
          Long.parseLong(coordinate, colon + 1, coordinate.length(), 10),
          gtid);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "cannot read '" + text + "' as a binlog position: the offset is not a number", e);
    }
  }

  /** The numeric extension of the file name ({@code binlog.000003} → 3), or -1. */
  public long fileNumber() {
    int dot = file.lastIndexOf('.');
    if (dot < 0) {
      return -1;
    }
    try {
      return Long.parseLong(file.substring(dot + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private String baseName() {
    int dot = file.lastIndexOf('.');
    return dot < 0 ? file : file.substring(0, dot);
  }

  @Override
  public Optional<Integer> compare(NativePosition other) {
    if (!(other instanceof BinlogPosition o) || !baseName().equals(o.baseName())) {
      return Optional.empty();
    }
    int byFile = Long.compare(fileNumber(), o.fileNumber());
    return Optional.of(byFile != 0 ? byFile : Long.compare(offset, o.offset));
  }

  @Override
  public String toString() {
    return text();
  }
}
