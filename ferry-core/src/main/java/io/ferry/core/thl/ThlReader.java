package io.ferry.core.thl;

import io.ferry.core.codec.RecordHeader;
import io.ferry.core.event.ReplEvent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Reads a log in seqno order from a starting seqno, and then follows it as it grows: {@link
 * #next(long, TimeUnit)} waits for the writer to make new records durable. Every record's checksum
 * and order are verified; damage is a {@link ThlCorruptionException}, never a skip. One thread uses
 * a reader; a log has any number of them.
 */
public final class ThlReader implements AutoCloseable {
  private final Thl thl;
  private final long startSeqno;
  private final int skipFragmentsUpTo;
  private Segment segment;
  private FileChannel channel;
  private RecordScanner scanner;
  private SeqnoOrder order;
  private long nextSeqno;
  private RecordHeader lastHeader;
  private boolean closed;

  ThlReader(Thl thl, long startSeqno, int skipFragmentsUpTo) {
    if (startSeqno < 0) {
      throw new ThlException("cannot read from negative seqno " + startSeqno);
    }
    this.thl = thl;
    this.startSeqno = startSeqno;
    this.skipFragmentsUpTo = skipFragmentsUpTo;
    this.nextSeqno = startSeqno;
  }

  /** The seqno the next record is expected to have (or cover). */
  public long nextSeqno() {
    return nextSeqno;
  }

  /**
   * The next record, waiting up to the timeout for one to become durable; null if none came. A
   * timeout of 0 returns at once (what a read-only listing wants).
   */
  public ThlRecord next(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      if (closed) {
        throw new ThlException("the reader is closed");
      }
      if (thl.isClosed()) {
        throw new ThlException("the THL in " + thl.dir() + " was closed");
      }
      LogEnd end = thl.end();
      ThlRecord record;
      try {
        record = segment == null && !openStartSegment() ? null : step(end);
      } catch (IOException e) {
        throw new ThlException(
            "cannot read " + (segment == null ? thl.dir() : segment.file) + ": " + e.getMessage(),
            e);
      }
      if (record != null) {
        return record;
      }
      if (!progressed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        thl.awaitAdvance(end, left);
      }
    }
  }

  /** The next event, decoded; see {@link #next(long, TimeUnit)}. */
  public ReplEvent nextEvent(long timeout, TimeUnit unit) throws InterruptedException {
    ThlRecord record = next(timeout, unit);
    return record == null ? null : record.event();
  }

  /** Set by {@link #step}: whether it moved on (to another segment) without returning a record. */
  private boolean progressed;

  private ThlRecord step(LogEnd end) throws IOException {
    progressed = false;
    // Read once: the writer may seal the segment while this step scans. Moving on to the next
    // segment is right only when the limit scanned to was the sealed length (the writer sets the
    // length before it seals), never when it was an older end of the log: the records written
    // between that end and the seal would be skipped.
    boolean sealed = segment.sealed;
    long limit =
        sealed
            ? segment.length
            : segment == end.segment() ? end.offset() : SegmentFormat.HEADER_BYTES;
    while (true) {
      long at = scanner.offset();
      RecordScanner.Status status = scanner.next(limit);
      switch (status) {
        case RECORD:
          {
            var h = scanner.header();
            order.check(at, h);
            boolean before =
                h.lastSeqno() < startSeqno
                    || (h.seqno() == startSeqno && h.fragno() <= skipFragmentsUpTo);
            if (before) {
              scanner.advance();
              continue;
            }
            ThlRecord record = new ThlRecord(h, scanner.copyRecord(), segment.file, at);
            lastHeader = h;
            scanner.advance();
            nextSeqno = h.lastFrag() ? h.lastSeqno() + 1 : h.seqno();
            return record;
          }
        case END:
          if (sealed) {
            Segment next = thl.segmentAfter(segment);
            if (next != null) {
              switchTo(next, SegmentFormat.HEADER_BYTES, next.baseSeqno);
              progressed = true;
            }
          }
          return null;
        case INCOMPLETE:
          throw new ThlCorruptionException(
              segment.file, at, order.expected(), "the file ends inside a record");
        case CORRUPT:
          throw new ThlCorruptionException(segment.file, at, order.expected(), scanner.problem());
        default:
          throw new IllegalStateException("unknown scan status " + status);
      }
    }
  }

  /** Finds the segment to start in; false if the log has none yet. */
  private boolean openStartSegment() throws IOException {
    Segment start = thl.segmentFor(startSeqno);
    if (start == null) {
      if (!thl.segmentList().isEmpty()) {
        Segment first = thl.segmentList().get(0);
        throw new ThlException(
            "seqno "
                + startSeqno
                + " is no longer in the THL in "
                + thl.dir()
                + ": it starts at seqno "
                + first.baseSeqno
                + " (older segments were purged)");
      }
      return false;
    }
    long offset = Math.max(start.index.floorOffset(startSeqno), SegmentFormat.HEADER_BYTES);
    switchTo(start, offset, offset == SegmentFormat.HEADER_BYTES ? start.baseSeqno : -1);
    return true;
  }

  private void switchTo(Segment next, long offset, long firstExpected) throws IOException {
    closeChannel();
    try {
      channel = FileChannel.open(next.file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ThlException(
          next.file + " was purged while being read (seqnos from " + next.baseSeqno + ")", e);
    }
    segment = next;
    scanner = new RecordScanner(next.file, channel, offset);
    // Across segments, the next must continue where the last record read left off.
    order =
        new SeqnoOrder(
            next.file, offset == SegmentFormat.HEADER_BYTES ? lastHeader : null, firstExpected);
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      closeChannel();
    } catch (IOException ignored) {
      // a read-only channel has nothing to lose
    }
  }
}
