package io.ferry.mysql.apply;

import io.ferry.core.Failpoints;
import io.ferry.core.event.Change;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.position.NativePosition;
import io.ferry.core.value.Charsets;
import io.ferry.mysql.check.ChunkMarker;
import io.ferry.mysql.sql.DmlTables;
import io.ferry.mysql.sql.Secrets;
import io.ferry.mysql.sql.StatementClassifier;
import io.ferry.mysql.sql.StatementKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies transactions to a MariaDB/MySQL target: rows as batched prepared statements, statements
 * with their session context, DDL at a commit boundary of its own. The position of the last applied
 * transaction goes to the catalog ({@code ferry_<service>.position}) in the same target transaction
 * as the data, so a crash at any instant leaves both in agreement and the service resumes right
 * after it. DDL and changes to non-transactional tables cannot share that atomicity: the catalog
 * marks such a transaction "in doubt" before it runs, and if a crash interrupts it, it is applied
 * again in idempotent mode (what it already did is passed over). Changes stay out of the target's
 * binlog unless the settings say otherwise. Used by one task thread; {@link #stats()} by any.
 */
public final class MySqlApplier implements Applier {
  private static final Logger LOG = LoggerFactory.getLogger(MySqlApplier.class);

  /**
   * What the applier has done since it started. Immutable snapshot.
   *
   * @param keylessTables tables whose rows are located by their whole before image
   * @param triggers triggers on tables rows went to, each {@code schema.table.trigger (guarded)} or
   *     {@code (unguarded)}
   */
  public record Stats(
      long transactions,
      long rows,
      long statements,
      Set<String> keylessTables,
      Set<String> triggers) {}

  /** The savepoint a transaction that may end in ROLLBACK starts with. */
  private static final String GROUP_SAVEPOINT = "ferry_group";

  private final TargetSettings target;
  private final ApplierSettings settings;
  private final Clock clock;
  private final TargetCatalog catalog;
  private final ConflictSession conflicts;
  private final OriginSession origin;
  private final OriginCatalog origins;
  private final ChunkChecks checks;

  private volatile Connection connection;
  private RowApplier rows;
  private StatementApplier statements;
  private Checkpoint pending = Checkpoint.NONE;
  private Checkpoint lastComplete = Checkpoint.NONE;
  private long inDoubtSeqno = -1;
  private long markedSeqno = -1;
  private boolean commitAfter;
  private boolean idempotent;
  private long preciseThroughSeqno = -1;
  private Map<String, String> rowOptions = Map.of();
  private Transaction current;
  private long transactions;
  private boolean openWork; // something was applied since the last target commit
  private volatile Stats stats = new Stats(0, 0, 0, Set.of(), Set.of());

  public MySqlApplier(TargetSettings target, ApplierSettings settings, Clock clock) {
    this.target = target;
    this.settings = settings;
    this.clock = clock;
    this.catalog = new TargetCatalog(settings.catalogSchema(), settings.taskId());
    this.checks = new ChunkChecks(settings.catalogSchema());
    this.conflicts =
        settings.conflicts().enabled()
            ? new ConflictSession(
                settings.conflicts(),
                settings.catalogSchema(),
                settings.taskId(),
                settings.service(),
                clock,
                this::open)
            : null;
    this.origin = settings.tagsOrigin() ? new OriginSession() : null;
    this.origins =
        settings.tagsOrigin() ? new OriginCatalog(settings.catalogSchema(), this::open) : null;
  }

  /** Counts the check chunks it records in {@code tally} (shared by a target's appliers). */
  public MySqlApplier countChecksIn(CheckTally tally) {
    checks.countIn(tally);
    return this;
  }

  /** The target's own server id (read when it connected), or -1 before. */
  public long targetServerId() {
    OriginSession o = origin;
    return o == null || o.own() == null ? -1 : o.own().serverId();
  }

  public Stats stats() {
    return stats;
  }

  @Override
  public Checkpoint lastCommitted() {
    try {
      connect();
      if (!settings.channel()) {
        settleEarlierChannels();
      }
      TargetCatalog.Position p = catalog.read(connection);
      connection.commit();
      openWork = false;
      inDoubtSeqno = p.inDoubtSeqno();
      pending = p.checkpoint();
      lastComplete = pending;
      markedSeqno = -1;
      commitAfter = false;
      if (inDoubtSeqno >= 0) {
        LOG.warn(
            "seqno {} was being applied outside a transaction (DDL or non-transactional tables)"
                + " when the service stopped; it is applied again, passing over what it already did",
            inDoubtSeqno);
      }
      return p.checkpoint();
    } catch (SQLException e) {
      throw failure(e, null, "cannot read the catalog " + catalog.schema() + ".position");
    }
  }

  /**
   * The service's only applier, after a run with parallel apply: when that run's channels agree (or
   * committed in order), their rows become this one's; when they do not, the earlier run must
   * finish its assignment first, which only parallel apply with its layout can do.
   */
  private void settleEarlierChannels() throws SQLException {
    catalog.installChannels(connection);
    io.ferry.core.parallel.Layout before = TargetCatalog.layout(connection, catalog.schema());
    if (before == null || before.equals(io.ferry.core.parallel.Layout.SINGLE)) {
      connection.commit();
      return;
    }
    Map<Integer, io.ferry.core.parallel.ChannelPosition> rows =
        TargetCatalog.readAll(connection, catalog.schema());
    Checkpoint high = Checkpoint.NONE;
    long low = Long.MAX_VALUE;
    boolean inDoubtElsewhere = false;
    for (int ch = 0; ch < before.channels(); ch++) {
      io.ferry.core.parallel.ChannelPosition p = rows.get(ch);
      long seqno = p == null ? -1 : p.seqno();
      low = Math.min(low, seqno);
      if (p != null && !p.checkpoint().isNone() && (high.isNone() || seqno > high.seqno())) {
        high = p.checkpoint();
      }
      inDoubtElsewhere |= p != null && ch > 0 && p.inDoubtSeqno() >= 0;
    }
    boolean apart = low != (high.isNone() ? -1 : high.seqno()) || inDoubtElsewhere;
    if (apart && before.scheduler() == io.ferry.core.parallel.Scheduler.SHARD) {
      connection.rollback();
      throw new ApplyException(
          "the last run of this service applied with "
              + before
              + " and stopped without its channels agreeing (from seqno "
              + low
              + " to "
              + (high.isNone() ? -1 : high.seqno())
              + "); one channel cannot finish that run's assignment without applying some"
              + " transactions twice. Set apply.channels = "
              + before.channels()
              + " (apply.scheduler = shard) again: the service finishes the assignment by"
              + " itself, and after a clean offline any channel count works",
          -1,
          null,
          null,
          null,
          null,
          null,
          false);
    }
    TargetCatalog.settle(
        connection, catalog.schema(), io.ferry.core.parallel.Layout.SINGLE, high, true);
    connection.commit();
    LOG.info(
        "the last run applied with {}; applying with one channel after seqno {}",
        before,
        high.isNone() ? "none" : high.seqno());
  }

  /**
   * Records a position in the catalog without applying anything: for a former master whose database
   * already holds everything its log holds, becoming a slave (switchover). Leaves a position that
   * is already at or beyond it alone.
   */
  public void initializePosition(Checkpoint position) {
    try {
      connect();
      TargetCatalog.Position p = catalog.read(connection);
      if (p.checkpoint().isNone() || p.checkpoint().seqno() < position.seqno()) {
        catalog.write(position, clock.millis());
      }
      // every channel of a service that applies in parallel starts there
      for (int ch : TargetCatalog.readAll(connection, catalog.schema()).keySet()) {
        TargetCatalog row = new TargetCatalog(catalog.schema(), ch);
        row.prepare(connection);
        row.writeIfBehind(position, clock.millis());
      }
      connection.commit();
    } catch (SQLException e) {
      throw failure(e, null, "cannot initialize the catalog " + catalog.schema());
    } finally {
      disconnect();
    }
  }

  /** Drops the catalog schema (a reset): the next start begins from nothing. */
  public void dropCatalog() {
    try {
      connect();
      try (java.sql.Statement st = connection.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS `" + catalog.schema() + "`");
      }
    } catch (SQLException e) {
      throw failure(e, null, "cannot drop the catalog " + catalog.schema());
    } finally {
      disconnect();
    }
  }

  @Override
  public void apply(ReplEvent event) {
    Transaction tx = event instanceof Transaction t ? t : null;
    try {
      connect();
      if (event instanceof Gap g) {
        pending = g.checkpoint();
        lastComplete = pending;
        return;
      }
      if (tx == null) {
        throw new IllegalArgumentException("cannot apply " + event);
      }
      current = tx;
      ChunkMarker marker = ChunkMarker.of(tx.header().options());
      if (tx.fragno() == 0) {
        begin(tx);
        if (marker != null && marker.kind() == ChunkMarker.Kind.REPAIR) {
          rows.flush();
          statements.rowSession(rowOptions);
          checks.repair(connection, marker, point(tx));
        }
      }
      for (Change c : tx.changes()) {
        if (c instanceof RowChanges rc) {
          if (markedSeqno != tx.seqno() && !rows.table(rc.schema(), rc.table()).transactional()) {
            markInDoubt(tx); // a fragment told late that the transaction is not transactional
          }
          if (!statements.isRowSession(rowOptions)) {
            rows.flush(); // queued rows of other transactions keep the settings they came with
            statements.rowSession(rowOptions);
          }
          rows.add(rc, idempotent, tx);
        } else if (c instanceof SqlStatement st) {
          statement(tx, st);
        }
      }
      pending = tx.checkpoint();
      if (tx.lastFrag()) {
        if (tx.heartbeat() != null) {
          rows.flush();
          catalog.heartbeat(
              tx.heartbeat(), tx.seqno(), tx.header().sourceCommitMicros(), clock.millis());
        }
        if (marker != null && marker.kind() != ChunkMarker.Kind.REPAIR) {
          rows.flush();
          statements.rowSession(rowOptions);
          checks.check(connection, marker, point(tx));
        }
        end(tx);
      }
    } catch (RowApplyException e) {
      throw failure(e.sqlError, e, e.getMessage());
    } catch (RowApplier.AmbiguousBatchException e) {
      throw ambiguous(e);
    } catch (SQLException e) {
      throw failure(e, null, e.getMessage());
    }
  }

  /**
   * A round trip of several statements failed without saying which: the block is applied again (the
   * stage retries) one statement at a time up to the current transaction, which finds the row, or
   * passes if the cause was passing.
   */
  private ApplyException ambiguous(RowApplier.AmbiguousBatchException e) {
    SQLException cause = e.sqlError();
    if (ApplyErrors.isTransient(cause)) {
      return failure(cause, null, cause.getMessage());
    }
    preciseThroughSeqno =
        Math.max(
            preciseThroughSeqno, Math.max(pending.seqno(), current == null ? -1 : current.seqno()));
    return new ApplyException(
            "one of "
                + e.statements
                + " statements sent together to "
                + target.address()
                + " failed ("
                + cause.getMessage()
                + "); applying the block again one statement at a time to find it",
            -1,
            null,
            null,
            null,
            null,
            cause,
            true)
        .atOnce();
  }

  private ChunkChecks.Point point(Transaction tx) {
    return new ChunkChecks.Point(
        tx.seqno(), tx.header().originService(), tx.header().sourceCommitMicros(), clock.millis());
  }

  private void begin(Transaction tx) throws SQLException {
    if (origin != null) {
      applyUnderOrigin(tx);
    }
    openWork = true;
    // (seqno -1: a provisioning copy, which has no position of its own and is never in doubt)
    idempotent = tx.seqno() >= 0 && tx.seqno() == inDoubtSeqno;
    rows.precise(tx.seqno() >= 0 && tx.seqno() <= preciseThroughSeqno);
    if (tx.commitRequired() || changesNonTransactionalTables(tx)) {
      markInDoubt(tx);
    }
    Map<String, String> options = new TreeMap<>();
    for (String option : new String[] {"foreign_key_checks", "unique_checks"}) {
      if ("0".equals(tx.header().option(option))) {
        options.put(option, "0");
      }
    }
    rowOptions = Map.copyOf(options);
    if (!tx.lastFrag() || rolledBack(tx)) {
      // it may end in ROLLBACK, which undoes only what it did itself
      rows.flush();
      statements.plain("SAVEPOINT " + GROUP_SAVEPOINT);
    }
  }

  /**
   * Puts the session under the transaction's origin (target.log-origin). The server stamps the GTID
   * event with the server id the session has at commit and refuses to change the GTID domain inside
   * a transaction, so what the target transaction holds is committed first, with its position (the
   * stage ends its blocks where the origin changes; parallel channels rely on this). The origin's
   * name goes to the catalog, on a second connection before the data (see OriginCatalog).
   */
  private void applyUnderOrigin(Transaction tx) throws SQLException {
    if (origin.needsSwitch(tx)) {
      rows.flush();
      if (openWork) {
        catalog.write(lastComplete, clock.millis());
      }
      connection.commit();
      if (conflicts != null) {
        conflicts.committed();
      }
      openWork = false;
      try {
        origin.switchTo(connection, tx);
      } catch (SQLException e) {
        throw e.getErrorCode() == 1227
            ? OriginSession.refused(e, target.user(), target.address())
            : e;
      }
    }
    if (!tx.changes().isEmpty()) {
      OriginSession.Origin o = origin.current();
      origins.record(o.serverId(), o.domain(), tx.header().originService(), tx.seqno());
    }
  }

  private static boolean rolledBack(Transaction tx) {
    return "true".equals(tx.header().option(TransactionOptions.ROLLBACK));
  }

  /**
   * Whether the transaction changes a table the target cannot roll back (its engine, not the
   * source's, decides), as far as its first fragment shows.
   */
  private boolean changesNonTransactionalTables(Transaction tx) throws SQLException {
    for (Change c : tx.changes()) {
      if (c instanceof RowChanges rc && !rows.table(rc.schema(), rc.table()).transactional()) {
        return true;
      }
      if (c instanceof SqlStatement st && writesNonTransactionalTables(st)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a statement from a statement-based log writes a table the target cannot roll back, as
   * far as its text says which tables it writes (when it cannot be told, or a table it writes has
   * triggers: yes). A table the target does not have (a temporary table, one a later statement
   * creates) does not count.
   */
  private boolean writesNonTransactionalTables(SqlStatement st) throws SQLException {
    StatementKind kind =
        StatementClassifier.classify(st.unsafeSql(), Charsets.forSqlName(st.charset()));
    if (kind != StatementKind.DML) {
      return false; // other kinds are their own block already, or stay in the session
    }
    Set<DmlTables.Table> tables = DmlTables.tablesOf(st.defaultSchema(), st.text());
    if (tables == null) {
      return true;
    }
    for (DmlTables.Table t : tables) {
      TargetTable table = rows.tableIfExists(t.schema(), t.table());
      if (table != null && (!table.transactional() || !table.triggers().isEmpty())) {
        return true; // (its triggers may write tables the statement does not name)
      }
    }
    return false;
  }

  /**
   * Before a transaction whose changes cannot be undone (DDL, statements that commit implicitly,
   * non-transactional tables): everything applied before it is committed with its position, and the
   * catalog marks it in doubt, so that after a crash it is applied again passing over what it did.
   * The block ends right after it ({@link #needsCommit()}).
   */
  private void markInDoubt(Transaction tx) throws SQLException {
    rows.flush();
    catalog.write(lastComplete, clock.millis());
    catalog.markInDoubt(tx.seqno());
    connection.commit();
    if (conflicts != null) {
      conflicts.committed();
    }
    openWork = false;
    markedSeqno = tx.seqno();
    commitAfter = true;
  }

  private void statement(Transaction tx, SqlStatement st) throws SQLException {
    rows.flush();
    StatementKind kind =
        StatementClassifier.classify(st.unsafeSql(), Charsets.forSqlName(st.charset()));
    switch (kind) {
      case XA_COMMIT, XA_START, XA_END, XA_PREPARE -> {
        return; // boundaries; a prepared XA transaction is applied when prepared (docs/applier.md)
      }
      case XA_ROLLBACK ->
          throw new RowApplyException(
              null,
              null,
              null,
              st.text(),
              null,
              "the source rolled back a prepared XA transaction, which Ferry applied when it was"
                  + " prepared; its changes are on the target and must be undone by hand");
      case SAVEPOINT, ROLLBACK_TO_SAVEPOINT, RELEASE_SAVEPOINT -> {
        // in the open target transaction, with its sql_mode (ANSI_QUOTES quotes the name "s1")
        statements.apply(st, 0, false, kind);
        return;
      }
      default -> {
        // run in its context
      }
    }
    if (kind.needsOwnBlock() && markedSeqno != tx.seqno()) {
      markInDoubt(tx); // an older log's header did not say so
    }
    // logs written before Ferry kept the code per statement have it for the whole transaction
    String expected = tx.header().option("statement.error_code");
    statements.apply(st, expected == null ? 0 : Integer.parseInt(expected), idempotent, kind);
    if (kind.commitsImplicitly()) {
      Failpoints.hit("apply.after-implicit-commit"); // committed by itself, not yet its position
    }
    if (kind.changesSchema()) {
      rows.forgetTables(); // DDL may have changed any table (ANALYZE, FLUSH and the like do not)
    }
  }

  private void end(Transaction tx) throws SQLException {
    transactions++;
    if (rolledBack(tx)) {
      rows.flush();
      statements.plain("ROLLBACK TO SAVEPOINT " + GROUP_SAVEPOINT);
    }
    lastComplete = tx.checkpoint();
    idempotent = false;
    current = null;
  }

  @Override
  public void flush() {
    try {
      if (rows != null) {
        rows.flush();
      }
    } catch (RowApplyException e) {
      throw failure(e.sqlError, e, e.getMessage());
    } catch (RowApplier.AmbiguousBatchException e) {
      throw ambiguous(e);
    } catch (SQLException e) {
      throw failure(e, null, e.getMessage());
    }
  }

  @Override
  public void forgetSchema() {
    if (rows != null) {
      rows.forgetTables();
    }
  }

  /** Whether the block must end after the transaction just applied (it was marked in doubt). */
  @Override
  public boolean needsCommit() {
    return commitAfter;
  }

  @Override
  public void commit() {
    try {
      connect();
      rows.flush();
      catalog.write(pending, clock.millis());
      connection.commit();
      if (conflicts != null) {
        conflicts.committed();
      }
      openWork = false;
      if (pending.seqno() >= inDoubtSeqno) {
        inDoubtSeqno = -1;
      }
      commitAfter = false;
      stats =
          new Stats(
              transactions,
              rows.rowsApplied(),
              statements.statementsApplied(),
              rows.keylessTables(),
              rows.triggers());
    } catch (RowApplyException e) {
      throw failure(e.sqlError, e, e.getMessage());
    } catch (RowApplier.AmbiguousBatchException e) {
      throw ambiguous(e);
    } catch (SQLException e) {
      throw failure(e, null, "commit failed: " + e.getMessage());
    }
  }

  @Override
  public void rollback() {
    current = null;
    idempotent = false;
    commitAfter = false;
    openWork = false;
    if (rows != null) {
      rows.discard();
    }
    if (conflicts != null) {
      conflicts.rolledBack();
    }
    if (connection != null) {
      try {
        connection.rollback();
      } catch (SQLException e) {
        LOG.debug("rollback on {} failed: {}", target.address(), e.getMessage());
        disconnect();
      }
    }
  }

  @Override
  public void close() {
    disconnect();
  }

  private void connect() throws SQLException {
    if (connection != null) {
      return;
    }
    Connection c = open();
    try {
      c.setAutoCommit(false);
      StatementApplier st =
          new StatementApplier(c, settings.triggersFire() ? null : settings.service());
      try {
        st.initRowSession(settings.logToBinlog());
      } catch (SQLException e) {
        if (e.getErrorCode() == 1227) {
          throw new SQLException(
              "user '"
                  + target.user()
                  + "' may not keep applied changes out of the target's binlog (SET sql_log_bin=0"
                  + " needs BINLOG ADMIN or SUPER): grant it, or let the service log to the"
                  + " target's binlog",
              e.getSQLState(),
              e.getErrorCode(),
              e);
        }
        throw e;
      }
      if (settings.lockWaitSeconds() > 0) {
        try (java.sql.Statement s = c.createStatement()) {
          s.execute("SET SESSION innodb_lock_wait_timeout = " + settings.lockWaitSeconds());
        }
      }
      catalog.install(c);
      if (origin != null) {
        try {
          origin.connected(c);
        } catch (SQLException e) {
          throw e.getErrorCode() == 1227
              ? OriginSession.refused(e, target.user(), target.address())
              : e;
        }
        origins.install(c);
      }
      openWork = false;
      connection = c;
      statements = st;
      rows = new RowApplier(c, !settings.triggersFire());
      if (conflicts != null) {
        conflicts.attach(c, rows);
      }
    } catch (SQLException | RuntimeException e) {
      connection = null;
      try {
        c.close();
      } catch (SQLException ignored) {
        // already failing
      }
      throw e;
    }
  }

  /** A new connection to the target, or an error that says why not. */
  private Connection open() throws SQLException {
    return target.connect();
  }

  /** Breaks a statement in flight from another thread: the connection is aborted. */
  @Override
  public void abort() {
    Connection c = connection;
    if (c != null) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException | RuntimeException e) {
        LOG.debug("aborting the connection to {}: {}", target.address(), e.getMessage());
      }
    }
  }

  private void disconnect() {
    if (conflicts != null) {
      conflicts.close();
    }
    if (origins != null) {
      origins.close();
    }
    if (rows != null) {
      rows.close();
      rows = null;
    }
    statements = null;
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing the connection to {}: {}", target.address(), e.getMessage());
      }
      connection = null;
    }
  }

  /** The failure as an {@link ApplyException}; a connection that may be broken is dropped. */
  private ApplyException failure(SQLException cause, RowApplyException row, String what) {
    Transaction tx = row != null && row.owner() instanceof Transaction t ? t : current;
    long seqno = tx != null ? tx.seqno() : -1;
    NativePosition pos = tx != null ? tx.header().nativePosition() : null;
    String table =
        row == null || row.schema == null
            ? null
            : row.table == null ? row.schema : row.schema + "." + row.table;
    boolean transientError = cause != null && ApplyErrors.isTransient(cause);
    if (transientError) {
      disconnect();
    }
    StringBuilder m = new StringBuilder("cannot apply");
    if (seqno >= 0) {
      m.append(" seqno ").append(seqno);
      if (pos != null) {
        m.append(" (").append(pos.kind()).append(' ').append(pos.text()).append(')');
      }
    }
    m.append(" to the target at ").append(target.address());
    if (table != null) {
      m.append(", table ").append(table);
    }
    m.append(": ").append(what);
    if (cause != null && !what.contains(String.valueOf(cause.getMessage()))) {
      m.append(" (server said: ").append(cause.getMessage()).append(')');
    }
    if (cause != null) {
      m.append(" [error ").append(cause.getErrorCode()).append(", SQL state ");
      m.append(cause.getSQLState()).append(']');
    }
    if (row != null && row.sql != null) {
      m.append("; statement: ").append(shorten(Secrets.redact(row.sql), 300));
    }
    if (row != null && row.row != null) {
      m.append("; row: ").append(row.row);
    }
    if (transientError) {
      m.append(". This may pass; the service retries from its last commit.");
    } else if (seqno >= 0) {
      m.append(". Fix the target and bring the service online again, or skip this transaction")
          .append(" (online with skip seqno ")
          .append(seqno)
          .append(") if the target already has what it should.");
    }
    return new ApplyException(
        m.toString(),
        seqno,
        pos,
        table,
        row == null ? null : Secrets.redact(row.sql),
        row == null ? null : row.row,
        cause,
        transientError);
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
