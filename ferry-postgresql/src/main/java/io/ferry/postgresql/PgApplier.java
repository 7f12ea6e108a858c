package io.ferry.postgresql;

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
import io.ferry.mysql.apply.CatalogTables;
import io.ferry.mysql.sql.Secrets;
import io.ferry.mysql.sql.SqlTokenizer;
import io.ferry.mysql.sql.StatementClassifier;
import io.ferry.mysql.sql.StatementKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies transactions to PostgreSQL: rows as batched prepared statements ({@link PgRowWriter}),
 * many source transactions per PostgreSQL transaction (the stage's block), and the position of the
 * last one in {@code ferry_<service>.position} in that same transaction, so that a crash of Ferry
 * or of the server at any instant leaves data and position in agreement and the service resumes
 * right after it: nothing lost, nothing twice. DDL from the THL is translated ({@link PgDdl}) and
 * runs in the block too (PostgreSQL DDL is transactional), or stops the service, or is passed over
 * ({@link PgTargetSettings.DdlPolicy}). A statement-logged DML cannot be applied here and stops the
 * service. Rows of Ferry's own catalog tables are passed over. Since every change commits with its
 * position, a row that is not where the source says (an update or delete that finds none, an insert
 * onto an existing key) is a divergence, never a replay, and stops the service with the table, the
 * row and the seqno. Used by one task thread; {@link #stats()} by any, {@link #abort()} from
 * another.
 */
public final class PgApplier implements Applier {
  private static final Logger LOG = LoggerFactory.getLogger(PgApplier.class);

  /** The savepoint a transaction that ends in ROLLBACK starts with. */
  private static final String GROUP_SAVEPOINT = "ferry_group";

  /**
   * What the applier has committed since it started (a block rolled back counts for nothing).
   * Immutable snapshot.
   *
   * @param transactions transactions applied
   * @param rows row changes applied
   * @param ddl DDL statements translated and applied
   * @param ddlIgnored DDL statements passed over (target.ddl = ignore, or defining no table)
   * @param keylessTables tables whose rows are located by their whole before image
   */
  public record Stats(
      long transactions, long rows, long ddl, long ddlIgnored, Set<String> keylessTables) {}

  private final PgTargetSettings target;
  private final Clock clock;
  private final PgCatalog catalog;
  private final PgDdl ddl;

  private volatile Connection connection;
  private PgRowWriter rows;
  private Checkpoint pending = Checkpoint.NONE;
  private Checkpoint committed; // null: read it from the catalog
  private Transaction current;
  private long preciseThroughSeqno = -1;
  // counts of what committed, and of what the open block holds
  private long transactions;
  private long ddlApplied;
  private long ddlIgnored;
  private long rowsCommitted;
  private long blockTransactions;
  private long blockDdl;
  private long blockIgnored;
  private long rowsAtBlockStart;
  private volatile Stats stats = new Stats(0, 0, 0, 0, Set.of());

  public PgApplier(PgTargetSettings target, Clock clock) {
    this.target = target;
    this.clock = clock;
    this.catalog = new PgCatalog(target.catalogSchema());
    this.ddl = new PgDdl(target.names());
  }

  public Stats stats() {
    return stats;
  }

  @Override
  public Checkpoint lastCommitted() {
    if (committed != null) {
      return committed;
    }
    try {
      connect();
      Checkpoint cp = catalog.read(connection);
      connection.commit();
      pending = cp;
      committed = cp;
      return cp;
    } catch (SQLException e) {
      throw failure(e, null, "cannot read the catalog " + catalog.schema() + ".position");
    }
  }

  /**
   * Records a position without applying anything (a database that already holds everything up to
   * it). Leaves a position that is already at or beyond it alone.
   */
  public void initializePosition(Checkpoint position) {
    try {
      connect();
      Checkpoint now = catalog.read(connection);
      if (now.isNone() || now.seqno() < position.seqno()) {
        catalog.write(position, clock.millis());
      }
      connection.commit();
      committed = null;
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
      try (Statement st = connection.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + PgSql.quote(catalog.schema()) + " CASCADE");
      }
      connection.commit();
    } catch (SQLException e) {
      throw failure(e, null, "cannot drop the catalog " + catalog.schema());
    } finally {
      disconnect();
    }
  }

  @Override
  public void apply(ReplEvent event) {
    try {
      connect();
      if (event instanceof Gap g) {
        pending = g.checkpoint();
        return;
      }
      Transaction tx = (Transaction) event;
      current = tx;
      if (tx.fragno() == 0) {
        rows.precise(tx.seqno() >= 0 && tx.seqno() <= preciseThroughSeqno);
        if (!tx.lastFrag() || rolledBack(tx)) {
          // it may end in ROLLBACK (only its last fragment says so), which undoes only what it did
          rows.flush();
          plain("SAVEPOINT " + GROUP_SAVEPOINT);
        }
      }
      for (Change c : tx.changes()) {
        if (c instanceof RowChanges rc) {
          if (!CatalogTables.isCatalog(rc.schema(), rc.table())) {
            rows.add(rc, tx);
          }
        } else if (c instanceof SqlStatement st) {
          statement(tx, st);
        }
      }
      pending = tx.checkpoint();
      if (tx.lastFrag()) {
        if (tx.heartbeat() != null) {
          catalog.heartbeat(
              tx.heartbeat(), tx.seqno(), tx.header().sourceCommitMicros(), clock.millis());
        }
        if (rolledBack(tx)) {
          rows.flush();
          plain("ROLLBACK TO SAVEPOINT " + GROUP_SAVEPOINT);
        }
        blockTransactions++;
        current = null;
      }
    } catch (PgRowWriter.RowFailure e) {
      throw rowFailure(e);
    } catch (SQLException e) {
      throw failure(e, null, e.getMessage());
    }
  }

  private static boolean rolledBack(Transaction tx) {
    return "true".equals(tx.header().option(TransactionOptions.ROLLBACK));
  }

  private void plain(String sql) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(sql);
    }
  }

  private void statement(Transaction tx, SqlStatement st) throws SQLException {
    StatementKind kind =
        StatementClassifier.classify(st.unsafeSql(), Charsets.forSqlName(st.charset()));
    switch (kind) {
      case BEGIN,
          COMMIT,
          ROLLBACK,
          XA_START,
          XA_END,
          XA_PREPARE,
          XA_COMMIT,
          TEMPORARY_TABLE,
          IMPLICIT_COMMIT -> {
        // boundaries, and statements that change no rows (ANALYZE, FLUSH, LOCK TABLES, ...)
      }
      case XA_ROLLBACK ->
          throw refused(
              tx,
              st,
              "the source rolled back a prepared XA transaction, which Ferry applied when it was"
                  + " prepared; its changes are in PostgreSQL and must be undone by hand");
      case SAVEPOINT, ROLLBACK_TO_SAVEPOINT, RELEASE_SAVEPOINT -> {
        rows.flush();
        plain(savepoint(kind, st.text()));
      }
      case DML ->
          throw refused(
              tx,
              st,
              "a statement-logged change (binlog_format = STATEMENT or MIXED) cannot be applied to"
                  + " PostgreSQL, which needs the rows: set binlog_format = ROW on the source,"
                  + " and apply this transaction by hand, then skip it (online with skip seqno "
                  + tx.seqno()
                  + ")");
      case DDL, UNKNOWN -> ddl(tx, st);
    }
  }

  /** A savepoint statement with its name quoted as PostgreSQL wants it. */
  private static String savepoint(StatementKind kind, String sql) {
    List<SqlTokenizer.Token> tokens = SqlTokenizer.tokenize(sql);
    String name = PgSql.quote(tokens.get(tokens.size() - 1).text());
    return switch (kind) {
      case SAVEPOINT -> "SAVEPOINT " + name;
      case ROLLBACK_TO_SAVEPOINT -> "ROLLBACK TO SAVEPOINT " + name;
      default -> "RELEASE SAVEPOINT " + name;
    };
  }

  private void ddl(Transaction tx, SqlStatement st) throws SQLException {
    String text = st.text();
    if (CatalogTables.createsCatalogTable(text)) {
      return;
    }
    if (ddl.touchesFerrySchema(st.defaultSchema(), text)) {
      // a ferry_* schema is Ferry's own (a hub's catalog, logged with its data): never this
      // service's catalog to change, whatever target.ddl says
      blockIgnored++;
      LOG.info(
          "service {}: seqno {}: passed over (it names a ferry_* schema, Ferry's own): {}",
          target.service(),
          tx.seqno(),
          shorten(Secrets.redact(text), 200));
      return;
    }
    if (PgDdl.definesNoTable(text)) {
      blockIgnored++;
      LOG.info(
          "service {}: seqno {}: passed over (it defines no table): {}",
          target.service(),
          tx.seqno(),
          shorten(Secrets.redact(text), 200));
      return;
    }
    switch (target.ddl()) {
      case IGNORE -> {
        blockIgnored++;
        LOG.warn(
            "service {}: seqno {}: DDL passed over (target.ddl = ignore): {}",
            target.service(),
            tx.seqno(),
            shorten(Secrets.redact(text), 200));
      }
      case STOP ->
          throw refused(
              tx,
              st,
              "DDL stops the service (target.ddl = stop): change PostgreSQL by hand, then skip"
                  + " this transaction (online with skip seqno "
                  + tx.seqno()
                  + "), or set target.ddl = translate");
      case TRANSLATE -> {
        List<String> pg;
        try {
          pg = ddl.translate(st.defaultSchema(), text);
        } catch (PgDdl.Untranslatable e) {
          throw refused(
              tx,
              st,
              e.getMessage()
                  + ": apply its equivalent to PostgreSQL by hand, then skip this transaction"
                  + " (online with skip seqno "
                  + tx.seqno()
                  + "); or set target.ddl = ignore to pass over DDL with a warning");
        }
        rows.flush();
        for (String sql : pg) {
          plain(sql);
        }
        rows.forgetTables();
        blockDdl++;
      }
    }
  }

  @Override
  public void commit() {
    try {
      connect();
      rows.flush();
      catalog.write(pending, clock.millis());
      connection.commit();
      committed = pending;
      transactions += blockTransactions;
      ddlApplied += blockDdl;
      ddlIgnored += blockIgnored;
      rowsCommitted += rows.rowsApplied() - rowsAtBlockStart;
      startBlock();
      stats = new Stats(transactions, rowsCommitted, ddlApplied, ddlIgnored, rows.keylessTables());
    } catch (PgRowWriter.RowFailure e) {
      throw rowFailure(e);
    } catch (SQLException e) {
      throw failure(e, null, "commit failed: " + e.getMessage());
    }
  }

  @Override
  public void flush() {
    try {
      if (rows != null) {
        rows.flush();
      }
    } catch (PgRowWriter.RowFailure e) {
      throw rowFailure(e);
    } catch (SQLException e) {
      throw failure(e, null, e.getMessage());
    }
  }

  @Override
  public void forgetSchema() {
    try {
      if (rows != null) {
        rows.forgetTables();
      }
    } catch (SQLException e) {
      throw failure(e, null, e.getMessage());
    }
  }

  /** The counts of a new block start from nothing. */
  private void startBlock() {
    blockTransactions = 0;
    blockDdl = 0;
    blockIgnored = 0;
    rowsAtBlockStart = rows == null ? 0 : rows.rowsApplied();
  }

  @Override
  public void rollback() {
    current = null;
    committed = null;
    startBlock();
    if (rows != null) {
      rows.discard();
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

  @Override
  public void close() {
    disconnect();
  }

  private void connect() throws SQLException {
    if (connection != null) {
      return;
    }
    Connection c;
    try {
      c = DriverManager.getConnection(target.jdbcUrl(), target.properties());
    } catch (SQLException e) {
      String why =
          "28P01".equals(e.getSQLState())
              ? "password authentication failed for user '"
                  + target.user()
                  + "': check target.password"
              : e.getMessage();
      throw new SQLException(
          "cannot connect to PostgreSQL at " + target.address() + ": " + why,
          e.getSQLState(),
          e.getErrorCode(),
          e);
    }
    try {
      c.setAutoCommit(false);
      catalog.install(c);
      rows = new PgRowWriter(c, target.names(), target.invalidText());
      connection = c;
      startBlock();
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already failing
      }
      throw e;
    }
  }

  private void disconnect() {
    committed = null;
    if (rows != null) {
      rows.close();
      rows = null;
    }
    Connection c = connection;
    connection = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        LOG.debug("closing the connection to {}: {}", target.address(), e.getMessage());
      }
    }
  }

  private PgApplyException refused(Transaction tx, SqlStatement st, String why) {
    return new PgApplyException(
        "service "
            + target.service()
            + ": cannot apply seqno "
            + tx.seqno()
            + position(tx)
            + " to PostgreSQL at "
            + target.address()
            + ": statement "
            + shorten(Secrets.redact(st.text()), 300)
            + ": "
            + why,
        null,
        tx.seqno(),
        tx.header().nativePosition(),
        null,
        false,
        false);
  }

  private static String position(Transaction tx) {
    NativePosition pos = tx.header().nativePosition();
    return pos == null ? "" : " (" + pos.kind() + " " + pos.text() + ")";
  }

  private PgApplyException rowFailure(PgRowWriter.RowFailure e) {
    SQLException cause = e.sqlError();
    if (e.ambiguous && (cause == null || !PgErrors.isTransient(cause))) {
      preciseThroughSeqno =
          Math.max(
              preciseThroughSeqno,
              Math.max(pending.seqno(), current == null ? -1 : current.seqno()));
      return new PgApplyException(
          "service "
              + target.service()
              + ": "
              + e.getMessage()
              + " on "
              + e.table
              + " at "
              + target.address()
              + "; applying the block again one row at a time to find it",
          e,
          -1,
          null,
          e.table,
          true,
          true);
    }
    String what = e.getMessage() + (e.row == null ? "" : "; row: " + e.row);
    return failure(cause, e, what);
  }

  /** The failure as a {@link PgApplyException}; a connection that may be broken is dropped. */
  private PgApplyException failure(SQLException cause, PgRowWriter.RowFailure row, String what) {
    Transaction tx = row != null && row.owner != null ? row.owner : current;
    long seqno = tx != null ? tx.seqno() : -1;
    boolean transientError = cause != null && PgErrors.isTransient(cause);
    if (transientError) {
      disconnect();
    }
    StringBuilder m =
        new StringBuilder("service ").append(target.service()).append(": cannot apply");
    if (seqno >= 0) {
      m.append(" seqno ").append(seqno).append(position(tx));
    }
    m.append(" to PostgreSQL at ").append(target.address());
    if (row != null && row.table != null) {
      m.append(", table ").append(row.table);
    }
    m.append(": ").append(what);
    if (cause != null && !what.contains(String.valueOf(cause.getMessage()))) {
      m.append(" (server said: ").append(cause.getMessage()).append(')');
    }
    if (cause != null && cause.getSQLState() != null) {
      m.append(" [SQL state ").append(cause.getSQLState()).append(']');
    }
    if (transientError) {
      m.append(". This may pass; the service retries from its last commit.");
    } else if (seqno >= 0) {
      m.append(". Fix PostgreSQL and bring the service online again, or skip this transaction")
          .append(" (online with skip seqno ")
          .append(seqno)
          .append(") if PostgreSQL already has what it should.");
    }
    return new PgApplyException(
        m.toString(),
        row != null ? row : cause,
        seqno,
        tx == null ? null : tx.header().nativePosition(),
        row == null ? null : row.table,
        transientError,
        false);
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
