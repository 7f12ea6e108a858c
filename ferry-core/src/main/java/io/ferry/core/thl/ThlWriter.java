package io.ferry.core.thl;

import io.ferry.core.codec.ByteWriter;
import io.ferry.core.codec.CodecException;
import io.ferry.core.codec.RecordCodec;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Fragments;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends events to the log. Events must come in seqno order: the next transaction's first fragment
 * after a complete transaction, or the next fragment of the open one. A fragment larger than the
 * fragment bound is written as several records. {@link #commit()} makes what was appended durable
 * according to the fsync policy and readable by readers; many transactions per commit is group
 * commit. Rotation to a new segment happens before a transaction starts, never inside one. One
 * writer per log; its methods are synchronized (an interval flusher shares it).
 *
 * <p>A failed write or fsync poisons the writer: after an fsync error the kernel may have marked
 * the unwritten pages clean, so a later fsync that succeeds proves nothing. Nothing past the last
 * successful fsync is published, and every later call fails with the first error; the stage fails
 * and the log must be opened again (recovery reads what the file really holds).
 *
 * <p>Lock order: this writer's monitor, then the {@link Thl}'s, then the log's tail monitor. {@link
 * Thl#close()} closes the writer before it takes its own monitor.
 */
public final class ThlWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ThlWriter.class);
  private static final int FLUSH_BYTES = 1 << 20;

  private final Thl thl;
  private final ThlSettings settings;
  private final RecordCodec codec = new RecordCodec();
  private final ByteWriter pending = new ByteWriter(FLUSH_BYTES + (64 << 10));
  private final Thread flusher;

  private Segment segment;
  private FileChannel channel;

  /** Bytes of the current segment already written to its file. */
  private long written;

  /** The checkpoint of the last record appended (maybe not yet durable). */
  private Checkpoint lastAppended;

  /** The incoming fragno of the last appended fragment, while its transaction is open. */
  private int incomingFragno = -1;

  /** The fragno the next record of the open transaction gets in the log. */
  private int nextFragno;

  /** End of what has been written to the file, not yet published (interval fsync). */
  private LogEnd writtenEnd;

  private boolean closed;

  /** The first write or fsync error; once set, the writer refuses everything. */
  private ThlException poisoned;

  ThlWriter(Thl thl) {
    this.thl = thl;
    this.settings = thl.settings();
    LogEnd end = thl.end();
    this.lastAppended = end.checkpoint();
    List<Segment> segments = thl.segmentList();
    if (!segments.isEmpty()) {
      segment = segments.get(segments.size() - 1);
      written = segment.length;
      channel = openForAppend(settings.files(), segment.file);
    }
    this.writtenEnd = end;
    if (settings.fsync().mode() == FsyncPolicy.Mode.INTERVAL) {
      flusher = new Thread(this::flushLoop, "thl-flusher-" + thl.dir().getFileName());
      flusher.setDaemon(true);
      flusher.start();
    } else {
      flusher = null;
    }
  }

  private static FileChannel openForAppend(ThlFiles files, Path file) {
    try {
      return files.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new ThlException("cannot open " + file + " for writing: " + e.getMessage(), e);
    }
  }

  /** The checkpoint of the last appended event (durable only after {@link #commit()}). */
  public synchronized Checkpoint lastAppended() {
    return lastAppended;
  }

  /** Appends an event. Throws if it is out of order; nothing is written then. */
  public synchronized void append(ReplEvent event) {
    checkOpen();
    checkOrder(event);
    boolean startsTransaction = lastAppended.lastFrag();
    if (startsTransaction) {
      prepareSegmentFor(event.seqno());
      nextFragno = 0;
    }
    int mark = pending.size();
    Checkpoint lastBefore = lastAppended;
    long segmentLastBefore = segment.lastSeqno;
    long commitBefore = segment.lastCommitMicros;
    int fragnoBefore = nextFragno;
    try {
      if (event instanceof Gap gap) {
        encode(gap, true);
        incomingFragno = -1;
      } else {
        Transaction tx = (Transaction) event;
        List<Transaction> pieces = Fragments.split(tx, settings.fragmentBytes());
        for (int i = 0; i < pieces.size(); i++) {
          boolean last = tx.lastFrag() && i == pieces.size() - 1;
          Transaction piece =
              pieces.get(i).withHeader(pieces.get(i).header().withFragment(nextFragno++, last));
          encode(piece, piece.fragno() == 0);
        }
        incomingFragno = tx.lastFrag() ? -1 : tx.fragno();
      }
    } catch (RuntimeException e) {
      // Nothing of a failed event stays: not in the buffer, the index or the summary.
      pending.truncateTo(mark);
      segment.index.truncate(written + mark);
      lastAppended = lastBefore;
      segment.lastSeqno = segmentLastBefore;
      segment.lastCommitMicros = commitBefore;
      nextFragno = fragnoBefore;
      throw e;
    }
    if (pending.size() >= FLUSH_BYTES) {
      try {
        writePending();
      } catch (IOException e) {
        throw poison("cannot write to " + segment.file + " at byte " + written, e);
      }
    }
  }

  /**
   * Records the writer's first I/O failure and returns it: from now on it refuses to write, commit
   * or publish (see the class comment).
   */
  private ThlException poison(String what, IOException e) {
    ThlException failure =
        new ThlException(
            what
                + ": "
                + e.getMessage()
                + ". The THL writer in "
                + thl.dir()
                + " stopped: records after seqno "
                + describe(thl.end().checkpoint())
                + " may not be on disk and were not passed on. Check the disk and the system log"
                + " (dmesg), then bring the service online again: reopening the log recovers what"
                + " the file holds.",
            e);
    if (poisoned == null) {
      poisoned = failure;
      LOG.error("{}", failure.getMessage());
      cutUnsynced();
    }
    notifyAll();
    return failure;
  }

  /**
   * Best effort: cuts what was written after the last successful fsync, so that reopening the log
   * does not find (in the page cache) records that may never reach the disk and hand them on.
   */
  private void cutUnsynced() {
    try {
      LogEnd durable = thl.end();
      if (channel != null && channel.isOpen()) {
        channel.truncate(
            durable.segment() == segment ? durable.offset() : SegmentFormat.HEADER_BYTES);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "THL {}: cannot cut the records after the last fsync: {}", thl.dir(), e.getMessage());
    }
  }

  private static String describe(Checkpoint c) {
    return c.isNone() ? "(none: the log is empty)" : Long.toString(c.seqno());
  }

  private void checkOrder(ReplEvent event) {
    Checkpoint last = lastAppended;
    String problem = null;
    if (last.lastFrag()) {
      boolean emptyLog = last.isNone();
      long expected = emptyLog ? expectedFirstSeqno() : last.seqno() + 1;
      if (expected >= 0 && event.seqno() != expected) {
        problem = "expected seqno " + expected + " next, got " + event.seqno();
      } else if (event.seqno() < 0) {
        problem = "negative seqno " + event.seqno();
      } else if (event instanceof Transaction tx && tx.fragno() != 0) {
        problem = "seqno " + tx.seqno() + " starts with fragment " + tx.fragno();
      }
    } else if (!(event instanceof Transaction tx)) {
      problem = "a gap while transaction " + last.seqno() + " is incomplete";
    } else if (tx.seqno() != last.seqno() || tx.fragno() != incomingFragno + 1) {
      problem =
          "expected fragment "
              + (incomingFragno + 1)
              + " of seqno "
              + last.seqno()
              + ", got seqno "
              + tx.seqno()
              + " fragment "
              + tx.fragno();
    }
    if (problem != null) {
      throw new ThlException("out-of-order append to the THL in " + thl.dir() + ": " + problem);
    }
  }

  /** An empty newest segment fixes the next seqno; a log without segments takes any. */
  private long expectedFirstSeqno() {
    return segment != null ? segment.baseSeqno : -1;
  }

  private void encode(ReplEvent event, boolean startsTransaction) {
    long offset = written + pending.size();
    try {
      codec.encode(event, pending);
    } catch (CodecException e) {
      throw new ThlException(
          "cannot write seqno "
              + event.seqno()
              + " to the THL in "
              + thl.dir()
              + ": "
              + e.getMessage(),
          e);
    }
    if (startsTransaction) {
      segment.index.offer(event.seqno(), offset);
    }
    lastAppended = event.checkpoint();
    segment.lastSeqno = event.lastSeqno();
    segment.lastCommitMicros = lastAppended.sourceCommitMicros();
  }

  private void prepareSegmentFor(long seqno) {
    try {
      if (segment == null) {
        createSegment(seqno);
      } else if (written + pending.size() >= settings.segmentBytes() && !segment.isEmpty()) {
        rotate(seqno);
      }
    } catch (IOException e) {
      throw poison("cannot start a new THL segment in " + thl.dir(), e);
    }
  }

  private void createSegment(long baseSeqno) throws IOException {
    UUID logId = thl.logId() != null ? thl.logId() : UUID.randomUUID();
    Path file = thl.dir().resolve(SegmentFormat.segmentName(baseSeqno));
    Instant now = settings.clock().instant();
    byte[] header =
        SegmentFormat.encodeHeader(
            baseSeqno, now.getEpochSecond() * 1_000_000 + now.getNano() / 1000, logId);
    java.nio.file.Files.createFile(file, SegmentFormat.ownerOnly(false));
    FileChannel ch = settings.files().open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      ByteBuffer buf = ByteBuffer.wrap(header);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    SegmentFormat.syncDirectory(thl.dir());
    Segment created = new Segment(file, baseSeqno, settings.indexIntervalBytes());
    thl.addSegment(created, logId);
    segment = created;
    channel = ch;
    written = SegmentFormat.HEADER_BYTES;
  }

  /** Seals the current segment (durable, indexed) and starts the next at {@code baseSeqno}. */
  private void rotate(long baseSeqno) throws IOException {
    writePending();
    channel.force(true);
    Segment old = segment;
    old.length = written;
    old.sealed = true;
    Recovery.writeIndex(old);
    channel.close();
    writtenEnd = new LogEnd(old, written, lastAppended);
    publish(writtenEnd);
    createSegment(baseSeqno);
    if (settings.retentionAge() != null || settings.retentionBytes() > 0) {
      try {
        thl.applyRetention();
      } catch (ThlException e) {
        LOG.warn("THL retention in {} failed: {}", thl.dir(), e.getMessage());
      }
    }
  }

  /**
   * Makes everything appended so far durable (per the fsync policy) and readable. Returns the
   * checkpoint of the last appended event.
   */
  public synchronized Checkpoint commit() {
    checkOpen();
    if (segment == null) {
      return lastAppended;
    }
    try {
      writePending();
      writtenEnd = new LogEnd(segment, written, lastAppended);
      switch (settings.fsync().mode()) {
        case COMMIT -> {
          channel.force(false);
          publish(writtenEnd);
        }
        case OFF -> publish(writtenEnd);
        case INTERVAL -> notifyAll(); // the flusher forces and publishes
      }
    } catch (IOException e) {
      throw poison("cannot write or fsync " + segment.file + " at byte " + written, e);
    }
    return lastAppended;
  }

  /**
   * Abandons everything appended since the log was last made durable (a commit, or the rotation to
   * a new segment, which seals the old one durably): the buffer, and what of it already reached the
   * file. Returns where the log now ends, the checkpoint the stage resumes from.
   */
  public synchronized Checkpoint rollback() {
    checkOpen();
    LogEnd durable = thl.end();
    writtenEnd = durable;
    pending.reset();
    if (segment == null) {
      return lastAppended;
    }
    try {
      if (durable.segment() == segment) {
        if (written > durable.offset()) {
          channel.truncate(durable.offset());
          written = durable.offset();
        }
      } else if (written > SegmentFormat.HEADER_BYTES) {
        // Rotated since the last commit: the new segment holds only uncommitted records.
        channel.truncate(SegmentFormat.HEADER_BYTES);
        written = SegmentFormat.HEADER_BYTES;
      }
    } catch (IOException e) {
      throw poison("cannot roll back uncommitted records in " + segment.file, e);
    }
    segment.length = written;
    segment.index.truncate(written);
    lastAppended = durable.checkpoint();
    if (durable.segment() == segment) {
      segment.lastSeqno = durable.checkpoint().isNone() ? -1 : durable.checkpoint().seqno();
    } else {
      segment.lastSeqno = -1;
    }
    incomingFragno = lastAppended.lastFrag() ? -1 : lastAppended.fragno();
    nextFragno = lastAppended.lastFrag() ? 0 : lastAppended.fragno() + 1;
    return lastAppended;
  }

  /** Waits until everything committed so far is durable (useful with interval fsync). */
  public synchronized void awaitDurable() throws InterruptedException {
    while (!thl.end().equals(writtenEnd) && !closed && poisoned == null) {
      notifyAll();
      wait(10);
    }
  }

  private void writePending() throws IOException {
    if (pending.size() == 0) {
      return;
    }
    ByteBuffer buf = ByteBuffer.wrap(pending.array(), 0, pending.size());
    long at = written;
    while (buf.hasRemaining()) {
      at += channel.write(buf, at);
    }
    written = at;
    segment.length = written;
    pending.reset();
    pending.shrink(FLUSH_BYTES + (64 << 10));
  }

  private void publish(LogEnd newEnd) {
    thl.publish(newEnd);
  }

  private void flushLoop() {
    long intervalNanos = settings.fsync().interval().toNanos();
    synchronized (this) {
      while (!closed) {
        try {
          TimeUnit.NANOSECONDS.timedWait(this, intervalNanos);
          if (!closed
              && poisoned == null
              && !writtenEnd.equals(thl.end())
              && writtenEnd.segment() == segment) {
            channel.force(false);
            publish(writtenEnd);
          }
        } catch (InterruptedException e) {
          return;
        } catch (IOException e) {
          poison("the interval fsync of " + segment.file + " failed", e);
        }
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new ThlException("the writer of the THL in " + thl.dir() + " is closed");
    }
    if (poisoned != null) {
      throw new ThlException(poisoned.getMessage(), poisoned);
    }
  }

  /**
   * Closes the file. What was committed stays and is made durable; what was appended since the last
   * commit is abandoned (cut from the file), as a crash would abandon it. A poisoned writer only
   * closes the file: nothing more is written or published.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      if (segment != null && poisoned == null) {
        pending.reset();
        long keep =
            writtenEnd.segment() == segment ? writtenEnd.offset() : SegmentFormat.HEADER_BYTES;
        if (written > keep) {
          channel.truncate(keep);
          written = keep;
          segment.length = keep;
          segment.index.truncate(keep);
        }
        channel.force(true);
        publish(writtenEnd);
      }
    } catch (IOException e) {
      throw poison("cannot close the THL writer in " + thl.dir(), e);
    } finally {
      closed = true;
      closeChannel();
      notifyAll();
    }
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.warn("THL {}: closing {} failed: {}", thl.dir(), segment.file, e.getMessage());
      }
    }
  }
}
