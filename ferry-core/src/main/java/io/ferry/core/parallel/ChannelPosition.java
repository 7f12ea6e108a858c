package io.ferry.core.parallel;

import io.ferry.core.event.Checkpoint;

/**
 * One channel's row in the catalog: the last transaction it committed and a transaction it was
 * applying outside a target transaction when it stopped (DDL, non-transactional tables), or -1.
 * Immutable.
 */
public record ChannelPosition(Checkpoint checkpoint, long inDoubtSeqno) {
  public long seqno() {
    return checkpoint.isNone() ? -1 : checkpoint.seqno();
  }
}
