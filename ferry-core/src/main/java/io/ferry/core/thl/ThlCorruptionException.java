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
  private final String problem;

  public ThlCorruptionException(Path file, long offset, long seqno, String problem) {
    super(
        "THL corruption in "
            + file
            + " at byte offset "
            + offset
            + (seqno >= 0 ? " (the record for seqno " + seqno + ")" : "")
            + ": "
            + problem
            + "."
            + repair(file, seqno));
    this.file = file;
    this.offset = offset;
    this.seqno = seqno;
    this.problem = problem;
  }

  /** The command that cuts the log right before the damaged record (or a generic hint). */
  static String repair(Path file, long seqno) {
    Path dir = file.toAbsolutePath().getParent();
    if (seqno < 0 || !file.getFileName().toString().endsWith(".seg")) {
      return " Ferry does not skip damaged records: restore the file from a replica or backup,"
          + " or cut the log before the damage (ferry thl purge --dir "
          + dir
          + " --after SEQNO --yes, SEQNO the last seqno to keep) and let the rest be fetched"
          + " again.";
    }
    long keep = seqno - 1;
    return " Ferry does not skip damaged records. With the service offline, cut the log before"
        + " the damage ("
        + (keep < 0 ? "it is emptied" : "it keeps seqnos up to " + keep)
        + "), and bring the service online: the rest is fetched again from its source or"
        + " master (a replica whose log is emptied asks its master where to start: online with"
        + " -from-seqno and the first seqno its target lacks). The command: ferry thl purge --dir "
        + dir
        + " --after "
        + keep
        + " --yes"
        + " (or restore the file from a replica or backup).";
  }

  /** What is wrong, without the place or the repair. */
  public String problem() {
    return problem;
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
