package io.ferry.core.thl;

import io.ferry.core.codec.ByteReader;
import io.ferry.core.codec.CodecException;
import io.ferry.core.codec.RecordCodec;
import io.ferry.core.codec.RecordHeader;
import io.ferry.core.event.ReplEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads the records of one segment file in order, through a read-ahead buffer, verifying each
 * record's checksum. It reports what it finds and leaves the judgement (torn tail or corruption) to
 * its caller. Not thread-safe; the caller owns the channel.
 */
final class RecordScanner {
  /** What {@link #next(long)} found at the current offset. */
  enum Status {
    /** A complete record with a matching checksum and a well-formed header. */
    RECORD,
    /** Exactly at the limit: nothing more. */
    END,
    /** A record starts but does not end before the limit. */
    INCOMPLETE,
    /** A complete record whose checksum or header is wrong, or an impossible length field. */
    CORRUPT
  }

  private static final int DEFAULT_BUFFER = 1 << 20;

  private final Path file;
  private final FileChannel channel;
  private final RecordCodec codec = new RecordCodec();
  private byte[] buf = new byte[DEFAULT_BUFFER];
  private long bufStart;
  private int bufLength;
  private long offset;
  private long limit;

  private RecordHeader header;
  private int recordPos;
  private String problem;
  private long corruptEnd;

  RecordScanner(Path file, FileChannel channel, long startOffset) {
    this.file = file;
    this.channel = channel;
    this.offset = startOffset;
  }

  Path file() {
    return file;
  }

  /** The offset of the current (or next) record. */
  long offset() {
    return offset;
  }

  void seek(long newOffset) {
    offset = newOffset;
  }

  /** Examines the record at the current offset, reading at most up to {@code limit}. */
  Status next(long limit) throws IOException {
    this.limit = limit;
    header = null;
    problem = null;
    corruptEnd = -1;
    if (offset >= limit) {
      return Status.END;
    }
    if (limit - offset < RecordCodec.FRAME_BYTES) {
      return Status.INCOMPLETE;
    }
    fill(offset, RecordCodec.FRAME_BYTES);
    int pos = (int) (offset - bufStart);
    int length = RecordCodec.length(buf, pos);
    if (length < RecordCodec.MIN_LENGTH || length > Integer.MAX_VALUE - 64) {
      problem = "impossible record length " + (length & 0xFFFFFFFFL);
      return offset + RecordCodec.FRAME_BYTES + (length & 0xFFFFFFFFL) > limit
          ? Status.INCOMPLETE
          : Status.CORRUPT;
    }
    long end = offset + RecordCodec.FRAME_BYTES + length;
    if (end > limit) {
      return Status.INCOMPLETE;
    }
    fill(offset, RecordCodec.FRAME_BYTES + length);
    pos = (int) (offset - bufStart);
    corruptEnd = end;
    if (!codec.checksumMatches(buf, pos)) {
      problem = "checksum mismatch (CRC32C)";
      return Status.CORRUPT;
    }
    try {
      header = RecordCodec.header(buf, pos);
    } catch (CodecException e) {
      problem = "malformed routing header: " + e.getMessage();
      return Status.CORRUPT;
    }
    recordPos = pos;
    return Status.RECORD;
  }

  /** Moves past the current record. */
  void advance() {
    offset += header.length();
  }

  RecordHeader header() {
    return header;
  }

  /** Why the current position is corrupt. */
  String problem() {
    return problem;
  }

  /** Where the corrupt record claims to end, or -1 if its length is impossible. */
  long corruptEnd() {
    return corruptEnd;
  }

  /** Decodes the current record into an event. */
  ReplEvent decode() {
    try {
      return RecordCodec.decode(buf, recordPos, header);
    } catch (CodecException e) {
      throw new ThlCorruptionException(
          file, offset, header.seqno(), "the record's body cannot be decoded: " + e.getMessage());
    }
  }

  /** A copy of the current record's bytes, framing included. */
  byte[] copyRecord() {
    byte[] out = new byte[header.length()];
    System.arraycopy(buf, recordPos, out, 0, out.length);
    return out;
  }

  /**
   * Whether a complete, checksum-valid record starts anywhere after {@code from} and before {@code
   * to}: then damage at {@code from} is not a torn tail but corruption in the middle. Candidates
   * are filtered by cheap header checks before their checksum is computed.
   */
  boolean validRecordAfter(long from, long to) throws IOException {
    limit = Math.max(limit, to);
    long savedOffset = offset;
    try {
      for (long at = from + 1; at + RecordCodec.FRAME_BYTES + RecordCodec.MIN_LENGTH <= to; at++) {
        fill(at, RecordCodec.FRAME_BYTES + 4);
        int pos = (int) (at - bufStart);
        long length = RecordCodec.length(buf, pos) & 0xFFFFFFFFL;
        int type = buf[pos + RecordCodec.FRAME_BYTES] & 0xFF;
        if (length < RecordCodec.MIN_LENGTH
            || at + RecordCodec.FRAME_BYTES + length > to
            || (type != RecordCodec.TRANSACTION && type != RecordCodec.GAP)) {
          continue;
        }
        fill(at, (int) (RecordCodec.FRAME_BYTES + length));
        if (codec.checksumMatches(buf, (int) (at - bufStart))) {
          return true;
        }
      }
      return false;
    } finally {
      offset = savedOffset;
    }
  }

  /** Whether every byte from {@code from} to {@code to} is zero (a zero-filled torn tail). */
  boolean allZero(long from, long to) throws IOException {
    limit = Math.max(limit, to);
    long at = from;
    while (at < to) {
      int chunk = (int) Math.min(buf.length, to - at);
      fill(at, chunk);
      int pos = (int) (at - bufStart);
      for (int i = 0; i < chunk; i++) {
        if (buf[pos + i] != 0) {
          return false;
        }
      }
      at += chunk;
    }
    return true;
  }

  private void fill(long at, int need) throws IOException {
    if (at >= bufStart && at + need <= bufStart + bufLength) {
      return;
    }
    if (need > buf.length) {
      buf = new byte[Math.max(need, DEFAULT_BUFFER)];
    } else if (buf.length > DEFAULT_BUFFER && need <= DEFAULT_BUFFER) {
      buf = new byte[DEFAULT_BUFFER]; // give a huge record's buffer back
    }
    ByteBuffer bb = ByteBuffer.wrap(buf);
    bufStart = at;
    bufLength = 0;
    while (bb.position() < need) {
      int n = channel.read(bb, at + bb.position());
      if (n < 0) {
        break;
      }
    }
    // Bytes past the limit may be a write in progress: never keep them.
    bufLength = (int) Math.min(bb.position(), Math.max(0, limit - at));
    if (bufLength < need) {
      throw new IOException(file + " is shorter than expected: wanted " + need + " bytes at " + at);
    }
  }

  /** Reads a big-endian int at a file offset, for tools. */
  int readInt(long at) throws IOException {
    limit = Math.max(limit, at + 4);
    fill(at, 4);
    return ByteReader.getI32(buf, (int) (at - bufStart));
  }
}
