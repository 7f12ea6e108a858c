package io.ferry.mysql.origin;

import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import io.ferry.mysql.source.SourceException;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before the THL of a service that reads a binlog: names the origin of transactions the source
 * server did not write itself, and drops those its {@link RelayPolicy} does not relay. The source's
 * own server id is read once per run; a transaction with another server id was applied there by
 * Ferry under its origin's server id (target.log-origin), and its origin service is what that
 * applier recorded in its catalog ({@link OriginNames}), else the service's own name as before. The
 * header's source id stays the first server's. Filtered by one task thread; {@link #status} by any.
 */
public final class RelayFilter implements Filter {
  /** The filter's name in status and in the reason of the gaps it leaves. */
  public static final String NAME = "relay";

  private static final Logger LOG = LoggerFactory.getLogger(RelayFilter.class);
  private static final long REFRESH_MILLIS = 5000;

  /**
   * What the filter did since the service went online.
   *
   * @param policy the relay policy
   * @param sourceServerId the source's server id, or -1 before it was read
   * @param relayedForeign transactions of other origins passed on
   * @param droppedForeign transactions of other origins not relayed
   */
  public record Status(
      String policy, long sourceServerId, long relayedForeign, long droppedForeign) {}

  private final SourceSettings source;
  private final RelayPolicy policy;
  private final OriginNames names;
  private volatile long sourceServerId = -1;
  private final AtomicLong relayed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private boolean lookupFailed;
  private long decidedSeqno = -1;
  private boolean decidedDrop;
  private String decidedName;
  private final java.util.Set<Long> unnamed = new java.util.HashSet<>();

  public RelayFilter(SourceSettings source, RelayPolicy policy, Clock clock) {
    this.source = source;
    this.policy = policy;
    this.names = new OriginNames(this::lookup, clock, REFRESH_MILLIS);
  }

  @Override
  public String name() {
    return NAME;
  }

  public Status status() {
    return new Status(policy.text(), sourceServerId, relayed.get(), dropped.get());
  }

  @Override
  public Transaction filter(Transaction tx) {
    if (tx.heartbeat() != null) {
      return tx; // Ferry wrote it on the source for this very service
    }
    if (tx.fragno() > 0 && tx.seqno() == decidedSeqno) {
      // the later fragments of a transaction go the way its first went
      return decidedDrop ? null : named(tx, decidedName);
    }
    long serverId = OriginIds.serverId(tx.header().sourceId());
    decidedSeqno = tx.seqno();
    decidedDrop = false;
    decidedName = null;
    if (serverId < 0 || serverId == localServerId()) {
      return tx;
    }
    String service = names.of(serverId);
    decidedName = service;
    if (service == null
        && !policy.relays(serverId, sourceServerId, null)
        && unnamed.add(serverId)) {
      LOG.warn(
          "transactions of source server_id {} are not relayed: no Ferry applier on {} recorded"
              + " its origin's name (ferry_<service>.origins), and source.relay = {} lists names."
              + " List the server id in source.relay, or check the service that applies it there",
          serverId,
          source.address(),
          policy.text());
    }
    if (!policy.relays(serverId, sourceServerId, service)) {
      decidedDrop = true;
      if (tx.lastFrag()) {
        dropped.incrementAndGet();
      }
      return null;
    }
    if (tx.lastFrag()) {
      relayed.incrementAndGet();
    }
    return named(tx, service);
  }

  private static Transaction named(Transaction tx, String service) {
    return service == null || service.equals(tx.header().originService())
        ? tx
        : tx.withHeader(tx.header().withOriginService(service));
  }

  private long localServerId() {
    long id = sourceServerId;
    if (id < 0) {
      try (Connection c = SourceProbe.connect(source);
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT @@server_id")) {
        rs.next();
        id = rs.getLong(1);
        sourceServerId = id;
      } catch (SQLException e) {
        throw new SourceException(
            "cannot read @@server_id of the source at " + source.address() + ": " + e.getMessage(),
            true,
            e);
      }
    }
    return id;
  }

  /**
   * Every origin the appliers writing the source recorded: server id to service name (the latest
   * recorded wins where two catalogs disagree).
   */
  private Map<Long, String> lookup() {
    Map<Long, String> out = new HashMap<>();
    try (Connection c = SourceProbe.connect(source);
        Statement st = c.createStatement()) {
      List<String> schemas = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT TABLE_SCHEMA FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE"
                  + " 'ferry\\\\_%' AND TABLE_NAME = 'origins'")) {
        while (rs.next()) {
          schemas.add(rs.getString(1));
        }
      }
      Map<Long, java.sql.Timestamp> when = new HashMap<>();
      for (String schema : schemas) {
        try (ResultSet rs =
            st.executeQuery(
                "SELECT server_id, service, updated FROM `"
                    + schema.replace("`", "``")
                    + "`.origins")) {
          while (rs.next()) {
            long id = rs.getLong(1);
            java.sql.Timestamp at = rs.getTimestamp(3);
            java.sql.Timestamp before = when.get(id);
            if (before == null || (at != null && at.after(before))) {
              when.put(id, at);
              out.put(id, rs.getString(2));
            }
          }
        }
      }
      lookupFailed = false;
    } catch (SQLException | SourceException e) {
      if (!lookupFailed) {
        LOG.warn(
            "cannot read the origin names Ferry's appliers recorded on the source at {} ({});"
                + " transactions of other origins keep this service's name (the source account"
                + " needs SELECT on the ferry_* catalogs)",
            source.address(),
            e.getMessage());
      }
      lookupFailed = true;
    }
    return out;
  }
}
