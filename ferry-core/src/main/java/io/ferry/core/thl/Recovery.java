package io.ferry.core.thl;

import io.ferry.core.codec.RecordHeader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the segments of a log directory: checks headers and continuity, loads or rebuilds the
 * sparse indexes, and examines the newest segment record by record. A torn tail (a record cut short
 * by a crash, or a zero-filled end) is cut there; a trailing transaction whose last fragment never
 * made it is cut back to its start (its source re-delivers it whole). Any other damage is a {@link
 * ThlCorruptionException}: Ferry never skips a record. In read-only mode nothing is changed on
 * disk; the damage is only reported.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  /** What recovery found. */
  record Result(
      List<Segment> segments,
      UUID logId,
      RecordHeader lastHeader,
      List<String> notes,
      ThlCorruptionException tornTail) {}

  private final ThlSettings settings;
  private final boolean writable;
  private final List<String> notes = new ArrayList<>();
  private UUID logId;
  private ThlCorruptionException tornTail;

  Recovery(ThlSettings settings, boolean writable) {
    this.settings = settings;
    this.writable = writable;
  }

  Result run() throws IOException {
    List<Path> files = segmentFiles(settings.dir());
    List<Segment> segments = new ArrayList<>();
    RecordHeader lastHeader = null;
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      boolean newest = i == files.size() - 1;
      long base = SegmentFormat.baseOf(file.getFileName().toString());
      if (newest && Files.size(file) <= SegmentFormat.HEADER_BYTES && !headerIntact(file)) {
        // Created during a rotation that crashed before its header was written: a torn tail.
        note("removed " + file + ": a new segment whose header was never completely written");
        if (writable) {
          Files.delete(file);
          SegmentFormat.syncDirectory(settings.dir());
        }
        break;
      }
      SegmentFormat.Header header;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        header = SegmentFormat.readHeader(file, ch);
      }
      if (header.baseSeqno() != base) {
        throw new ThlCorruptionException(
            file, 12, base, "its header says base seqno " + header.baseSeqno());
      }
      if (logId == null) {
        logId = header.logId();
      } else if (!logId.equals(header.logId())) {
        throw new ThlException(
            file
                + " belongs to another log (log id "
                + header.logId()
                + ", this log's is "
                + logId
                + "): a segment copied in from elsewhere? Move it out of "
                + settings.dir());
      }
      Segment segment = newest ? scanNewest(file, base) : loadSealed(file, base);
      if (!segments.isEmpty()) {
        Segment previous = segments.get(segments.size() - 1);
        if (previous.lastSeqno + 1 != base) {
          throw new ThlException(
              "the log in "
                  + settings.dir()
                  + " has a hole: "
                  + previous.file.getFileName()
                  + " ends at seqno "
                  + previous.lastSeqno
                  + " but the next segment starts at "
                  + base);
        }
      }
      segments.add(segment);
    }
    for (int i = segments.size() - 1; i >= 0 && lastHeader == null; i--) {
      lastHeader = lastHeaderOf(segments.get(i));
    }
    return new Result(segments, logId, lastHeader, List.copyOf(notes), tornTail);
  }

  /**
   * The header of a segment's last record (null if it has none), read from its last index entry.
   */
  static RecordHeader lastHeaderOf(Segment segment) throws IOException {
    if (segment.lastHeader != null || segment.isEmpty()) {
      return segment.lastHeader;
    }
    long[] pairs = segment.index.pairs();
    long from = pairs.length >= 2 ? pairs[pairs.length - 1] : SegmentFormat.HEADER_BYTES;
    try (FileChannel ch = FileChannel.open(segment.file, StandardOpenOption.READ)) {
      RecordScanner scanner = new RecordScanner(segment.file, ch, from);
      RecordHeader last = null;
      while (true) {
        long at = scanner.offset();
        RecordScanner.Status status = scanner.next(segment.length);
        if (status == RecordScanner.Status.END) {
          return last;
        }
        if (status != RecordScanner.Status.RECORD) {
          throw new ThlCorruptionException(
              segment.file,
              at,
              -1,
              scanner.problem() != null ? scanner.problem() : "truncated record");
        }
        last = scanner.header();
        scanner.advance();
      }
    }
  }

  static List<Path> segmentFiles(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "thl-*.seg")) {
      for (Path p : stream) {
        if (SegmentFormat.baseOf(p.getFileName().toString()) >= 0) {
          files.add(p);
        }
      }
    }
    files.sort(
        (a, b) ->
            Long.compare(
                SegmentFormat.baseOf(a.getFileName().toString()),
                SegmentFormat.baseOf(b.getFileName().toString())));
    return files;
  }

  private static boolean headerIntact(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      SegmentFormat.readHeader(file, ch);
      return true;
    } catch (IOException | ThlException e) {
      return false;
    }
  }

  private Segment loadSealed(Path file, long base) throws IOException {
    long size = Files.size(file);
    Path indexFile = file.resolveSibling(SegmentFormat.indexName(base));
    SegmentFormat.IndexFile index = SegmentFormat.readIndex(indexFile, base, size);
    Segment segment;
    if (index != null) {
      segment =
          new Segment(file, base, SegmentIndex.of(settings.indexIntervalBytes(), index.entries()));
      segment.lastSeqno = index.lastSeqno();
      segment.length = size;
      segment.lastCommitMicros = index.lastCommitMicros();
    } else {
      segment = new Segment(file, base, settings.indexIntervalBytes());
      segment.length = scan(segment, size, false);
      if (segment.isEmpty()) {
        throw new ThlCorruptionException(
            file, SegmentFormat.HEADER_BYTES, base, "a sealed segment without records");
      }
      if (writable) {
        writeIndex(segment);
        note("rebuilt the index of " + file.getFileName());
      }
    }
    segment.sealed = true;
    return segment;
  }

  static void writeIndex(Segment segment) throws IOException {
    SegmentFormat.writeIndex(
        segment.indexFile(),
        new SegmentFormat.IndexFile(
            segment.baseSeqno,
            segment.lastSeqno,
            segment.length,
            segment.lastCommitMicros,
            segment.index.pairs()));
  }

  private Segment scanNewest(Path file, long base) throws IOException {
    Segment segment = new Segment(file, base, settings.indexIntervalBytes());
    long size = Files.size(file);
    long validEnd = scan(segment, size, true);
    long cutAt = validEnd;
    RecordHeader last = segment.lastHeader;
    if (last != null && !last.lastFrag()) {
      cutAt = segment.openTransactionStart;
      note(
          "cut the incomplete transaction "
              + last.seqno()
              + " (fragments 0 to "
              + last.fragno()
              + ", the last one never written) at byte "
              + cutAt
              + " of "
              + file.getFileName()
              + "; its source delivers it again whole");
      rescanTo(segment, cutAt);
    }
    if (cutAt < size) {
      if (validEnd < size) {
        tornTail =
            new ThlCorruptionException(
                file,
                validEnd,
                segment.lastHeader == null
                    ? base
                    : segment.lastHeader.lastFrag()
                        ? segment.lastHeader.lastSeqno() + 1
                        : segment.lastHeader.seqno(),
                "the last "
                    + (size - validEnd)
                    + " bytes are a damaged or incomplete record (a torn tail: the service cuts it"
                    + " when it opens the log, and the transaction is fetched again)");
        note(
            "cut a torn tail of "
                + (size - validEnd)
                + " bytes at byte "
                + validEnd
                + " of "
                + file.getFileName());
      }
      if (writable) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(cutAt);
          ch.force(true);
        }
      }
    }
    segment.length = cutAt;
    return segment;
  }

  /**
   * Checks a sealed segment's header and every record's checksum and seqno order, on a copy of its
   * summary (the live segment is not touched); throws the first damage.
   */
  void verifySealed(Segment sealed) throws IOException {
    try (FileChannel ch = FileChannel.open(sealed.file, StandardOpenOption.READ)) {
      SegmentFormat.readHeader(sealed.file, ch);
    }
    scan(
        new Segment(sealed.file, sealed.baseSeqno, settings.indexIntervalBytes()),
        sealed.length,
        false);
  }

  /** Re-reads a segment up to an offset, to recompute its summary after a cut. */
  private void rescanTo(Segment segment, long end) throws IOException {
    Segment fresh = new Segment(segment.file, segment.baseSeqno, settings.indexIntervalBytes());
    scan(fresh, end, false);
    segment.lastSeqno = fresh.lastSeqno;
    segment.lastCommitMicros = fresh.lastCommitMicros;
    segment.lastHeader = fresh.lastHeader;
    segment.index.truncate(end);
  }

  /**
   * Reads every record of a segment up to {@code size}, checking checksums and seqno order, and
   * fills in the segment's summary and index. Returns where the valid records end. With {@code
   * tailRules}, damage at the very end is a torn tail; otherwise all damage is corruption.
   */
  private long scan(Segment segment, long size, boolean tailRules) throws IOException {
    try (FileChannel ch = FileChannel.open(segment.file, StandardOpenOption.READ)) {
      RecordScanner scanner = new RecordScanner(segment.file, ch, SegmentFormat.HEADER_BYTES);
      // A transaction never spans segments: each segment starts with fragment 0 of its base.
      SeqnoOrder order = new SeqnoOrder(segment.file, null, segment.baseSeqno);
      while (true) {
        long at = scanner.offset();
        RecordScanner.Status status = scanner.next(size);
        switch (status) {
          case END:
            return at;
          case INCOMPLETE:
            if (tailRules && !scanner.validRecordAfter(at, size)) {
              return at;
            }
            if (tailRules) {
              throw new ThlCorruptionException(
                  segment.file,
                  at,
                  order.expected(),
                  (scanner.problem() != null
                          ? scanner.problem()
                          : "a record's length runs past the end")
                      + ", yet complete records follow, so it is not a torn tail");
            }
            throw new ThlCorruptionException(
                segment.file, at, order.expected(), "the file ends inside a record");
          case CORRUPT:
            long end = scanner.corruptEnd();
            boolean tornTail =
                end < 0
                    ? !scanner.validRecordAfter(at, size)
                    : end == size || scanner.allZero(end, size);
            if (tailRules && tornTail) {
              return at;
            }
            throw new ThlCorruptionException(
                segment.file,
                at,
                order.expected(),
                scanner.problem()
                    + (tailRules
                        ? ", and valid-looking data follows, so it is not a torn tail"
                        : ""));
          case RECORD:
            RecordHeader h = scanner.header();
            order.check(at, h);
            if (h.fragno() == 0) {
              segment.index.offer(h.seqno(), at);
              segment.openTransactionStart = at;
            }
            segment.lastSeqno = h.lastSeqno();
            segment.lastCommitMicros = h.sourceCommitMicros();
            segment.lastHeader = h;
            scanner.advance();
            break;
          default:
            throw new IllegalStateException("unknown scan status " + status);
        }
      }
    }
  }

  private void note(String text) {
    notes.add(text);
    if (writable) {
      LOG.warn("THL recovery in {}: {}", settings.dir(), text);
    }
  }
}
