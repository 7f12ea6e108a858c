package io.ferry.server.shard;

import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in filter that enforces the shard home map on a service: last before the shard tracker
 * on the stage that reads a source (master, direct) or applies a master's log (slave), after the
 * configured filters, so that it judges the shard they leave. It reads the replicator's map afresh
 * for every transaction (a {@code ferry shard set} applies at once) and acts as {@link
 * ShardPolicy#judge} and the service's settings say: a drop passes over the transaction like any
 * filter's (its seqno recorded as filtered), a warning is logged at most once per {@link
 * #WARN_EVERY_MILLIS} per kind (with how many were not logged), an error stops the service. Only a
 * transaction's last fragment is judged (its shard is final only then); a drop of a transaction of
 * several fragments stops the service instead. Not thread-safe: one stage task.
 */
public final class ShardHomeFilter implements Filter {
  private static final Logger LOG = LoggerFactory.getLogger(ShardHomeFilter.class);

  /** The least time between two warnings of one kind. */
  static final long WARN_EVERY_MILLIS = 10_000;

  /** The filter's name, in the reason recorded with the seqnos it drops. */
  public static final String NAME = "shard-homes";

  private final ShardPolicy.Side side;
  private final String service;
  private final ShardHomes homes;
  private final ShardPolicy.Actions actions;
  private final ShardViolations violations;
  private final Clock clock;
  private final Map<ShardPolicy.Kind, long[]> warned = new EnumMap<>(ShardPolicy.Kind.class);

  public ShardHomeFilter(
      ShardPolicy.Side side,
      String service,
      ShardHomes homes,
      ShardPolicy.Actions actions,
      ShardViolations violations,
      Clock clock) {
    this.side = side;
    this.service = service;
    this.homes = homes;
    this.actions = actions;
    this.violations = violations;
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Transaction filter(Transaction tx) {
    if (!tx.lastFrag()) {
      return tx; // the shard is final only at the last fragment
    }
    ShardPolicy.Verdict v =
        ShardPolicy.judge(
            side,
            service,
            homes.map(),
            actions,
            tx.header(),
            tx.heartbeat() != null || tx.checkMarker());
    if (v == null) {
      return tx;
    }
    violations.count(v.kind());
    switch (v.action()) {
      case WARN -> {
        warn(v, tx.seqno());
        return tx;
      }
      case DROP -> {
        if (tx.fragno() > 0) {
          throw new ShardHomeException(ShardPolicy.fragmentedMessage(v, service, tx.seqno()));
        }
        return null;
      }
      case ERROR -> throw new ShardHomeException(ShardPolicy.stopMessage(v, service, tx.seqno()));
      default -> {
        return tx;
      }
    }
  }

  private void warn(ShardPolicy.Verdict v, long seqno) {
    long now = clock.millis();
    long[] w = warned.computeIfAbsent(v.kind(), k -> new long[] {Long.MIN_VALUE, 0});
    if (w[0] != Long.MIN_VALUE && now - w[0] < WARN_EVERY_MILLIS) {
      w[1]++;
      return;
    }
    String more = w[1] == 0 ? "" : " (" + w[1] + " more not logged since the last warning)";
    w[0] = now;
    w[1] = 0;
    LOG.warn(
        "service {}: {}: transaction seqno {} in shard '{}', origin {}, home {}{}; passed on"
            + " ({} = warn)",
        service,
        v.kind().label(),
        seqno,
        v.shard(),
        v.origin().isEmpty() ? "unknown" : v.origin(),
        v.home() == null ? "none" : v.home(),
        more,
        v.kind().setting());
  }

  /** A violation that stops the service. */
  public static final class ShardHomeException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ShardHomeException(String message) {
      super("shard homes: " + message);
    }
  }
}
