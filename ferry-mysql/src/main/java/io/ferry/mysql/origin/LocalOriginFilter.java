package io.ferry.mysql.origin;

import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before the target of a service that applies ({@code apply.skip-local-origin}): a transaction
 * whose source id is the target's own server id was written by that very server, went round a
 * topology and came back; it is passed over like a filtered transaction (its seqno recorded as a
 * gap, so the position advances), counted, and logged once per run. Heartbeats always pass. Counts
 * the origins it lets through. The target's server id is read once per run, when the first
 * transaction arrives. Filtered by one task thread; {@link #status} by any.
 */
public final class LocalOriginFilter implements Filter {
  /** The filter's name in status and in the reason of the gaps it leaves. */
  public static final String NAME = "skip-local-origin";

  private static final Logger LOG = LoggerFactory.getLogger(LocalOriginFilter.class);

  /**
   * What the filter saw since the service went online.
   *
   * @param enabled whether transactions of the target's own origin are passed over
   * @param targetServerId the target's server id, or -1 before it was read
   * @param skippedLocalOrigin transactions passed over as the target's own
   * @param firstSkippedSeqno the first of them, or -1
   * @param applied transactions let through per origin, {@code service (server id N)}
   */
  public record Status(
      boolean enabled,
      long targetServerId,
      long skippedLocalOrigin,
      long firstSkippedSeqno,
      Map<String, Long> applied) {}

  private final boolean enabled;
  private final LongSupplier targetServerId;
  private volatile long serverId = -1;
  private final AtomicLong skipped = new AtomicLong();
  private volatile long firstSkipped = -1;
  private final Map<String, Long> applied = new TreeMap<>();

  /**
   * @param enabled whether to pass over the target's own transactions (else only counts origins)
   * @param targetServerId reads the target's {@code @@server_id}; may throw a retriable exception
   */
  public LocalOriginFilter(boolean enabled, LongSupplier targetServerId) {
    this.enabled = enabled;
    this.targetServerId = targetServerId;
  }

  @Override
  public String name() {
    return NAME;
  }

  public Status status() {
    synchronized (applied) {
      return new Status(
          enabled, serverId, skipped.get(), firstSkipped, Map.copyOf(new TreeMap<>(applied)));
    }
  }

  @Override
  public Transaction filter(Transaction tx) {
    long origin = OriginIds.serverId(tx.header().sourceId());
    if (tx.heartbeat() == null && enabled && origin >= 0 && origin == targetServerId()) {
      if (tx.lastFrag()) {
        if (skipped.incrementAndGet() == 1) {
          firstSkipped = tx.seqno();
          LOG.info(
              "seqno {} was written by the target itself (server_id {}, origin {}): passing over"
                  + " transactions of the target's own origin (apply.skip-local-origin); the"
                  + " status counts them",
              tx.seqno(),
              origin,
              tx.header().originService().isEmpty() ? "-" : tx.header().originService());
        }
      }
      return null;
    }
    if (tx.lastFrag() && tx.heartbeat() == null) {
      String key =
          (tx.header().originService().isEmpty() ? "-" : tx.header().originService())
              + (origin >= 0 ? " (server id " + origin + ")" : "");
      synchronized (applied) {
        applied.merge(key, 1L, Long::sum);
      }
    }
    return tx;
  }

  private long targetServerId() {
    long id = serverId;
    if (id < 0) {
      id = targetServerId.getAsLong();
      serverId = id;
    }
    return id;
  }
}
