package io.ferry.mongodb;

import com.mongodb.MongoException;
import com.mongodb.TransactionOptions;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import io.ferry.core.event.Change;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.position.NativePosition;
import io.ferry.core.value.Charsets;
import io.ferry.mysql.apply.CatalogTables;
import io.ferry.mysql.sql.StatementClassifier;
import io.ferry.mysql.sql.StatementKind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies transactions to MongoDB: each row change becomes a write by {@code _id} (inserts and
 * updates replace the whole document, upserting; a changed key deletes the old {@code _id} first;
 * deletes delete by {@code _id}), queued per collection and sent as ordered bulk writes. At commit
 * the writes go first and the position after them, in one multi-document transaction where the
 * server has them ({@link Capabilities}); elsewhere a crash between the two replays the block,
 * which ends in the same documents because every write sets a document to a row image or removes
 * it. DDL runs in a block of its own, after the writes before it are committed with their position.
 * Used by one task thread; {@link #abort} from another.
 */
final class MongoApplier implements Applier {
  private static final Logger LOG = LoggerFactory.getLogger(MongoApplier.class);
  private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
  private static final UpdateOptions UPDATE_UPSERT = new UpdateOptions().upsert(true);
  private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true);

  private final MongoTarget target;
  private final MongoSettings settings;
  private final Clock clock;
  private final MongoCatalog catalog;

  private volatile MongoClient client;
  private Capabilities capabilities;
  private ClientSession session; // the open transaction of the block, transactional path only
  private final Map<Namespace, List<WriteModel<BsonDocument>>> queued = new LinkedHashMap<>();
  private int queuedWrites;
  private final Map<Namespace, Boolean> ensured = new HashMap<>();
  private Checkpoint pending = Checkpoint.NONE;
  private Checkpoint lastComplete = Checkpoint.NONE;
  private Transaction current;
  private String heartbeat;
  private long heartbeatSeqno;
  private long heartbeatMicros;
  private boolean commitAfter;
  private long blockRows;
  private long blockTransactions;
  private long blockStatements;

  MongoApplier(MongoTarget target, MongoSettings settings, Clock clock) {
    this.target = target;
    this.settings = settings;
    this.clock = clock;
    this.catalog = new MongoCatalog(settings.catalogDatabase(), target.writeConcern());
  }

  @Override
  public Checkpoint lastCommitted() {
    try {
      connect();
      discard();
      pending = catalog.read(client);
      lastComplete = pending;
      return pending;
    } catch (MongoException e) {
      throw failure(e, null, "cannot read the position in " + catalog.database() + ".position");
    }
  }

  @Override
  public void apply(ReplEvent event) {
    try {
      connect();
      if (event instanceof Gap g) {
        pending = g.checkpoint();
        lastComplete = pending;
        return;
      }
      Transaction tx = (Transaction) event;
      current = tx;
      if (tx.fragno() == 0 && (tx.commitRequired() || hasStatements(tx))) {
        commitBefore(); // DDL is a block of its own: what came before is committed first
      }
      for (Change c : tx.changes()) {
        if (c instanceof RowChanges rc) {
          rows(rc);
        } else if (c instanceof SqlStatement st) {
          statement(tx, st);
        }
      }
      pending = tx.checkpoint();
      if (tx.lastFrag()) {
        if (tx.heartbeat() != null) {
          heartbeat = tx.heartbeat();
          heartbeatSeqno = tx.seqno();
          heartbeatMicros = tx.header().sourceCommitMicros();
        }
        blockTransactions++;
        lastComplete = pending;
        current = null;
      }
    } catch (MongoException e) {
      throw failure(e, null, e.getMessage());
    }
  }

  private static boolean hasStatements(Transaction tx) {
    for (Change c : tx.changes()) {
      if (c instanceof SqlStatement) {
        return true;
      }
    }
    return false;
  }

  /** Commits what the block holds so far with the position of its last whole transaction. */
  private void commitBefore() {
    if (queuedWrites > 0 || session != null || blockTransactions > 0) {
      writeBlock(lastComplete);
    }
    commitAfter = true;
  }

  private void rows(RowChanges rc) {
    if (CatalogTables.isCatalog(rc.schema(), rc.table())) {
      return; // Ferry's own catalog on the source: not user data
    }
    List<ColumnSpec> cols = rc.columns();
    int[] key = keyColumns(rc);
    Namespace ns = Namespace.of(settings, rc.schema(), rc.table());
    boolean[] json = new boolean[cols.size()];
    for (int i = 0; i < cols.size(); i++) {
      json[i] =
          !settings.jsonColumns().isEmpty()
              && settings.isJson(rc.schema(), rc.table(), cols.get(i).name());
    }
    for (Row row : rc.rows()) {
      switch (rc.action()) {
        case INSERT -> queue(ns, replace(rc, cols, key, json, row));
        case DELETE -> queue(ns, new DeleteOneModel<>(Filters.eq("_id", id(rc, key, row, true))));
        case UPDATE -> {
          BsonValue before = id(rc, key, row, true);
          BsonValue after = id(rc, key, row, false);
          if (!before.equals(after)) {
            queue(ns, new DeleteOneModel<>(Filters.eq("_id", before)));
          }
          queue(ns, replace(rc, cols, key, json, row));
        }
      }
      blockRows++;
    }
  }

  /** The write of an after image: the whole document, or only its columns when the image is not. */
  private WriteModel<BsonDocument> replace(
      RowChanges rc, List<ColumnSpec> cols, int[] key, boolean[] json, Row row) {
    BsonValue id = id(rc, key, row, false);
    BsonDocument doc = new BsonDocument("_id", id);
    ColumnMask mask = rc.afterColumns();
    boolean whole = true;
    for (int i = 0; i < cols.size(); i++) {
      if (!mask.contains(i)) {
        whole = false;
        continue;
      }
      String name = cols.get(i).displayName(i);
      try {
        BsonMapping.put(doc, cols.get(i), name, row.after(i), json[i]);
      } catch (IllegalArgumentException e) {
        throw new MongoApplyException(
            where(rc) + ", column " + name + ": " + e.getMessage(), seqno(), position(), false, e);
      }
    }
    if (whole) {
      return new ReplaceOneModel<>(Filters.eq("_id", id), doc, UPSERT);
    }
    doc.remove("_id"); // a partial image (binlog_row_image = MINIMAL or NOBLOB): set what it has
    return new UpdateOneModel<>(
        Filters.eq("_id", id), new BsonDocument("$set", doc), UPDATE_UPSERT);
  }

  private int[] keyColumns(RowChanges rc) {
    List<ColumnSpec> cols = rc.columns();
    int n = 0;
    for (ColumnSpec c : cols) {
      n += c.key() ? 1 : 0;
    }
    if (n == 0) {
      throw new MongoApplyException(
          where(rc)
              + " has no primary key, and a document needs an _id that follows the row: add a"
              + " primary key (or a NOT NULL unique key) to the source table, or leave the table"
              + " out with a filter (filters.*), then bring the service online again",
          seqno(),
          position(),
          false,
          null);
    }
    int[] key = new int[n];
    for (int i = 0, k = 0; i < cols.size(); i++) {
      if (cols.get(i).key()) {
        key[k++] = i;
      }
    }
    return key;
  }

  /** The _id of a row image: the key's value, or an embedded document of the key columns. */
  private BsonValue id(RowChanges rc, int[] key, Row row, boolean before) {
    try {
      return idOf(rc, key, row, before);
    } catch (IllegalArgumentException e) {
      throw new MongoApplyException(
          where(rc) + ", its key: " + e.getMessage(), seqno(), position(), false, e);
    }
  }

  private static BsonValue idOf(RowChanges rc, int[] key, Row row, boolean before) {
    List<ColumnSpec> cols = rc.columns();
    if (key.length == 1) {
      int i = key[0];
      return BsonMapping.value(cols.get(i), before ? row.before(i) : row.after(i), false);
    }
    BsonDocument id = new BsonDocument();
    for (int i : key) {
      id.put(
          cols.get(i).displayName(i),
          BsonMapping.value(cols.get(i), before ? row.before(i) : row.after(i), false));
    }
    return id;
  }

  private void queue(Namespace ns, WriteModel<BsonDocument> write) {
    ensure(ns);
    List<WriteModel<BsonDocument>> list = queued.computeIfAbsent(ns, k -> new ArrayList<>());
    list.add(write);
    queuedWrites++;
    if (list.size() >= settings.batchSize()) {
      flush(ns, list);
    }
  }

  /**
   * Creates the collection before its first write (outside any transaction: a transaction cannot
   * create collections on every server version); the {@code _id} index comes with it.
   */
  private void ensure(Namespace ns) {
    if (ensured.containsKey(ns)) {
      return;
    }
    target.ensureCollection(client, ns, List.of());
    ensured.put(ns, Boolean.TRUE);
  }

  private void flush(Namespace ns, List<WriteModel<BsonDocument>> list) {
    if (list.isEmpty()) {
      return;
    }
    var coll = client.getDatabase(ns.database()).getCollection(ns.collection(), BsonDocument.class);
    if (capabilities.transactional()) {
      coll.bulkWrite(session(), list, ORDERED); // durable with the transaction's write concern
    } else {
      coll.withWriteConcern(target.writeConcern()).bulkWrite(list, ORDERED);
    }
    queuedWrites -= list.size();
    list.clear();
  }

  @Override
  public void flush() {
    try {
      flushAll();
    } catch (MongoException e) {
      throw failure(e, null, e.getMessage());
    }
  }

  private void flushAll() {
    for (Map.Entry<Namespace, List<WriteModel<BsonDocument>>> e : queued.entrySet()) {
      flush(e.getKey(), e.getValue());
    }
    queued.clear();
    queuedWrites = 0;
  }

  private ClientSession session() {
    if (session == null) {
      session = client.startSession();
      session.startTransaction(
          TransactionOptions.builder().writeConcern(target.writeConcern()).build());
    }
    return session;
  }

  private void statement(Transaction tx, SqlStatement st) {
    StatementKind kind =
        StatementClassifier.classify(st.unsafeSql(), Charsets.forSqlName(st.charset()));
    switch (kind) {
      case DML ->
          throw new MongoApplyException(
              "seqno "
                  + tx.seqno()
                  + " holds a statement-logged change ("
                  + shorten(st.text())
                  + "), which only a SQL server can run; MongoDB needs the rows: set"
                  + " binlog_format = ROW on the source (and restart the writers' sessions), then"
                  + " skip this transaction (online with skip seqno "
                  + tx.seqno()
                  + ") once its rows are on "
                  + target.describe()
                  + " by other means",
              tx.seqno(),
              tx.header().nativePosition(),
              false,
              null);
      case DDL, UNKNOWN -> ddl(tx, st);
      case XA_ROLLBACK ->
          throw new MongoApplyException(
              "seqno "
                  + tx.seqno()
                  + ": the source rolled back a prepared XA transaction, which Ferry applied when"
                  + " it was prepared; its changes are on "
                  + target.describe()
                  + " and must be undone by hand",
              tx.seqno(),
              tx.header().nativePosition(),
              false,
              null);
      default -> {
        // transaction boundaries, savepoints, table maintenance, temporary tables: nothing here
      }
    }
  }

  private void ddl(Transaction tx, SqlStatement st) {
    String sql = st.text();
    switch (settings.ddl()) {
      case "ignore" -> {
        LOG.warn("seqno {}: DDL passed over (target.ddl = ignore): {}", tx.seqno(), shorten(sql));
        target.countIgnoredDdl();
        return;
      }
      case "stop" -> throw ddlStop(tx, sql, "target.ddl = stop");
      default -> {
        // translate
      }
    }
    List<MongoDdl.Op> ops;
    try {
      ops = MongoDdl.parse(st.defaultSchema(), sql);
    } catch (MongoDdl.Untranslatable e) {
      throw ddlStop(tx, sql, e.getMessage());
    }
    flushAll();
    for (MongoDdl.Op op : ops) {
      if (!touchesCatalog(op)) {
        target.runDdl(client, op);
        ensured.clear();
      }
    }
    blockStatements++;
  }

  private static boolean touchesCatalog(MongoDdl.Op op) {
    if (op instanceof MongoDdl.Create c) {
      return CatalogTables.isCatalog(c.schema(), c.table());
    }
    if (op instanceof MongoDdl.Drop d) {
      return CatalogTables.isCatalog(d.schema(), d.table());
    }
    return op instanceof MongoDdl.DropSchema d && d.schema().startsWith("ferry_");
  }

  private MongoApplyException ddlStop(Transaction tx, String sql, String why) {
    return new MongoApplyException(
        "seqno "
            + tx.seqno()
            + " is DDL that is not applied to "
            + target.describe()
            + " ("
            + why
            + "): "
            + shorten(sql)
            + ". Make the change on MongoDB by hand if it needs one, then skip it (online with"
            + " skip seqno "
            + tx.seqno()
            + "), or set target.ddl = ignore",
        tx.seqno(),
        tx.header().nativePosition(),
        false,
        null);
  }

  @Override
  public boolean needsCommit() {
    return commitAfter;
  }

  @Override
  public void commit() {
    try {
      connect();
      writeBlock(pending);
      commitAfter = false;
    } catch (MongoException e) {
      throw failure(e, null, "commit failed: " + e.getMessage());
    }
  }

  /** The block's writes, then its position (in the transaction, where there is one). */
  private void writeBlock(Checkpoint position) {
    flushAll();
    ClientSession s = capabilities.transactional() ? session() : null;
    if (heartbeat != null) {
      catalog.heartbeat(client, s, heartbeat, heartbeatSeqno, heartbeatMicros, clock.millis());
    }
    catalog.write(client, s, position, clock.millis());
    if (s != null) {
      s.commitTransaction();
      s.close();
      session = null;
    }
    heartbeat = null;
    target.committed(blockTransactions, blockRows, blockStatements);
    blockTransactions = 0;
    blockRows = 0;
    blockStatements = 0;
  }

  @Override
  public void rollback() {
    discard();
  }

  /** Forgets the open block: queued writes, and the open transaction (aborted). */
  private void discard() {
    queued.clear();
    queuedWrites = 0;
    current = null;
    heartbeat = null;
    commitAfter = false;
    blockTransactions = 0;
    blockRows = 0;
    blockStatements = 0;
    ClientSession s = session;
    session = null;
    if (s != null) {
      try {
        if (s.hasActiveTransaction()) {
          s.abortTransaction();
        }
      } catch (MongoException e) {
        LOG.debug("aborting the transaction on {}: {}", target.describe(), e.getMessage());
      } finally {
        s.close();
      }
    }
  }

  @Override
  public void abort() {
    MongoClient c = client;
    if (c != null) {
      c.close(); // breaks a write in flight: the task ends, its open block abandoned
    }
  }

  @Override
  public void close() {
    discard();
    MongoClient c = client;
    client = null;
    if (c != null) {
      c.close();
    }
  }

  private void connect() {
    if (client == null) {
      client = target.newClient();
      ensured.clear();
      session = null;
    }
    if (capabilities == null) {
      capabilities = target.capabilities(client);
    }
  }

  private MongoApplyException failure(MongoException e, String table, String what) {
    boolean retriable = MongoTarget.isTransient(e);
    if (retriable) {
      MongoClient c = client;
      client = null;
      session = null;
      if (c != null) {
        c.close();
      }
    }
    StringBuilder m = new StringBuilder("cannot apply");
    long seqno = seqno();
    if (seqno >= 0) {
      m.append(" seqno ").append(seqno);
      NativePosition pos = position();
      if (pos != null) {
        m.append(" (").append(pos.kind()).append(' ').append(pos.text()).append(')');
      }
    }
    m.append(" of service ").append(settings.service()).append(" to ").append(target.describe());
    if (table != null) {
      m.append(", collection ").append(table);
    }
    m.append(": ").append(what).append(" [MongoDB error ").append(e.getCode()).append(']');
    m.append(
        retriable
            ? ". This may pass; the service retries from its last commit."
            : ". Fix the target and bring the service online again"
                + (seqno >= 0
                    ? ", or skip this transaction (online with skip seqno " + seqno + ")"
                    : ""));
    return new MongoApplyException(m.toString(), seqno, position(), retriable, e);
  }

  private long seqno() {
    return current == null ? -1 : current.seqno();
  }

  private NativePosition position() {
    return current == null ? null : current.header().nativePosition();
  }

  private String where(RowChanges rc) {
    return "service "
        + settings.service()
        + ", seqno "
        + seqno()
        + ", table "
        + rc.schema()
        + "."
        + rc.table()
        + " (to "
        + target.describe()
        + ")";
  }

  private static String shorten(String s) {
    return s.length() <= 300 ? s : s.substring(0, 297) + "...";
  }
}
