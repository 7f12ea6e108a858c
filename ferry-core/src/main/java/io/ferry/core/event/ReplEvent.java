package io.ferry.core.event;

/**
 * What moves through a pipeline and the THL: a transaction (one fragment of a source transaction),
 * or a gap recording seqnos that a filter dropped. Immutable.
 */
public sealed interface ReplEvent permits Transaction, Gap {
  /** The (first) seqno this event covers. */
  long seqno();

  /** The last seqno this event covers: the seqno itself for a transaction. */
  long lastSeqno();

  long epoch();

  /** Whether this event completes its transaction (the last fragment, or a gap). */
  boolean endsTransaction();

  /** The checkpoint an applier records once it has committed this event. */
  Checkpoint checkpoint();

  /** A rough size in memory, for bounding queues. */
  long estimatedBytes();
}
