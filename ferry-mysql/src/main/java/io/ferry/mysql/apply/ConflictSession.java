package io.ferry.mysql.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An applier's conflict handling across its connections: the resolver on the apply connection, the
 * exceptions table, and a second connection, logging to the binlog under the target's own server
 * id, for realignments and for conflicts that stop the service (their transaction is rolled back).
 * Realignments that could not be sent are sent after the next commit; any still pending in the
 * table at start (the service stopped between its commit and their sending) are counted as missed
 * and named in the log. Not thread-safe: one applier.
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
  private final List<ConflictResolver.Realign> unsent = new ArrayList<>();
  private ConflictResolver resolver;
  private RowApplier rows;
  private Connection side;
  private boolean checkedPending;

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
    this.realigner = new Realigner(log, service, catalogSchema);
    this.clock = clock;
    this.opener = opener;
  }

  /** A new apply connection: the exceptions table is installed, the rows applier told. */
  void attach(Connection c, RowApplier applier) throws SQLException {
    log.install(c);
    resolver = new ConflictResolver(c, policy, log, clock, this::writeAlone);
    rows = applier;
    applier.detectConflicts(resolver);
    unsent.clear();
    if (!checkedPending) {
      checkedPending = true;
      List<long[]> pending = log.pendingIds(c);
      if (!pending.isEmpty()) {
        for (long[] id : pending) {
          log.realigned(c, id[0], "missed");
        }
        c.commit();
        policy.tally().realignMissed(pending.size());
        LOG.warn(
            "{} realignment(s) resolved before the last stop were not sent to the other sites"
                + " (conflicts with realign = 'missed' in {}.conflicts): compare those rows across"
                + " the sites and copy the winning version by hand",
            pending.size(),
            catalogSchema);
      }
    }
  }

  /** The block committed: its conflicts count, its realignments go out. */
  void committed() {
    if (resolver == null) {
      return;
    }
    List<ConflictResolver.Realign> out = new ArrayList<>(unsent);
    out.addAll(resolver.takeRealigns());
    resolver.committed();
    unsent.clear();
    if (out.isEmpty()) {
      return;
    }
    try {
      realigner.send(side(), rows, out);
      policy.tally().realigned(out.size());
    } catch (SQLException | RuntimeException e) {
      unsent.addAll(out);
      closeSide();
      LOG.warn(
          "{} realignment(s) could not be sent yet ({}); they are sent after the next commit",
          out.size(),
          e.getMessage());
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
      c.setAutoCommit(false);
      new StatementApplier(c, null).initRowSession(true);
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
