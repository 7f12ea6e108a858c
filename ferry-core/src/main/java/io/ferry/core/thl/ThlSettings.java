package io.ferry.core.thl;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * How a log behaves. Immutable; {@code with...} methods return changed copies.
 *
 * @param dir the log's directory
 * @param segmentBytes a segment is sealed once it reaches this size (a transaction never spans
 *     segments, so a segment may exceed it by one transaction)
 * @param fragmentBytes a transaction fragment whose estimated size exceeds this is split into
 *     several records
 * @param fsync when records are forced to disk
 * @param indexIntervalBytes the sparse index has an entry about every this many bytes
 * @param retentionAge sealed segments older than this may be purged (null: keep by age forever)
 * @param retentionBytes purge the oldest sealed segments while the log exceeds this (0: no limit)
 * @param clock the time source
 * @param files how the writer opens segment files ({@link ThlFiles#DEFAULT}; tests inject failures)
 */
public record ThlSettings(
    Path dir,
    long segmentBytes,
    long fragmentBytes,
    FsyncPolicy fsync,
    int indexIntervalBytes,
    Duration retentionAge,
    long retentionBytes,
    Clock clock,
    ThlFiles files) {

  public static final long DEFAULT_SEGMENT_BYTES = 128L << 20;
  public static final long DEFAULT_FRAGMENT_BYTES = 1L << 20;

  public ThlSettings {
    if (dir == null) {
      throw new IllegalArgumentException("a THL needs a directory");
    }
    if (segmentBytes < 4096) {
      throw new IllegalArgumentException("segment size must be at least 4096 bytes");
    }
    if (fragmentBytes < 1024) {
      throw new IllegalArgumentException("fragment size must be at least 1024 bytes");
    }
    if (indexIntervalBytes < 512) {
      throw new IllegalArgumentException("index interval must be at least 512 bytes");
    }
    if (files == null) {
      throw new IllegalArgumentException("a THL needs a way to open its files");
    }
    if (retentionBytes < 0) {
      throw new IllegalArgumentException("retention size cannot be negative");
    }
  }

  /** Defaults: 128 MiB segments, 1 MiB fragments, fsync at every commit, 7 days retention. */
  public static ThlSettings defaults(Path dir) {
    return new ThlSettings(
        dir,
        DEFAULT_SEGMENT_BYTES,
        DEFAULT_FRAGMENT_BYTES,
        FsyncPolicy.COMMIT,
        64 << 10,
        Duration.ofDays(7),
        0,
        Clock.systemUTC(),
        ThlFiles.DEFAULT);
  }

  public ThlSettings withSegmentBytes(long v) {
    return new ThlSettings(
        dir,
        v,
        fragmentBytes,
        fsync,
        indexIntervalBytes,
        retentionAge,
        retentionBytes,
        clock,
        files);
  }

  public ThlSettings withFragmentBytes(long v) {
    return new ThlSettings(
        dir,
        segmentBytes,
        v,
        fsync,
        indexIntervalBytes,
        retentionAge,
        retentionBytes,
        clock,
        files);
  }

  public ThlSettings withFsync(FsyncPolicy v) {
    return new ThlSettings(
        dir,
        segmentBytes,
        fragmentBytes,
        v,
        indexIntervalBytes,
        retentionAge,
        retentionBytes,
        clock,
        files);
  }

  public ThlSettings withIndexIntervalBytes(int v) {
    return new ThlSettings(
        dir, segmentBytes, fragmentBytes, fsync, v, retentionAge, retentionBytes, clock, files);
  }

  public ThlSettings withRetention(Duration age, long bytes) {
    return new ThlSettings(
        dir, segmentBytes, fragmentBytes, fsync, indexIntervalBytes, age, bytes, clock, files);
  }

  public ThlSettings withClock(Clock v) {
    return new ThlSettings(
        dir,
        segmentBytes,
        fragmentBytes,
        fsync,
        indexIntervalBytes,
        retentionAge,
        retentionBytes,
        v,
        files);
  }

  public ThlSettings withFiles(ThlFiles v) {
    return new ThlSettings(
        dir,
        segmentBytes,
        fragmentBytes,
        fsync,
        indexIntervalBytes,
        retentionAge,
        retentionBytes,
        clock,
        v);
  }
}
