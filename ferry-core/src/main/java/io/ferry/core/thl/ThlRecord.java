package io.ferry.core.thl;

import io.ferry.core.codec.CodecException;
import io.ferry.core.codec.RecordCodec;
import io.ferry.core.codec.RecordHeader;
import io.ferry.core.event.ReplEvent;
import java.nio.file.Path;

/**
 * One record read from the log: its routing header, its bytes exactly as stored (which is also how
 * they travel on the wire), and where it was. The event is decoded on first use. Immutable apart
 * from that cache; safe to hand to another thread.
 */
public final class ThlRecord {
  private final RecordHeader header;
  private final byte[] bytes;
  private final Path file;
  private final long offset;
  private ReplEvent event;

  ThlRecord(RecordHeader header, byte[] bytes, Path file, long offset) {
    this.header = header;
    this.bytes = bytes;
    this.file = file;
    this.offset = offset;
  }

  public RecordHeader header() {
    return header;
  }

  /** The record's bytes, framing included (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }

  /** The decoded event. A body that cannot be decoded is a corruption error naming the place. */
  public synchronized ReplEvent event() {
    if (event == null) {
      try {
        event = RecordCodec.decode(bytes, 0, header);
      } catch (CodecException e) {
        throw new ThlCorruptionException(
            file, offset, header.seqno(), "the record's body cannot be decoded: " + e.getMessage());
      }
    }
    return event;
  }
}
