package io.ferry.core.thl;

import java.nio.file.Path;

/**
 * What a segment holds, for listings and tools.
 *
 * @param file the segment file
 * @param firstSeqno its first seqno (the base in its name)
 * @param lastSeqno its last seqno, or -1 if it holds no record yet
 * @param bytes its size in bytes (complete records and header)
 * @param sealed whether it is complete (only the newest segment is not)
 * @param lastCommitMicros source commit time of its last record
 */
public record SegmentInfo(
    Path file,
    long firstSeqno,
    long lastSeqno,
    long bytes,
    boolean sealed,
    long lastCommitMicros) {}
