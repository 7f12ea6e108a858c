package io.ferry.core.position;

import java.util.Optional;

/**
 * A MariaDB/MySQL binlog coordinate: file name and byte offset, with the transaction's GTID when
 * the server has one, and, on a MariaDB source with several GTID domains, the whole GTID state
 * there (the last GTID of every domain: what a replica that has read up to here has). Ordered by
 * the file's numeric extension, then the offset. Immutable.
 */
public final class BinlogPosition implements NativePosition {
  public static final String KIND = "binlog";

  private final String file;
  private final long offset;
  private final NativePosition gtid;
  private final MariaDbGtidPosition state;
  private String text;

  /**
   * @param file the binlog file name, for example {@code binlog.000003}
   * @param offset the byte offset in that file
   * @param gtid the transaction's GTID ({@link MariaDbGtid} or {@link MySqlGtid}), or null
   */
  public BinlogPosition(String file, long offset, NativePosition gtid) {
    this(file, offset, gtid, null);
  }

  /**
   * @param state the GTID state at this position (MariaDB, several domains), or null; only with a
   *     MariaDB GTID, whose domain it ends with
   */
  public BinlogPosition(String file, long offset, NativePosition gtid, MariaDbGtidPosition state) {
    if (file == null || file.isEmpty() || file.contains(":") || file.contains(";")) {
      throw new IllegalArgumentException("invalid binlog file name '" + file + "'");
    }
    if (offset < 0) {
      throw new IllegalArgumentException("negative binlog offset " + offset);
    }
    if (gtid != null && !(gtid instanceof MariaDbGtid) && !(gtid instanceof MySqlGtid)) {
      throw new IllegalArgumentException("a binlog position's GTID must be a single GTID");
    }
    if (state != null
        && !(gtid instanceof MariaDbGtid g && state.domain(g.domain()).equals(Optional.of(g)))) {
      throw new IllegalArgumentException(
          "a binlog position's GTID state must end with its GTID in its domain: " + state.text());
    }
    this.file = file;
    this.offset = offset;
    this.gtid = gtid;
    this.state = state;
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

  /** The whole GTID state here (MariaDB with several domains), or null. */
  public MariaDbGtidPosition state() {
    return state;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BinlogPosition b
        && b.offset == offset
        && b.file.equals(file)
        && java.util.Objects.equals(b.gtid, gtid)
        && java.util.Objects.equals(b.state, state);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(file, offset, gtid, state);
  }

  public BinlogPosition(String file, long offset) {
    this(file, offset, null);
  }

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * {@code file:offset}, or {@code file:offset;gtid} when the GTID is known, or {@code
   * file:offset;gtid;state} with the GTID state.
   */
  @Override
  public String text() {
    String t = text;
    if (t == null) {
      t = gtid == null ? file + ":" + offset : file + ":" + offset + ";" + gtid.text();
      if (state != null) {
        t += ";" + state.text();
      }
      text = t;
    }
    return t;
  }

  public static BinlogPosition parse(String text) {
    String coordinate = text;
    NativePosition gtid = null;
    MariaDbGtidPosition state = null;
    int semi = text.indexOf(';');
    if (semi >= 0) {
      coordinate = text.substring(0, semi);
      String g = text.substring(semi + 1);
      int second = g.indexOf(';');
      if (second >= 0) {
        state = MariaDbGtidPosition.parse(g.substring(second + 1));
        g = g.substring(0, second);
      }
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
          gtid,
          state);
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
