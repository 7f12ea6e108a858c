package io.ferry.mysql.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An applier's conflict handling across its connections: the resolver on the apply connection, the
 * exceptions table, and a second connection, logging to the binlog under the target's own server
 * id, for realignments and for conflicts that stop the service (their transaction is rolled back).
 * Realignments are read back from the exceptions table and sent after each commit that resolved
 * some; those that could not be sent, and those a stop left pending, are sent after the next
 * commit. Not thread-safe: one applier.
 */
final class ConflictSession {
  private static final Logger LOG = LoggerFactory.getLogger(ConflictSession.class);

  /** Opens a connection to the target. */
  interface Opener {
    Connection open() throws SQLException;
  }

  private final ConflictPolicy policy;
  private final ConflictLog log;
  private final String catalogSchema;
  private final Realigner realigner;
  private final Clock clock;
  private final Opener opener;
  private ConflictResolver resolver;
  private RowApplier rows;
  private Connection side;
  private final String service;
  private boolean sendPending;

  ConflictSession(
      ConflictPolicy policy,
      String catalogSchema,
      int taskId,
      String service,
      Clock clock,
      Opener opener) {
    this.policy = policy;
    this.log = new ConflictLog(catalogSchema, taskId);
    this.catalogSchema = catalogSchema;
    this.service = service;
    this.realigner = new Realigner(log, service, catalogSchema);
    this.clock = clock;
    this.opener = opener;
  }

  /**
   * A new apply connection: the exceptions table is installed, the rows applier told; this task's
   * realignments still pending (its last run stopped before sending them) go out after the next
   * commit.
   */
  void attach(Connection c, RowApplier applier) throws SQLException {
    log.install(c);
    resolver = new ConflictResolver(c, policy, log, clock, this::writeAlone);
    rows = applier;
    applier.detectConflicts(resolver);
    sendPending = true;
  }

  /** The block committed: its conflicts count, its realignments go out. */
  void committed() {
    if (resolver == null) {
      return;
    }
    boolean fresh = resolver.realignsQueued();
    resolver.committed();
    if (!fresh && !sendPending) {
      return;
    }
    try {
      Connection c = side();
      List<ConflictLog.PendingRealign> out = log.pending(c);
      c.commit();
      realigner.send(c, rows, out);
      policy.tally().realigned(out.size());
      sendPending = false;
    } catch (SQLException | RuntimeException e) {
      sendPending = true;
      closeSide();
      LOG.warn(
          "service {}: realignments of resolved conflicts could not be sent yet ({}); they stay"
              + " pending in {}.conflicts and are sent after the next commit",
          service,
          e.getMessage(),
          catalogSchema);
    }
  }

  void rolledBack() {
    if (resolver != null) {
      resolver.rolledBack();
    }
  }

  private void writeAlone(ConflictLog.Entry e) {
    try {
      Connection c = side();
      try (Statement st = c.createStatement()) {
        st.execute("SET SESSION sql_log_bin = 0");
      }
      log.write(c, e);
      c.commit();
      try (Statement st = c.createStatement()) {
        st.execute("SET SESSION sql_log_bin = 1");
      }
    } catch (SQLException ex) {
      closeSide();
      LOG.warn(
          "could not record the conflict on {}.{} (seqno {}) in the exceptions table: {}",
          e.schema(),
          e.table(),
          e.seqno(),
          ex.getMessage());
    }
  }

  private Connection side() throws SQLException {
    if (side == null) {
      Connection c = opener.open();
      try {
        c.setAutoCommit(false);
        new StatementApplier(c, null).initRowSession(true);
        Realigner.prepare(c);
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      side = c;
    }
    return side;
  }

  private void closeSide() {
    if (side != null) {
      try {
        side.close();
      } catch (SQLException e) {
        LOG.debug("closing the realignment connection: {}", e.getMessage());
      }
      side = null;
    }
  }

  void close() {
    closeSide();
    resolver = null;
  }
}
