package io.ferry.core.thl;

import io.ferry.core.event.Checkpoint;

/**
 * Where the readable part of the log ends: a segment, the byte offset after its last readable
 * record, and that record's checkpoint. Immutable; the log publishes a new one as it advances.
 */
record LogEnd(Segment segment, long offset, Checkpoint checkpoint) {
  static final LogEnd EMPTY = new LogEnd(null, 0, Checkpoint.NONE);
}
