package io.ferry.core.thl;

import java.util.Arrays;

/**
 * A segment's sparse seqno index: (seqno, byte offset) pairs of records that start a transaction,
 * about one per {@code intervalBytes}, in order. A seek finds the last entry at or below the wanted
 * seqno and scans forward from there. Thread-safe: the writer appends while readers look up.
 */
final class SegmentIndex {
  private long[] entries = new long[64];
  private int size;
  private long lastIndexedOffset = Long.MIN_VALUE;
  private final int intervalBytes;

  SegmentIndex(int intervalBytes) {
    this.intervalBytes = intervalBytes;
  }

  static SegmentIndex of(int intervalBytes, long[] pairs) {
    SegmentIndex index = new SegmentIndex(intervalBytes);
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      index.add(pairs[i], pairs[i + 1]);
    }
    return index;
  }

  /** Offers a transaction-start record; it is kept if far enough from the previous entry. */
  synchronized void offer(long seqno, long offset) {
    if (size == 0 || offset - lastIndexedOffset >= intervalBytes) {
      add(seqno, offset);
    }
  }

  private void add(long seqno, long offset) {
    if (size * 2 + 2 > entries.length) {
      entries = Arrays.copyOf(entries, entries.length * 2);
    }
    entries[size * 2] = seqno;
    entries[size * 2 + 1] = offset;
    size++;
    lastIndexedOffset = offset;
  }

  /** The offset of the last entry whose seqno is at or below {@code seqno}, or -1. */
  synchronized long floorOffset(long seqno) {
    int lo = 0;
    int hi = size - 1;
    long found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (entries[mid * 2] <= seqno) {
        found = entries[mid * 2 + 1];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drops entries at or after an offset (the segment was truncated there). */
  synchronized void truncate(long offset) {
    while (size > 0 && entries[size * 2 - 1] >= offset) {
      size--;
    }
    lastIndexedOffset = size == 0 ? Long.MIN_VALUE : entries[size * 2 - 1];
  }

  synchronized int size() {
    return size;
  }

  /** The (seqno, offset) pairs, flattened. */
  synchronized long[] pairs() {
    return Arrays.copyOf(entries, size * 2);
  }
}
