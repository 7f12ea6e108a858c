package io.ferry.core.thl;

import io.ferry.core.codec.RecordHeader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies a whole log without changing it: every segment header, every record's checksum, order
 * and body, and every index entry. Stops at the first problem and says exactly where.
 */
public final class ThlVerifier {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ThlVerifier.class);

  /**
   * What verification found.
   *
   * @param segments segment files read
   * @param records records read
   * @param firstSeqno the first seqno, or -1
   * @param lastSeqno the last seqno, or -1
   * @param bytes bytes of segment files
   * @param notes what opening the log would repair (a torn tail), and index files that would be
   *     rebuilt
   * @param problem the first damage found, or null
   */
  public record Result(
      int segments,
      long records,
      long firstSeqno,
      long lastSeqno,
      long bytes,
      List<String> notes,
      ThlCorruptionException problem) {
    public boolean ok() {
      return problem == null;
    }
  }

  private ThlVerifier() {}

  public static Result verify(Path dir) throws IOException {
    List<String> notes = new ArrayList<>();
    long records = 0;
    long first = -1;
    long last = -1;
    long bytes = 0;
    int segmentCount = 0;
    Thl thl;
    try {
      thl = Thl.openReadOnly(dir);
    } catch (ThlCorruptionException e) {
      return new Result(0, 0, -1, -1, 0, notes, e);
    }
    try (thl) {
      notes.addAll(thl.recoveryNotes());
      List<Segment> segments = thl.segmentList();
      segmentCount = segments.size();
      for (Segment s : segments) {
        bytes += Files.size(s.file);
        if (s.sealed && !Files.exists(s.indexFile())) {
          notes.add(s.indexFile().getFileName() + " is missing; opening the log rebuilds it");
        }
      }
      if (thl.firstSeqno().isEmpty()) {
        return new Result(segmentCount, 0, -1, -1, bytes, notes, thl.tornTail());
      }
      first = thl.firstSeqno().getAsLong();
      try (ThlReader reader = thl.reader(first)) {
        ThlRecord rec;
        while ((rec = reader.next(0, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
          rec.event(); // decodes the body: a body that cannot be decoded is damage too
          records++;
          last = rec.header().lastSeqno();
        }
      }
      for (Segment s : segments) {
        checkIndex(s);
      }
    } catch (ThlCorruptionException e) {
      return new Result(segmentCount, records, first, last, bytes, notes, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ThlException("interrupted while verifying " + dir, e);
    }
    // A torn tail is a record whose checksum failed: never "every checksum verified".
    return new Result(segmentCount, records, first, last, bytes, notes, thl.tornTail());
  }

  /**
   * Verifies the sealed segments of an open log (the ones a writer no longer changes): every
   * record's checksum and seqno order, read from the files. Returns the first damage, or null. Safe
   * while the log is written; a service runs it in the background when it goes online, so damage in
   * an old segment is an error at once, not when a replica first needs that segment.
   */
  public static ThlCorruptionException verifySealed(Thl thl) throws IOException {
    Recovery checker = new Recovery(thl.settings(), false);
    for (Segment s : List.copyOf(thl.segmentList())) {
      if (!s.sealed || thl.isClosed()) {
        continue;
      }
      try {
        checker.verifySealed(s);
      } catch (ThlCorruptionException e) {
        return e;
      } catch (java.nio.file.NoSuchFileException e) {
        LOG.debug("{} was purged while it was verified", s.file);
      }
    }
    return null;
  }

  /** Every index entry must point at the first fragment of the seqno it names. */
  private static void checkIndex(Segment segment) throws IOException {
    long[] pairs = segment.index.pairs();
    try (FileChannel ch = FileChannel.open(segment.file, StandardOpenOption.READ)) {
      RecordScanner scanner = new RecordScanner(segment.file, ch, SegmentFormat.HEADER_BYTES);
      for (int i = 0; i + 1 < pairs.length; i += 2) {
        long seqno = pairs[i];
        long offset = pairs[i + 1];
        scanner.seek(offset);
        RecordScanner.Status status = scanner.next(segment.length);
        RecordHeader h = status == RecordScanner.Status.RECORD ? scanner.header() : null;
        if (h == null || h.seqno() != seqno || h.fragno() != 0) {
          throw new ThlCorruptionException(
              segment.indexFile(),
              offset,
              seqno,
              "the index says seqno "
                  + seqno
                  + " starts at byte "
                  + offset
                  + " of "
                  + segment.file.getFileName()
                  + ", but it does not; delete the index file and"
                  + " it is rebuilt at the next open");
        }
      }
    }
  }
}
