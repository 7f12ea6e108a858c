package io.ferry.core.thl;

import io.ferry.core.codec.RecordHeader;
import java.nio.file.Path;

/**
 * One segment file of the log and what is known about it. The log's writer changes it (under the
 * log's lock); readers read its volatile fields.
 */
final class Segment {
  final Path file;
  final long baseSeqno;
  final SegmentIndex index;

  /** The last seqno it holds, or -1 while empty. */
  volatile long lastSeqno;

  /** Bytes of complete records (and header) in the file. */
  volatile long length;

  /** Source commit time of its last record. */
  volatile long lastCommitMicros;

  /** Whether it is complete: a later segment exists, and nothing more will be written here. */
  volatile boolean sealed;

  /** The header of its last record, when known (scanned or written in this process). */
  volatile RecordHeader lastHeader;

  /** The offset of the first fragment of its last transaction (for cutting an incomplete one). */
  long openTransactionStart = SegmentFormat.HEADER_BYTES;

  Segment(Path file, long baseSeqno, int indexIntervalBytes) {
    this.file = file;
    this.baseSeqno = baseSeqno;
    this.index = new SegmentIndex(indexIntervalBytes);
    this.lastSeqno = -1;
    this.length = SegmentFormat.HEADER_BYTES;
  }

  Segment(Path file, long baseSeqno, SegmentIndex index) {
    this.file = file;
    this.baseSeqno = baseSeqno;
    this.index = index;
    this.lastSeqno = -1;
    this.length = SegmentFormat.HEADER_BYTES;
  }

  Path indexFile() {
    return file.resolveSibling(SegmentFormat.indexName(baseSeqno));
  }

  boolean isEmpty() {
    return lastSeqno < 0;
  }

  SegmentInfo info() {
    return new SegmentInfo(file, baseSeqno, lastSeqno, length, sealed, lastCommitMicros);
  }
}
