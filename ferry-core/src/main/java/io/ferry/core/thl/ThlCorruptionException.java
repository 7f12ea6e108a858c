package io.ferry.core.thl;

import java.nio.file.Path;

/**
 * A log file holds bytes that are not what Ferry wrote: a checksum mismatch, a malformed record, a
 * seqno out of order. Never skipped: the exception names the file, the byte offset and the seqno
 * expected there.
 */
public class ThlCorruptionException extends ThlException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long offset;
  private final long seqno;

  public ThlCorruptionException(Path file, long offset, long seqno, String problem) {
    super(
        "THL corruption in "
            + file
            + " at byte offset "
            + offset
            + (seqno >= 0 ? " (the record for seqno " + seqno + ")" : "")
            + ": "
            + problem
            + ". Ferry does not skip damaged records: restore the file from a replica or"
            + " backup, or truncate the log before this point ('ferry thl purge --after SEQNO')"
            + " and let it be refetched.");
    this.file = file;
    this.offset = offset;
    this.seqno = seqno;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }

  /** The seqno expected at the offset, or -1 if unknown. */
  public long seqno() {
    return seqno;
  }
}
