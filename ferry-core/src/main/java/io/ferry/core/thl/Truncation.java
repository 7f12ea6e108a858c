package io.ferry.core.thl;

import io.ferry.core.codec.RecordHeader;
import io.ferry.core.event.Checkpoint;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the newest records off a log (purging from the tail). The plan is made from the files alone,
 * without opening the log, so that a log damaged after the cut point can be repaired: only the
 * records it keeps must be sound; what it cuts (a damaged record, a damaged header of a newer
 * segment) is never read.
 */
public final class Truncation {
  private Truncation() {}

  /**
   * What a cut after a seqno does.
   *
   * @param dir the log directory
   * @param keepUpTo the last seqno kept (-1: nothing)
   * @param holder the segment file that keeps the last records, or null if none stays
   * @param cutAt the byte where the holder is cut (its size if nothing of it goes)
   * @param holderSize the holder's size now
   * @param lastKept the last seqno the log holds after the cut, or -1
   * @param doomed the newer segment files deleted whole
   * @param damageCut a sentence about damaged bytes the cut removes, or null
   */
  public record Plan(
      Path dir,
      long keepUpTo,
      Path holder,
      long cutAt,
      long holderSize,
      long lastKept,
      List<Path> doomed,
      String damageCut) {
    /** Whether the cut changes nothing. */
    public boolean isEmpty() {
      return doomed.isEmpty() && (holder == null || cutAt >= holderSize);
    }

    /** What the cut does, in a sentence. */
    public String describe() {
      List<String> parts = new ArrayList<>();
      if (holder != null && cutAt < holderSize) {
        parts.add(
            "cut "
                + holder.getFileName()
                + " at byte "
                + cutAt
                + " ("
                + (holderSize - cutAt)
                + " bytes)");
      }
      if (!doomed.isEmpty()) {
        parts.add(
            "delete "
                + doomed.size()
                + " newer segment file"
                + (doomed.size() == 1 ? "" : "s")
                + " ("
                + doomed.get(0).getFileName()
                + (doomed.size() > 1 ? " to " + doomed.get(doomed.size() - 1).getFileName() : "")
                + ")");
      }
      String kept =
          lastKept < 0 ? "the log is then empty" : "the log then ends at seqno " + lastKept;
      return String.join(" and ", parts)
          + "; "
          + kept
          + (damageCut != null ? ". " + damageCut : "");
    }
  }

  /**
   * Plans a cut that keeps every record up to {@code seqno} (-1: none). Throws a {@link
   * ThlCorruptionException} if a record or header it would keep is damaged (the message names the
   * cut that works).
   */
  public static Plan plan(Path dir, long seqno) throws IOException {
    List<Path> files = Recovery.segmentFiles(dir);
    List<Path> doomed = new ArrayList<>();
    Path holder = null;
    for (Path f : files) {
      if (base(f) > seqno) {
        doomed.add(f);
      } else {
        holder = f;
      }
    }
    if (holder == null) {
      return new Plan(dir, seqno, null, 0, 0, -1, doomed, null);
    }
    long size = Files.size(holder);
    long base = base(holder);
    try (FileChannel ch = FileChannel.open(holder, StandardOpenOption.READ)) {
      try {
        SegmentFormat.readHeader(holder, ch);
      } catch (ThlCorruptionException e) {
        throw new ThlCorruptionException(
            holder, e.offset(), base, "its segment header is damaged: " + e.problem());
      }
      RecordScanner scanner = new RecordScanner(holder, ch, SegmentFormat.HEADER_BYTES);
      RecordHeader lastGood = null;
      while (true) {
        long at = scanner.offset();
        RecordScanner.Status status = scanner.next(size);
        if (status == RecordScanner.Status.END) {
          return new Plan(dir, seqno, holder, at, size, lastSeqno(lastGood, base), doomed, null);
        }
        if (status == RecordScanner.Status.RECORD) {
          RecordHeader h = scanner.header();
          if (h.lastSeqno() > seqno) {
            return new Plan(dir, seqno, holder, at, size, lastSeqno(lastGood, base), doomed, null);
          }
          lastGood = h;
          scanner.advance();
          continue;
        }
        String problem = scanner.problem() != null ? scanner.problem() : "a truncated record";
        if (lastGood != null && lastGood.lastFrag() && lastGood.lastSeqno() == seqno) {
          // The damage is in what the cut removes.
          return new Plan(
              dir,
              seqno,
              holder,
              at,
              size,
              seqno,
              doomed,
              "The damaged record at byte " + at + " (" + problem + ") goes with it.");
        }
        long expected =
            lastGood == null
                ? base
                : lastGood.lastFrag() ? lastGood.lastSeqno() + 1 : lastGood.seqno();
        throw new ThlCorruptionException(holder, at, expected, problem);
      }
    }
  }

  private static long lastSeqno(RecordHeader lastGood, long base) {
    return lastGood == null ? base - 1 : lastGood.lastSeqno();
  }

  private static long base(Path file) {
    return SegmentFormat.baseOf(file.getFileName().toString());
  }

  /** Carries out a plan: cuts the holder, deletes the newer segments and stale indexes. */
  static void execute(Plan plan) throws IOException {
    if (plan.holder() != null && plan.cutAt() < plan.holderSize()) {
      try (FileChannel ch = FileChannel.open(plan.holder(), StandardOpenOption.WRITE)) {
        ch.truncate(plan.cutAt());
        ch.force(true);
      }
    }
    if (plan.holder() != null && !plan.isEmpty()) {
      // It becomes the newest segment again: no index, scanned at open.
      Files.deleteIfExists(indexOf(plan.holder()));
    }
    for (int i = plan.doomed().size() - 1; i >= 0; i--) {
      Files.deleteIfExists(indexOf(plan.doomed().get(i)));
      Files.deleteIfExists(plan.doomed().get(i));
    }
    SegmentFormat.syncDirectory(plan.dir());
  }

  private static Path indexOf(Path segmentFile) {
    return segmentFile.resolveSibling(SegmentFormat.indexName(base(segmentFile)));
  }

  /**
   * Cuts a log that is closed or opened without a writer (the caller holds the directory's lock):
   * plans, executes, and reloads the log's segments.
   */
  static void truncateAfter(Thl thl, long seqno) throws IOException {
    execute(plan(thl.dir(), seqno));
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
                    ? Checkpoint.NONE
                    : Thl.checkpoint(reloaded.lastHeader())));
  }

  /**
   * Cuts the log in {@code dir}, even if it is damaged after the cut, holding its lock meanwhile
   * (it fails if a service writes to it); returns the plan carried out. Open the log afterwards to
   * see what it holds.
   */
  public static Plan truncateClosedLog(Path dir, long seqno) throws IOException {
    @SuppressWarnings("try") // held, not used: nobody writes to the log while it is cut
    Thl.RepairLock lock = Thl.lockForRepair(dir);
    try (lock) {
      Plan plan = plan(dir, seqno);
      execute(plan);
      return plan;
    }
  }
}
