package io.ferry.core.thl;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Cuts the newest records off a log (purging from the tail). Called under the log's lock. */
final class Truncation {
  private Truncation() {}

  static void truncateAfter(Thl thl, long seqno) throws IOException {
    List<Segment> segments = List.copyOf(thl.segmentList());
    if (segments.isEmpty()) {
      return;
    }
    Segment holder = thl.segmentFor(seqno);
    int keepUpTo; // index of the last segment that keeps records
    if (holder == null) {
      keepUpTo = -1;
    } else {
      keepUpTo = segments.indexOf(holder);
      long cut = firstOffsetAfter(holder, seqno);
      if (cut < holder.length) {
        try (FileChannel ch = FileChannel.open(holder.file, StandardOpenOption.WRITE)) {
          ch.truncate(cut);
          ch.force(true);
        }
      }
      if (keepUpTo < segments.size() - 1 || cut < holder.length) {
        Files.deleteIfExists(holder.indexFile()); // it becomes the newest segment again
      }
    }
    for (int i = segments.size() - 1; i > keepUpTo; i--) {
      Files.deleteIfExists(segments.get(i).indexFile());
      Files.deleteIfExists(segments.get(i).file);
    }
    SegmentFormat.syncDirectory(thl.dir());
    Recovery.Result reloaded = new Recovery(thl.settings(), true).run();
    thl.replaceSegments(reloaded.segments());
    Segment newest =
        reloaded.segments().isEmpty()
            ? null
            : reloaded.segments().get(reloaded.segments().size() - 1);
    thl.publish(
        newest == null
            ? LogEnd.EMPTY
            : new LogEnd(
                newest,
                newest.length,
                reloaded.lastHeader() == null
                    ? io.ferry.core.event.Checkpoint.NONE
                    : Thl.checkpoint(reloaded.lastHeader())));
  }

  /** The offset of the first record in a segment that covers a seqno above {@code seqno}. */
  private static long firstOffsetAfter(Segment segment, long seqno) throws IOException {
    long from = Math.max(segment.index.floorOffset(seqno), SegmentFormat.HEADER_BYTES);
    try (FileChannel ch = FileChannel.open(segment.file, StandardOpenOption.READ)) {
      RecordScanner scanner = new RecordScanner(segment.file, ch, from);
      while (true) {
        long at = scanner.offset();
        RecordScanner.Status status = scanner.next(segment.length);
        if (status == RecordScanner.Status.END) {
          return at;
        }
        if (status != RecordScanner.Status.RECORD) {
          throw new ThlCorruptionException(
              segment.file, at, seqno, scanner.problem() != null ? scanner.problem() : "truncated");
        }
        if (scanner.header().lastSeqno() > seqno) {
          return at;
        }
        scanner.advance();
      }
    }
  }
}
