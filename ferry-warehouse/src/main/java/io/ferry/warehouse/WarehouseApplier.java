package io.ferry.warehouse;

import io.ferry.core.Failpoints;
import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.target.SchemaTranslator;
import io.ferry.core.target.SourceTable;
import io.ferry.core.value.Charsets;
import io.ferry.mysql.apply.CatalogTables;
import io.ferry.mysql.sql.StatementClassifier;
import io.ferry.mysql.sql.StatementKind;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies transactions to a warehouse in batches: row changes are staged per table in CSV files
 * (memory stays bounded whatever the batch), and at the batch's commit each table's file is
 * bulk-loaded and merged set-based (the keys it touched deleted, the latest image of each key
 * inserted, net of every change in the batch), in ONE store transaction with the position. A crash
 * at any instant leaves the store at the last merged batch; staged files of an unfinished batch are
 * removed when the service starts, and the batch is staged again from the log. DDL ends the batch:
 * what is staged is merged, then the DDL runs, in the transaction that records its position. Used
 * by one task thread; {@link #stats} by any.
 */
final class WarehouseApplier implements Applier {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseApplier.class);

  private final WarehouseSettings settings;
  private final WarehouseDialect dialect;
  private final Clock clock;
  private final PositionCatalog catalog;
  private final WarehouseStats stats;
  private final WarehouseDdl ddl;

  private volatile Connection connection;
  private final Map<String, StagedTable> open = new HashMap<>();
  private final List<StagedTable> staged = new ArrayList<>();
  private final Map<String, Map<String, String>> storeColumns = new HashMap<>();
  private final Map<String, Long> heartbeats = new LinkedHashMap<>();
  private final Map<String, Long> heartbeatTimes = new HashMap<>();
  private Checkpoint pending = Checkpoint.NONE;
  private Transaction current;
  private long seq;
  private long batchRows;
  private long batchBytes;
  private long batchTransactions;
  private boolean endBatch;
  private int files;

  WarehouseApplier(
      WarehouseSettings settings, WarehouseDialect dialect, Clock clock, WarehouseStats stats) {
    this.settings = settings;
    this.dialect = dialect;
    this.clock = clock;
    this.catalog = new PositionCatalog(dialect, settings.catalogSchema());
    this.stats = stats;
    this.ddl = new WarehouseDdl(dialect);
  }

  @Override
  public Checkpoint lastCommitted() {
    try {
      discardStaged();
      removeLeftovers();
      connect();
      Checkpoint p = catalog.read(connection);
      connection.commit();
      pending = p;
      return p;
    } catch (SQLException e) {
      throw failure(e, "cannot read the position in " + catalog.schema() + ".position");
    }
  }

  /**
   * This service's own directory under the staging directory: services may share
   * target.warehouse.staging-dir, and each removes only its own leftovers.
   */
  private Path staging() {
    return settings.stagingDir().resolve(settings.service());
  }

  /** Removes staged files a crash left behind: their batch never merged, and is staged again. */
  private void removeLeftovers() {
    Path dir = staging();
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.csv")) {
      for (Path f : ds) {
        LOG.info("removing {}, staged by a batch that was never merged", f);
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new WarehouseException(
          "cannot clean the staging directory " + dir + ": " + e.getMessage(), -1, null, false, e);
    }
  }

  @Override
  public void apply(ReplEvent event) {
    if (event instanceof Gap g) {
      pending = g.checkpoint();
      return;
    }
    Transaction tx = (Transaction) event;
    current = tx;
    if (tx.lastFrag() && "true".equals(tx.header().option(TransactionOptions.ROLLBACK))) {
      // (only the last fragment says so: the earlier ones are staged in this batch, not merged)
      throw new WarehouseException(
          where(tx, null)
              + ": the source ended this transaction with ROLLBACK after it changed"
              + " non-transactional tables; the log holds its row changes of every table, and which"
              + " of them the source kept (those of its non-transactional tables) cannot be told"
              + " from the log. Apply what remained on the source by hand on the store, then bring"
              + " the service online with skip seqno "
              + tx.seqno(),
          tx.seqno(),
          tx.header().nativePosition(),
          false,
          null);
    }
    try {
      connect();
      for (Change c : tx.changes()) {
        if (c instanceof RowChanges rc) {
          rows(tx, rc);
        } else if (c instanceof SqlStatement st) {
          statement(tx, st);
        }
      }
    } catch (IOException e) {
      throw new WarehouseException(
          where(tx, null)
              + ": cannot write the staging directory "
              + staging()
              + ": "
              + e.getMessage()
              + ". Free space there (a batch needs up to target.warehouse.batch-bytes) or set"
              + " target.warehouse.staging-dir",
          tx.seqno(),
          tx.header().nativePosition(),
          false,
          e);
    } catch (SQLException e) {
      throw failure(e, e.getMessage());
    }
    pending = tx.checkpoint();
    if (tx.lastFrag()) {
      batchTransactions++;
      if (tx.heartbeat() != null) {
        heartbeats.put(tx.heartbeat(), tx.seqno());
        heartbeatTimes.put(tx.heartbeat(), tx.header().sourceCommitMicros());
      }
      current = null;
    }
  }

  private void rows(Transaction tx, RowChanges rc) throws IOException, SQLException {
    if (CatalogTables.isCatalog(rc.schema(), rc.table())) {
      return; // Ferry's own tables on the source: not user data
    }
    if (rc.action() != Action.DELETE && !rc.afterColumns().isAll()) {
      throw new WarehouseException(
          where(tx, rc)
              + ": the source logged only some columns of the rows ("
              + rc.image()
              + " row image); the warehouse needs every column to stage a row's latest image."
              + " Set binlog_row_image = FULL on the source",
          tx.seqno(),
          tx.header().nativePosition(),
          false,
          null);
    }
    StagedTable table = table(tx, rc);
    try {
      for (Row row : rc.rows()) {
        switch (rc.action()) {
          case INSERT -> table.insert(++seq, row);
          case DELETE -> table.delete(++seq, row);
          case UPDATE -> {
            if (table.keyChanged(row)) {
              table.delete(++seq, row);
            }
            table.insert(++seq, row);
          }
        }
      }
    } catch (IllegalArgumentException e) { // a value the store cannot take
      throw new WarehouseException(
          where(tx, rc) + ": " + e.getMessage() + "; then bring the service online again",
          tx.seqno(),
          tx.header().nativePosition(),
          false,
          e);
    }
    long rowsBefore = batchRows;
    batchRows = 0;
    batchBytes = 0;
    for (StagedTable s : staged) {
      batchRows += s.rows();
      batchBytes += s.bytes();
    }
    stats.staged(batchRows - rowsBefore);
  }

  private static String key(String schema, String table) {
    return schema + "\u0000" + table;
  }

  /** The staged file of a change's table, its table in the store made when missing. */
  private StagedTable table(Transaction tx, RowChanges rc) throws SQLException, IOException {
    String k = key(rc.schema(), rc.table());
    StagedTable s = open.get(k);
    if (s != null && s.fits(rc.columns())) {
      return s;
    }
    if (s != null) {
      mergeTable(s); // its columns changed within the batch: what it holds goes first
      staged.remove(s);
    }
    boolean keyed = false;
    for (ColumnSpec c : rc.columns()) {
      keyed |= c.key();
    }
    if (!keyed) {
      throw new WarehouseException(
          where(tx, rc)
              + ": the table has no primary key, and the warehouse merges rows by the primary"
              + " key (a unique key does not do: the log does not flag it). Add a primary key on"
              + " the source, or leave the table out of this service with a filter",
          tx.seqno(),
          tx.header().nativePosition(),
          false,
          null);
    }
    Map<String, String> cols = storeColumns(rc.schema(), rc.table());
    if (cols.isEmpty()) {
      createTable(tx, rc);
      cols = storeColumns(rc.schema(), rc.table());
    }
    for (int i = 0; i < rc.columns().size(); i++) {
      String name = rc.columns().get(i).displayName(i);
      if (!cols.containsKey(name)) {
        throw new WarehouseException(
            where(tx, rc)
                + ": the store's table has no column "
                + name
                + " (it has "
                + String.join(", ", cols.keySet())
                + "). Add it on the store (ALTER TABLE ... ADD COLUMN), or let target.ddl ="
                + " translate apply the source's DDL",
            tx.seqno(),
            tx.header().nativePosition(),
            false,
            null);
      }
    }
    Files.createDirectories(staging());
    int number = files++;
    s =
        new StagedTable(
            rc.schema(),
            rc.table(),
            rc.columns(),
            cols,
            dialect,
            staging().resolve("batch-" + number + ".csv"));
    open.put(k, s);
    staged.add(s);
    return s;
  }

  private Map<String, String> storeColumns(String schema, String table) throws SQLException {
    String k = key(schema, table);
    Map<String, String> cols = storeColumns.get(k);
    if (cols == null) {
      cols = dialect.columns(connection, schema, table);
      if (!cols.isEmpty()) {
        storeColumns.put(k, cols);
      }
    }
    return cols;
  }

  /** A table the store lacks, made from the row change's columns (target.ddl = translate). */
  private void createTable(Transaction tx, RowChanges rc) throws SQLException {
    SchemaTranslator tr = dialect.translator();
    if (!"translate".equals(settings.ddl()) || tr == null) {
      throw new WarehouseException(
          where(tx, rc)
              + ": the store has no such table. Create it ('ferry ddl translate --to warehouse"
              + " --apply'), or set target.ddl = translate"
              + (tr == null ? " with the postgresql target's module on the class path" : ""),
          tx.seqno(),
          tx.header().nativePosition(),
          false,
          null);
    }
    List<String> key = new ArrayList<>();
    for (ColumnSpec c : rc.columns()) {
      if (c.key()) {
        key.add(c.name());
      }
    }
    List<String> sql = new ArrayList<>();
    String schema = tr.createSchema(rc.schema());
    if (schema != null) {
      sql.add(schema);
    }
    sql.addAll(
        tr.createTable(new SourceTable(rc.schema(), rc.table(), rc.columns(), key, List.of())));
    execute(sql);
    LOG.info(
        "created {}.{} in {} from its row changes", rc.schema(), rc.table(), dialect.describe());
  }

  private void execute(List<String> sql) throws SQLException {
    try (Statement st = connection.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  private void statement(Transaction tx, SqlStatement st) throws SQLException {
    StatementKind kind =
        StatementClassifier.classify(st.unsafeSql(), Charsets.forSqlName(st.charset()));
    switch (kind) {
      case BEGIN,
          COMMIT,
          SAVEPOINT,
          RELEASE_SAVEPOINT,
          XA_START,
          XA_END,
          XA_PREPARE,
          XA_COMMIT,
          TEMPORARY_TABLE,
          IMPLICIT_COMMIT,
          ROLLBACK -> {
        return; // boundaries, and statements that change no table's rows or shape
      }
      case ROLLBACK_TO_SAVEPOINT ->
          // logged only when the transaction changed non-transactional tables: the row changes
          // before it in the log include some the source undid
          throw new WarehouseException(
              where(tx, null)
                  + ": the source rolled back part of this transaction ("
                  + shorten(st.text())
                  + ") after it changed non-transactional tables; the row changes it undid are in"
                  + " the log, and the warehouse stages rows, not savepoints. Apply the"
                  + " transaction's net changes by hand on the store, then bring the service online"
                  + " with skip seqno "
                  + tx.seqno(),
              tx.seqno(),
              tx.header().nativePosition(),
              false,
              null);
      case XA_ROLLBACK ->
          throw new WarehouseException(
              where(tx, null)
                  + ": the source rolled back a prepared XA transaction whose rows were already"
                  + " applied; undo them by hand on the store",
              tx.seqno(),
              tx.header().nativePosition(),
              false,
              null);
      case DML ->
          throw new WarehouseException(
              where(tx, null)
                  + ": a statement-logged change ("
                  + shorten(st.text())
                  + ") cannot be applied to a warehouse, which needs rows. Set binlog_format ="
                  + " ROW on the source (then skip or re-provision what was logged as"
                  + " statements: online with skip seqno "
                  + tx.seqno()
                  + ")",
              tx.seqno(),
              tx.header().nativePosition(),
              false,
              null);
      default -> ddl(tx, st);
    }
  }

  private void ddl(Transaction tx, SqlStatement st) throws SQLException {
    String text = st.text();
    String policy = settings.ddl();
    WarehouseDdl.Plan plan =
        kind(text) == StatementKind.UNKNOWN
            ? new WarehouseDdl.Untranslatable("not a statement Ferry knows")
            : ddl.plan(st.defaultSchema(), text);
    if (plan instanceof WarehouseDdl.PassOver pass) {
      LOG.info("seqno {}: passed over ({}): {}", tx.seqno(), pass.why(), shorten(text));
      return;
    }
    if ("ignore".equals(policy)) {
      LOG.warn("seqno {}: DDL ignored (target.ddl = ignore): {}", tx.seqno(), shorten(text));
      stats.ddlIgnored();
      return;
    }
    if ("stop".equals(policy) || plan instanceof WarehouseDdl.Untranslatable) {
      String why =
          plan instanceof WarehouseDdl.Untranslatable u
              ? "it cannot be translated for " + dialect.name() + " (" + u.why() + ")"
              : "target.ddl = stop";
      throw new WarehouseException(
          where(tx, null)
              + ": DDL stops the service, as "
              + why
              + ": "
              + shorten(text)
              + ". Apply its equivalent on the store by hand, then bring the service online with"
              + " skip seqno "
              + tx.seqno()
              + " (or set target.ddl = ignore)",
          tx.seqno(),
          tx.header().nativePosition(),
          false,
          null);
    }
    mergeStaged(); // rows before the DDL go in with the table's old shape
    execute(((WarehouseDdl.Run) plan).statements());
    storeColumns.clear();
    open.clear();
    stats.ddlApplied();
    endBatch = true;
  }

  private static StatementKind kind(String text) {
    return StatementClassifier.classify(text);
  }

  @Override
  public boolean needsCommit() {
    return endBatch || batchRows >= settings.batchRows() || batchBytes >= settings.batchBytes();
  }

  @Override
  public void commit() {
    try {
      connect();
      long rows = batchRows;
      mergeStaged();
      Failpoints.hit("warehouse.before-commit");
      for (Map.Entry<String, Long> h : heartbeats.entrySet()) {
        catalog.heartbeat(
            connection, h.getKey(), h.getValue(), heartbeatTimes.get(h.getKey()), clock.millis());
      }
      catalog.write(connection, pending, clock.millis());
      connection.commit();
      Failpoints.hit("warehouse.after-commit");
      stats.committed(batchTransactions, rows, pending);
      reset();
    } catch (SQLException e) {
      throw failure(e, "the batch's merge failed: " + e.getMessage());
    }
  }

  /** Merges every staged table into the open store transaction. */
  private void mergeStaged() throws SQLException {
    try {
      for (StagedTable s : staged) {
        mergeTable(s);
      }
    } catch (IOException e) {
      throw new SQLException("cannot finish a staged file: " + e.getMessage(), e);
    }
    staged.clear();
    open.clear();
  }

  private void mergeTable(StagedTable s) throws SQLException, IOException {
    s.finish();
    if (s.rows() == 0) {
      s.discard();
      return;
    }
    String stagingTable = dialect.createStaging(connection, s.schema, s.table, 0);
    try {
      dialect.load(connection, stagingTable, s.names, s.file);
      Failpoints.hit("warehouse.after-load");
      try (Statement st = connection.createStatement()) {
        for (String sql :
            dialect.merge(dialect.qualified(s.schema, s.table), stagingTable, s.keys, s.names)) {
          st.execute(sql);
        }
      }
    } catch (SQLException e) {
      throw new SQLException(
          "merging "
              + s.rows()
              + " staged changes into "
              + s.schema
              + "."
              + s.table
              + ": "
              + e.getMessage(),
          e.getSQLState(),
          e.getErrorCode(),
          e);
    }
    dialect.dropStaging(connection, stagingTable);
    s.discard();
  }

  private void reset() {
    staged.clear();
    open.clear();
    heartbeats.clear();
    heartbeatTimes.clear();
    seq = 0;
    batchRows = 0;
    batchBytes = 0;
    batchTransactions = 0;
    endBatch = false;
    current = null;
  }

  private void discardStaged() {
    for (StagedTable s : staged) {
      s.discard();
    }
    reset();
  }

  @Override
  public void rollback() {
    discardStaged();
    storeColumns.clear(); // a rolled-back DDL leaves the tables as they were
    Connection c = connection;
    if (c != null) {
      try {
        c.rollback();
      } catch (SQLException e) {
        LOG.debug("rollback on {} failed: {}", dialect.describe(), e.getMessage());
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
        LOG.debug("aborting the connection to {}: {}", dialect.describe(), e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    discardStaged();
    disconnect();
  }

  private void connect() throws SQLException {
    if (connection != null) {
      return;
    }
    Connection c = dialect.connect();
    try {
      catalog.install(c);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    storeColumns.clear();
    connection = c;
  }

  private void disconnect() {
    Connection c = connection;
    connection = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        LOG.debug("closing the connection to {}: {}", dialect.describe(), e.getMessage());
      }
    }
  }

  private String where(Transaction tx, RowChanges rc) {
    StringBuilder sb = new StringBuilder("service ").append(settings.service());
    if (tx != null) {
      sb.append(", seqno ").append(tx.seqno());
      if (tx.header().nativePosition() != null) {
        sb.append(" (")
            .append(tx.header().nativePosition().kind())
            .append(' ')
            .append(tx.header().nativePosition().text())
            .append(')');
      }
    }
    if (rc != null) {
      sb.append(", table ").append(rc.schema()).append('.').append(rc.table());
    }
    return sb.append(", store ").append(dialect.describe()).toString();
  }

  /** A store error, retriable when trying again from the last merged batch can pass. */
  private WarehouseException failure(SQLException e, String what) {
    Transaction tx = current;
    String state = e.getSQLState();
    // lost connection (08), serialization failure or deadlock (40), a server shut down or its
    // session ended by an administrator (57P)
    boolean retriable =
        state != null
            && (state.startsWith("08") || state.startsWith("40") || state.startsWith("57P"));
    if (retriable) {
      disconnect();
    }
    return new WarehouseException(
        where(tx, null)
            + ": "
            + what
            + (retriable
                ? ". This may pass; the service retries from its last merged batch"
                : ". Fix the store (or the table's definition there) and bring the service online"
                    + " again: the batch is staged again from the log"),
        tx == null ? -1 : tx.seqno(),
        tx == null ? null : tx.header().nativePosition(),
        retriable,
        e);
  }

  private static String shorten(String s) {
    String one = s.replaceAll("\\s+", " ").trim();
    return one.length() <= 300 ? one : one.substring(0, 297) + "...";
  }
}
