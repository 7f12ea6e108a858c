package io.ferry.server.provision;

import io.ferry.core.event.ReplEvent;
import io.ferry.core.net.RemoteThlExtractor;
import io.ferry.core.net.ThlClientSettings;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.NativePosition;
import io.ferry.mysql.provision.ProvisionFloors;
import java.util.concurrent.TimeUnit;

/**
 * Where a slave starts after its target was filled from a snapshot of its master's source: the
 * first seqno of the master's THL whose source position is past the snapshot's. The master's log is
 * searched by halves, one short probing connection a step (about 20 for a million transactions). It
 * refuses when the log cannot show that nothing between the snapshot and that seqno is missing: the
 * log begins after the snapshot, or its positions are another server's.
 */
public final class MasterProbe {
  private static final long WAIT_MILLIS = 10_000;

  private final ThlClientSettings settings;
  private final BinlogPosition snapshot;

  public MasterProbe(ThlClientSettings settings, BinlogPosition snapshot) {
    this.settings = settings;
    this.snapshot = snapshot;
  }

  /** A record's seqnos (a gap covers several) with its source position. */
  private record Point(long seqno, long lastSeqno, BinlogPosition position) {}

  /** The seqno to start from. */
  public long firstAfterSnapshot() throws InterruptedException {
    long[] range = new long[2];
    Point first = probe(-1, range);
    long last = range[1];
    if (first == null) {
      throw new IllegalStateException(
          "the master's THL holds no transaction with a binlog position (first seqno "
              + range[0]
              + ", last "
              + last
              + "): bring the master online and let it extract, then bring this service online");
    }
    if (after(first.position)) {
      throw new IllegalStateException(
          "the master's THL begins at seqno "
              + first.seqno
              + ", at "
              + first.position.text()
              + ", after the snapshot the target was filled from ("
              + snapshot.text()
              + "): what the source committed in between is in neither. Take the snapshot again"
              + " (ferry provision --restart) while the master runs");
    }
    long lo = first.lastSeqno; // at or before the snapshot
    long hi = last + 1; // after it (or not yet extracted)
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      Point p = probe(mid - 1, null);
      if (p == null || p.seqno >= hi) {
        hi = mid; // no position from mid to hi: nothing there to pass over or to miss
      } else if (after(p.position)) {
        hi = p.seqno;
      } else {
        lo = p.lastSeqno;
      }
    }
    return hi;
  }

  private boolean after(BinlogPosition p) {
    String base = base(p.file());
    if (!base.equals(base(snapshot.file()))) {
      throw new IllegalStateException(
          "the master's THL has transactions from binlog "
              + p.file()
              + ", and the snapshot was taken at "
              + snapshot.text()
              + ": they are not the same server's positions. Take the snapshot from the"
              + " database the master service reads (ferry provision --source)");
    }
    return ProvisionFloors.compare(p, snapshot) > 0;
  }

  private static String base(String file) {
    int dot = file.lastIndexOf('.');
    return dot < 0 ? file : file.substring(0, dot);
  }

  /**
   * The first record after {@code seqno} (or at the log's start) that has a binlog position, among
   * the records the log holds now; null when there is none. {@code range}, when given, gets the
   * log's first and last seqnos.
   */
  private Point probe(long seqno, long[] range) throws InterruptedException {
    try (RemoteThlExtractor remote = new RemoteThlExtractor(settings)) {
      remote.seek(RemoteThlExtractor.probing(seqno));
      RemoteThlExtractor.Status s = remote.status();
      if (range != null) {
        range[0] = s.masterFirstSeqno();
        range[1] = s.masterLastSeqno();
      }
      long last = s.masterLastSeqno();
      long at = remote.acceptedFrom();
      while (at >= 0 && at <= last) {
        ReplEvent e = remote.next(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (e == null) {
          throw new IllegalStateException(
              "the master sent nothing for " + WAIT_MILLIS / 1000 + " s after seqno " + at);
        }
        NativePosition n = e.checkpoint().nativePosition();
        if (n instanceof BinlogPosition b) {
          return new Point(e.seqno(), e.lastSeqno(), b);
        }
        at = e.lastSeqno() + 1;
      }
      return null;
    }
  }
}
