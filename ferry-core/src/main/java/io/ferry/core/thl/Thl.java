package io.ferry.core.thl;

import io.ferry.core.codec.RecordHeader;
import io.ferry.core.event.Checkpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction history log: a directory of segment files holding replication events in seqno
 * order, durable, checksummed and indexed (docs/thl-format.md).
 *
 * <p>Opened for writing, it holds the directory's lock file (one writer per log, across processes),
 * recovers the newest segment, and hands out one {@link ThlWriter} and any number of tailing {@link
 * ThlReader}s, which see only records the writer has made durable. Opened read-only, it changes
 * nothing and reads what is there. Thread-safe.
 */
public final class Thl implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Thl.class);

  /**
   * The logs this process has open for writing, by real path. The lock file's lock belongs to the
   * process, and closing any channel to that file releases it, so a second open in the same JVM
   * must be refused before it touches the file.
   */
  private static final Map<Path, Path> OPEN_FOR_WRITING = new ConcurrentHashMap<>();

  private final ThlSettings settings;
  private final boolean writable;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Path registered;
  private final List<String> recoveryNotes;
  private final ThlCorruptionException tornTail;
  private final CopyOnWriteArrayList<Segment> segments;
  private final Map<String, LongSupplier> readerNeeds = new ConcurrentHashMap<>();
  private final Object tail = new Object();
  private volatile UUID logId;
  private volatile LogEnd end;
  private volatile boolean closed;
  private boolean closing;
  private ThlWriter writer;

  private Thl(
      ThlSettings settings,
      boolean writable,
      FileChannel lockChannel,
      FileLock lock,
      Path registered,
      Recovery.Result recovered) {
    this.settings = settings;
    this.registered = registered;
    this.writable = writable;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.recoveryNotes = recovered.notes();
    this.tornTail = recovered.tornTail();
    this.segments = new CopyOnWriteArrayList<>(recovered.segments());
    this.logId = recovered.logId();
    Segment newest = segments.isEmpty() ? null : segments.get(segments.size() - 1);
    RecordHeader last = recovered.lastHeader();
    this.end =
        newest == null
            ? LogEnd.EMPTY
            : new LogEnd(newest, newest.length, last == null ? Checkpoint.NONE : checkpoint(last));
  }

  static Checkpoint checkpoint(RecordHeader h) {
    return new Checkpoint(
        h.lastSeqno(),
        h.epoch(),
        h.fragno(),
        h.lastFrag(),
        h.nativePosition(),
        h.sourceCommitMicros());
  }

  /**
   * Opens a log for writing, creating its directory if needed. Fails if another process writes to
   * it. Recovery cuts a torn tail and an incomplete last transaction; see {@link #recoveryNotes()}.
   */
  public static Thl open(ThlSettings settings) {
    Path dir = settings.dir();
    FileChannel channel = null;
    Path key = null;
    try {
      Files.createDirectories(dir, SegmentFormat.ownerOnly(true));
      Path real = dir.toRealPath();
      if (OPEN_FOR_WRITING.putIfAbsent(real, dir) != null) {
        throw new ThlException(
            "the THL in "
                + dir
                + " is in use by another service of this replicator (as "
                + OPEN_FOR_WRITING.get(real)
                + "); one log has one writer: give each service its own thl.dir");
      }
      key = real;
      channel = openLockFile(dir);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new ThlException(
            "the THL in "
                + dir
                + " is in use by another writer"
                + holder(dir)
                + "; one log has one writer: stop the service that uses it first");
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
      Recovery.Result recovered = new Recovery(settings, true).run();
      if (settings.fsync().mode() == FsyncPolicy.Mode.OFF) {
        LOG.warn(
            "THL {} opened with fsync OFF: a crash of this machine can lose or tear the newest"
                + " transactions. Use this only for tests and throw-away logs.",
            dir);
      }
      return new Thl(settings, true, channel, lock, key, recovered);
    } catch (IOException e) {
      closeQuietly(channel);
      unregister(key);
      throw new ThlException("cannot open the THL in " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      unregister(key);
      throw e;
    }
  }

  private static FileChannel openLockFile(Path dir) throws IOException {
    return FileChannel.open(
        dir.resolve(SegmentFormat.LOCK_FILE),
        java.util.Set.of(
            StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ),
        SegmentFormat.ownerOnly(false));
  }

  private static void unregister(Path key) {
    if (key != null) {
      OPEN_FOR_WRITING.remove(key);
    }
  }

  /** Opens a log to read only: nothing is written, locked or repaired. */
  public static Thl openReadOnly(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ThlException("there is no THL directory " + dir);
    }
    ThlSettings settings = ThlSettings.defaults(dir);
    try {
      return new Thl(settings, false, null, null, null, new Recovery(settings, false).run());
    } catch (IOException e) {
      throw new ThlException("cannot read the THL in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Takes the log's lock (as a writer would) without opening the log, for a repair that must work
   * on a log the writer cannot open: nobody can start writing to it until the returned handle is
   * closed. Fails if a writer holds it.
   */
  public static RepairLock lockForRepair(Path dir) {
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      throw new ThlException("cannot find the THL in " + dir + ": " + e.getMessage(), e);
    }
    if (OPEN_FOR_WRITING.putIfAbsent(real, dir) != null) {
      throw new ThlException(
          "the THL in " + dir + " is in use by a service of this process: take it offline first");
    }
    FileChannel channel = null;
    try {
      channel = openLockFile(dir);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new ThlException(
            "the THL in "
                + dir
                + " is in use by another writer"
                + holder(dir)
                + ": stop the service that uses it first");
      }
      FileChannel held = channel;
      return () -> {
        try {
          lock.release();
          held.close();
        } catch (IOException e) {
          LOG.warn("cannot release the lock of THL {}: {}", dir, e.getMessage());
        } finally {
          OPEN_FOR_WRITING.remove(real);
        }
      };
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      OPEN_FOR_WRITING.remove(real);
      if (e instanceof ThlException te) {
        throw te;
      }
      throw new ThlException("cannot lock the THL in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The lock of a log under repair; closing it releases the lock. */
  public interface RepairLock extends AutoCloseable {
    @Override
    void close();
  }

  /** Whether a process writes to the log in {@code dir} right now (it holds the lock). */
  public static boolean inUse(Path dir) {
    Path lockFile = dir.resolve(SegmentFormat.LOCK_FILE);
    if (!Files.exists(lockFile)) {
      return false;
    }
    try {
      if (OPEN_FOR_WRITING.containsKey(dir.toRealPath())) {
        return true; // probing would open and close the lock file: that drops this process's lock
      }
    } catch (IOException e) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      try (FileLock probe = ch.tryLock()) {
        return probe == null;
      } catch (OverlappingFileLockException e) {
        return true;
      }
    } catch (IOException e) {
      return true;
    }
  }

  /** " (process N)" from the lock file, or empty. */
  static String holder(Path dir) {
    try {
      String pid =
          Files.readString(dir.resolve(SegmentFormat.LOCK_FILE), StandardCharsets.US_ASCII).trim();
      return pid.isEmpty() ? "" : " (process " + pid + ")";
    } catch (IOException e) {
      return "";
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // already failing; the first error is the one to report
      }
    }
  }

  public ThlSettings settings() {
    return settings;
  }

  public Path dir() {
    return settings.dir();
  }

  public boolean isWritable() {
    return writable;
  }

  /** What recovery did when the log was opened (cut a torn tail, rebuilt an index...). */
  public List<String> recoveryNotes() {
    return recoveryNotes;
  }

  /**
   * The damaged or incomplete last record that opening found (cut when opened for writing, only
   * noted when opened read-only), or null.
   */
  public ThlCorruptionException tornTail() {
    return tornTail;
  }

  /** The log's one writer. */
  public synchronized ThlWriter writer() {
    checkOpen();
    if (!writable) {
      throw new ThlException("the THL in " + dir() + " is open read-only");
    }
    if (closing) {
      throw new ThlException("the THL in " + dir() + " is closing");
    }
    if (writer == null) {
      writer = new ThlWriter(this);
    }
    return writer;
  }

  /** A reader that starts at {@code seqno} (the first record covering it) and tails the log. */
  public ThlReader reader(long seqno) {
    checkOpen();
    return new ThlReader(this, seqno, -1);
  }

  /** A reader that starts right after a checkpoint (the next fragment, or the next seqno). */
  public ThlReader readerAfter(Checkpoint checkpoint) {
    checkOpen();
    if (checkpoint.isNone()) {
      return new ThlReader(this, firstSeqno().orElse(0), -1);
    }
    return checkpoint.lastFrag()
        ? new ThlReader(this, checkpoint.seqno() + 1, -1)
        : new ThlReader(this, checkpoint.seqno(), checkpoint.fragno());
  }

  /** The first seqno in the log, if it holds any record. */
  public OptionalLong firstSeqno() {
    for (Segment s : segments) {
      if (!s.isEmpty()) {
        return OptionalLong.of(s.baseSeqno);
      }
    }
    return OptionalLong.empty();
  }

  /** The last durable seqno, if any. */
  public OptionalLong lastSeqno() {
    Checkpoint c = end.checkpoint();
    return c.isNone() ? OptionalLong.empty() : OptionalLong.of(c.seqno());
  }

  /** The checkpoint of the last durable record, or {@link Checkpoint#NONE}. */
  public Checkpoint lastCheckpoint() {
    return end.checkpoint();
  }

  public List<SegmentInfo> segments() {
    List<SegmentInfo> result = new ArrayList<>();
    for (Segment s : segments) {
      result.add(s.info());
    }
    return result;
  }

  public long totalBytes() {
    long total = 0;
    for (Segment s : segments) {
      total += s.length;
    }
    return total;
  }

  /** The id shared by all segments of this log (null while it has none). */
  public UUID logId() {
    return logId;
  }

  // ------------------------------------------------------------------ readers' needs

  /**
   * Registers a reader that still needs records from a seqno on (the supplier is asked at each
   * purge). Retention and purges never delete a segment holding a needed record. Close the returned
   * handle when the reader is gone.
   */
  public AutoCloseable registerReader(String name, LongSupplier neededFromSeqno) {
    if (readerNeeds.putIfAbsent(name, neededFromSeqno) != null) {
      throw new ThlException("a reader named '" + name + "' is registered already");
    }
    return () -> readerNeeds.remove(name);
  }

  /** The lowest seqno any registered reader needs, or Long.MAX_VALUE. */
  long lowestNeeded() {
    long lowest = Long.MAX_VALUE;
    for (LongSupplier need : readerNeeds.values()) {
      lowest = Math.min(lowest, need.getAsLong());
    }
    return lowest;
  }

  public Map<String, Long> readerPositions() {
    Map<String, Long> result = new java.util.TreeMap<>();
    readerNeeds.forEach((name, need) -> result.put(name, need.getAsLong()));
    return result;
  }

  // ------------------------------------------------------------------ purge and retention

  /**
   * Deletes whole segments from the head whose records are all below {@code seqno}, never the
   * newest segment and never one a registered reader needs. Returns the deleted files.
   */
  public synchronized List<Path> purgeBefore(long seqno) {
    requireWritable("purge");
    long lowestNeeded = lowestNeeded();
    List<Segment> doomed = new ArrayList<>();
    for (int i = 0; i < segments.size() - 1; i++) {
      Segment s = segments.get(i);
      if (s.lastSeqno >= seqno) {
        break;
      }
      if (s.lastSeqno >= lowestNeeded) {
        throw new ThlException(
            "refusing to purge before seqno "
                + seqno
                + ": "
                + s.file.getFileName()
                + " (seqnos "
                + s.baseSeqno
                + " to "
                + s.lastSeqno
                + ") holds records a registered reader still needs, from seqno "
                + lowestNeeded
                + " (readers: "
                + readerPositions()
                + "); nothing was purged");
      }
      doomed.add(s);
    }
    List<Path> deleted = new ArrayList<>();
    for (Segment s : doomed) {
      deleteHead(s);
      deleted.add(s.file);
    }
    syncDir();
    return deleted;
  }

  /**
   * Applies the retention settings: deletes sealed segments from the head while they are older than
   * the retention age or the log is larger than the retention size, stopping at the first segment a
   * registered reader needs. Returns the deleted files.
   */
  public synchronized List<Path> applyRetention() {
    requireWritable("apply retention to");
    long lowestNeeded = lowestNeeded();
    Instant now = settings.clock().instant();
    List<Path> deleted = new ArrayList<>();
    while (segments.size() > 1) {
      Segment head = segments.get(0);
      if (head.lastSeqno >= lowestNeeded) {
        break;
      }
      boolean tooOld = settings.retentionAge() != null && isOlder(head, now);
      boolean tooBig = settings.retentionBytes() > 0 && totalBytes() > settings.retentionBytes();
      if (!tooOld && !tooBig) {
        break;
      }
      deleteHead(head);
      deleted.add(head.file);
    }
    if (!deleted.isEmpty()) {
      syncDir();
      LOG.info("THL {}: retention removed {} segments", dir(), deleted.size());
    }
    return deleted;
  }

  private boolean isOlder(Segment segment, Instant now) {
    try {
      Instant modified = Files.getLastModifiedTime(segment.file).toInstant();
      return modified.plus(settings.retentionAge()).isBefore(now);
    } catch (IOException e) {
      return false;
    }
  }

  private void deleteHead(Segment head) {
    try {
      Files.deleteIfExists(head.indexFile());
      Files.deleteIfExists(head.file);
    } catch (IOException e) {
      throw new ThlException("cannot delete " + head.file + ": " + e.getMessage(), e);
    }
    segments.remove(head);
  }

  /**
   * Deletes every record after {@code seqno} (from the tail): the newest records go, the older
   * stay. Only without a writer in this process (a service must be offline). A seqno below the
   * first removes everything.
   */
  public synchronized void truncateAfter(long seqno) {
    requireWritable("truncate");
    if (writer != null) {
      throw new ThlException("cannot truncate the THL in " + dir() + " while its writer is open");
    }
    try {
      Truncation.truncateAfter(this, seqno);
    } catch (IOException e) {
      throw new ThlException("cannot truncate the THL in " + dir() + ": " + e.getMessage(), e);
    }
  }

  private void requireWritable(String what) {
    checkOpen();
    if (!writable) {
      throw new ThlException("cannot " + what + " the THL in " + dir() + ": it is open read-only");
    }
  }

  private void syncDir() {
    try {
      SegmentFormat.syncDirectory(dir());
    } catch (NoSuchFileException e) {
      // the directory itself is gone: nothing to sync
    } catch (IOException e) {
      throw new ThlException("cannot sync directory " + dir() + ": " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ for writer and readers

  List<Segment> segmentList() {
    return segments;
  }

  void addSegment(Segment segment, UUID id) {
    if (logId == null) {
      logId = id;
    }
    segments.add(segment);
  }

  void replaceSegments(List<Segment> kept) {
    segments.clear();
    segments.addAll(kept);
  }

  LogEnd end() {
    return end;
  }

  /** Makes records up to a new end readable, and wakes the readers. */
  void publish(LogEnd newEnd) {
    synchronized (tail) {
      end = newEnd;
      tail.notifyAll();
    }
  }

  /** Waits until the end moves past {@code seen}, the log closes, or the time is up. */
  void awaitAdvance(LogEnd seen, long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (tail) {
      while (end.equals(seen) && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        tail.wait(left / 1_000_000, (int) (left % 1_000_000));
      }
    }
  }

  /** The segment that holds (or would hold) a seqno: the last one whose base is at or below it. */
  Segment segmentFor(long seqno) {
    Segment found = null;
    for (Segment s : segments) {
      if (s.baseSeqno <= seqno) {
        found = s;
      } else {
        break;
      }
    }
    return found;
  }

  /** The segment after another, or null if it is the newest. */
  Segment segmentAfter(Segment segment) {
    for (Segment s : segments) {
      if (s.baseSeqno > segment.baseSeqno) {
        return s;
      }
    }
    return null;
  }

  boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new ThlException("the THL in " + dir() + " is closed");
    }
  }

  /**
   * Closes the writer (what it committed stays, what it did not is abandoned) and releases the
   * lock. The writer is closed before this log's monitor is taken (the writer's monitor comes
   * first: a rotation holds it while it applies retention, which takes this one).
   */
  @Override
  public void close() {
    ThlWriter w;
    synchronized (this) {
      if (closed) {
        return;
      }
      closing = true;
      w = writer;
    }
    try {
      if (w != null) {
        w.close();
      }
    } finally {
      closeLog();
    }
  }

  private synchronized void closeLog() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (tail) {
      tail.notifyAll();
    }
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      LOG.warn("cannot release the lock of THL {}: {}", dir(), e.getMessage());
    } finally {
      unregister(registered);
    }
  }
}
