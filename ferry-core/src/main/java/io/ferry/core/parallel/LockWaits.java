package io.ferry.core.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the key scheduler does after a channel waited for a row lock (or the database reported a
 * deadlock): under ordered commit the lock may be held by a later channel waiting for its turn, a
 * deadlock the database cannot see. The transactions that were open then run again one at a time
 * ({@link #serialThrough}); after {@code limit} lock waits in a row without progress the failure
 * becomes one that stops the service, naming the waiting channel and what the others held. Used by
 * the dispatcher thread; {@link #count} by any.
 */
final class LockWaits {
  private static final Logger LOG = LoggerFactory.getLogger(LockWaits.class);

  private final String service;
  private final int limit;
  private final AtomicLong count = new AtomicLong();
  private int inARow;
  private long committedAtLast = -1;
  private long serialThrough = -1;

  LockWaits(String service, int limit) {
    this.service = service;
    this.limit = limit;
  }

  /** Lock waits rolled back and run again. */
  long count() {
    return count.get();
  }

  /** Transactions up to this seqno run one at a time (they were open at a lock wait). */
  long serialThrough() {
    return serialThrough;
  }

  /**
   * A lock wait of channel {@code waiting}: what to throw to the stage (the failure itself, which
   * it retries, or one that stops the service).
   *
   * @param committed the highest committed seqno now
   * @param highestDispatched the highest seqno handed to a channel
   */
  RuntimeException failed(
      RuntimeException f,
      Channel waiting,
      Channel[] channels,
      long committed,
      long highestDispatched) {
    inARow = committed > committedAtLast ? 1 : inARow + 1;
    committedAtLast = committed;
    count.incrementAndGet();
    long open = -1;
    for (Channel c : channels) {
      open = Math.max(open, c.openTo());
    }
    serialThrough = Math.max(serialThrough, open >= 0 ? open : highestDispatched);
    String others = openBlocks(channels, waiting);
    if (inARow > limit) {
      return new ParallelApplyException(
          describe(waiting)
              + " waited for a row lock "
              + inARow
              + " times in a row without progress, while the transactions open on other"
              + " channels were: "
              + (others.isEmpty() ? "none" : others)
              + " (server said: "
              + rootMessage(f)
              + "). Look for locks the key sets do not show (triggers, gap locks, sessions"
              + " writing to the target), or apply this stretch with apply.scheduler = shard or"
              + " apply.channels = 1",
          f);
    }
    LOG.warn(
        "service {}: {} waited for a row lock while later transactions were open ({}); rolling"
            + " back and running seqnos up to {} one at a time: {}",
        service,
        describe(waiting),
        others.isEmpty() ? "none" : others,
        serialThrough,
        f.getMessage());
    return f;
  }

  private static String describe(Channel ch) {
    if (ch == null) {
      return "a channel";
    }
    String block = ch.openBlock();
    String tables = ch.openTables();
    return "channel "
        + ch.id
        + (block == null
            ? ""
            : " (" + block + (tables.isEmpty() ? "" : ", tables " + tables) + ")");
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  private static String openBlocks(Channel[] channels, Channel except) {
    List<String> open = new ArrayList<>();
    for (Channel ch : channels) {
      String b = ch.openBlock();
      if (ch != except && b != null) {
        String t = ch.openTables();
        open.add("channel " + ch.id + " " + b + (t.isEmpty() ? "" : " (" + t + ")"));
      }
    }
    return String.join(", ", open);
  }
}
