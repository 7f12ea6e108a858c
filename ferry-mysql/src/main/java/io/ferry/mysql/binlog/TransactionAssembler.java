package io.ferry.mysql.binlog;

import com.github.shyiko.mysql.binlog.event.ByteArrayEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.IntVarEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.RowsQueryEventData;
import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SessionVariable;
import io.ferry.core.event.Shards;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.position.MariaDbGtidPosition;
import io.ferry.core.position.MySqlGtid;
import io.ferry.core.position.NativePosition;
import io.ferry.core.value.Charsets;
import io.ferry.core.value.Text;
import io.ferry.mysql.apply.CatalogTables;
import io.ferry.mysql.check.ChunkMarker;
import io.ferry.mysql.sql.DdlScope;
import io.ferry.mysql.sql.StatementClassifier;
import io.ferry.mysql.sql.StatementKind;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Turns binlog events, in order, into transactions: boundaries from GTID, BEGIN, XID, COMMIT, XA
 * PREPARE and standalone statements (DDL commits implicitly); row changes decoded with their
 * table's layout; statements with the session context that changes their meaning. A transaction
 * larger than the fragment bound is handed out in fragments while it streams, so memory stays
 * bounded. Not thread-safe: one extractor thread.
 */
public final class TransactionAssembler {
  /** Told about each DDL statement (for the schema history). */
  public interface DdlListener {
    void ddl(BinlogPosition at, String defaultSchema, String sql);
  }

  private static final int FL_STANDALONE = 1;
  private static final int FL_PREPARED_XA = 64;
  private static final int FL_COMPLETED_XA = 128;

  private final TableResolver resolver;
  private final java.util.function.IntFunction<String[]> collation;
  private final long fragmentBytes;
  private final Clock clock;
  private final DdlListener ddlListener;

  private String file;
  private BinlogPosition lastEnd;

  // the open transaction
  private boolean open;
  private boolean standalone;

  /**
   * Whether the group was opened as a transaction (BEGIN, XA START, or a MariaDB GTID event without
   * the standalone flag): only then do statements stay in it until its end. A statement outside one
   * (MySQL logs CREATE TEMPORARY TABLE, say, as a GTID and the statement alone) is a transaction of
   * its own.
   */
  private boolean explicitBegin;

  private NativePosition gtid;

  /**
   * MariaDB: the GTID state before the open transaction (the last GTID of every domain), kept from
   * where reading started; null when unknown. Positions carry it when it has several domains, so
   * that a failover can resume exactly across domains.
   */
  private MariaDbGtidPosition gtidState;

  private long originServerId;
  private long commitMicros;
  private final List<Change> changes = new ArrayList<>();
  private long bytes;
  private int fragno;
  private final Set<String> schemas = new LinkedHashSet<>();
  private final Map<String, String> options = new TreeMap<>();

  private String heartbeatSchema;
  private ChunkMarker repair; // the repair this transaction carries

  // context for the next statement
  private final List<SessionVariable> pendingVariables = new ArrayList<>();
  private final Map<Long, ByteArrayOutputStream> loadFiles = new HashMap<>();

  /**
   * @param resolver turns table maps into layouts
   * @param collation a collation id to {collation name, character set name}, or null if unknown
   * @param fragmentBytes a transaction is handed out in fragments of about this size
   * @param clock the time source for extract times
   * @param ddlListener told about every DDL statement, or null
   */
  public TransactionAssembler(
      TableResolver resolver,
      java.util.function.IntFunction<String[]> collation,
      long fragmentBytes,
      Clock clock,
      DdlListener ddlListener) {
    this.resolver = resolver;
    this.collation = collation;
    this.fragmentBytes = fragmentBytes;
    this.clock = clock;
    this.ddlListener = ddlListener;
  }

  /** Where reading starts: the file, and the position of the last complete transaction's end. */
  /**
   * The schema of the service's own heartbeat table on the source ({@code ferry_<service>}):
   * changes to it become heartbeats instead of replicated rows.
   */
  public void heartbeatSchema(String schema) {
    this.heartbeatSchema = schema;
  }

  public void startAt(BinlogPosition position) {
    file = position.file();
    lastEnd = position;
    gtidState = position.state();
    reset();
  }

  /** The GTID state where reading starts (from the source, or a GTID start), or null. */
  public void trackGtidState(MariaDbGtidPosition state) {
    gtidState = state;
  }

  /** The end of the last complete transaction handed out (where a reconnect resumes). */
  public BinlogPosition lastEnd() {
    return lastEnd;
  }

  /**
   * Reading goes on in the next binlog file, which the last one did not name by a rotation (a file
   * the server stopped writing when it died): positions are in that file from here.
   */
  public void nextFile(String name) {
    file = name;
  }

  /** Whether a transaction is open (some of its events were read but not its end). */
  public boolean inTransaction() {
    return open;
  }

  /** Whether fragments of the open transaction were handed out already. */
  public boolean handedOutFragments() {
    return open && fragno > 0;
  }

  /** Forgets an open transaction (the stream broke; it is read again from its start). */
  public void abandonOpenTransaction() {
    reset();
  }

  /** Takes the next event; returns a transaction or fragment when one is complete, else null. */
  public Transaction accept(Event event) {
    EventHeaderV4 h = event.getHeader();
    EventType type = h.getEventType();
    switch (type) {
      case ROTATE -> {
        file = ((RotateEventData) event.getData()).getBinlogFilename();
        return null;
      }
      case MARIADB_GTID -> {
        MariadbGtidEventData g = event.getData();
        begin(h);
        gtid = new MariaDbGtid(g.getDomainId(), h.getServerId(), g.getSequence());
        standalone = (g.getFlags() & FL_STANDALONE) != 0;
        explicitBegin = !standalone; // MariaDB's GTID event stands for the BEGIN
        if ((g.getFlags() & FL_PREPARED_XA) != 0) {
          options.put("xa", "prepared");
        } else if ((g.getFlags() & FL_COMPLETED_XA) != 0) {
          options.put("xa", "completed");
        }
        return null;
      }
      case GTID -> {
        GtidEventData g = event.getData();
        begin(h);
        gtid =
            new MySqlGtid(
                UUID.fromString(g.getMySqlGtid().getServerId().toString()),
                g.getMySqlGtid().getTransactionId());
        if (g.getImmediateCommitTimestamp() > 0) {
          commitMicros = g.getImmediateCommitTimestamp();
        }
        return null;
      }
      case QUERY -> {
        return query(h, QueryEvent.parse(raw(event), false), null);
      }
      case EXECUTE_LOAD_QUERY -> {
        QueryEvent q = QueryEvent.parse(raw(event), true);
        ByteArrayOutputStream data = loadFiles.remove(q.loadFileId);
        return query(h, q, data == null ? new byte[0] : data.toByteArray());
      }
      case BEGIN_LOAD_QUERY, APPEND_BLOCK -> {
        BinlogInput in = new BinlogInput(raw(event));
        long fileId = in.u32();
        byte[] block = in.rest();
        ByteArrayOutputStream out =
            type == EventType.BEGIN_LOAD_QUERY
                ? new ByteArrayOutputStream()
                : loadFiles.get(fileId);
        if (out == null) {
          throw new BinlogFormatException("APPEND_BLOCK for unknown LOAD DATA file " + fileId);
        }
        out.write(block, 0, block.length);
        loadFiles.put(fileId, out);
        return null;
      }
      case TABLE_MAP -> {
        ensureOpen(h);
        resolver.resolve(raw(event), position(h));
        return null;
      }
      case WRITE_ROWS, EXT_WRITE_ROWS -> {
        return rows(h, raw(event), Action.INSERT, type == EventType.EXT_WRITE_ROWS);
      }
      case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
        return rows(h, raw(event), Action.UPDATE, type == EventType.EXT_UPDATE_ROWS);
      }
      case DELETE_ROWS, EXT_DELETE_ROWS -> {
        return rows(h, raw(event), Action.DELETE, type == EventType.EXT_DELETE_ROWS);
      }
      case ANNOTATE_ROWS -> {
        ensureOpen(h);
        add(new RowsQuery(new String(raw(event), java.nio.charset.StandardCharsets.UTF_8)));
        return null;
      }
      case ROWS_QUERY -> {
        ensureOpen(h);
        add(new RowsQuery(((RowsQueryEventData) event.getData()).getQuery()));
        return null;
      }
      case INTVAR -> {
        IntVarEventData v = event.getData();
        pendingVariables.add(
            new SessionVariable(v.getType() == 1 ? "last_insert_id" : "insert_id", v.getValue()));
        return null;
      }
      case RAND -> {
        BinlogInput in = new BinlogInput(raw(event));
        pendingVariables.add(new SessionVariable("rand_seed1", in.i64()));
        pendingVariables.add(new SessionVariable("rand_seed2", in.i64()));
        return null;
      }
      case USER_VAR -> {
        UserVarEvent v = UserVarEvent.parse(raw(event));
        Object value = v.value;
        if (value instanceof byte[] b) {
          String[] c = collation.apply(v.collation);
          value = Text.wrap(b, c == null ? "binary" : c[1]);
        }
        pendingVariables.add(new SessionVariable("@" + v.name, value));
        return null;
      }
      case XID -> {
        return finish(h);
      }
      case XA_PREPARE -> {
        options.put("xa", "prepared");
        return finish(h);
      }
      case INCIDENT ->
          throw new BinlogFormatException(
              "the source logged an INCIDENT event at "
                  + position(h).text()
                  + ": it lost track of changes there (for example a failed non-transactional"
                  + " statement). The replicas cannot be trusted past it; re-provision them.");
      default -> {
        return null; // format description, heartbeats, GTID lists, checkpoints, stop
      }
    }
  }

  private static byte[] raw(Event event) {
    return ((ByteArrayEventData) event.getData()).getData();
  }

  private BinlogPosition position(EventHeaderV4 h) {
    MariaDbGtidPosition after = null;
    if (gtidState != null && gtid instanceof MariaDbGtid g) {
      MariaDbGtidPosition s = gtidState.with(g);
      after = s.gtids().size() > 1 ? s : null;
    }
    return new BinlogPosition(file, h.getNextPosition(), gtid, after);
  }

  private void begin(EventHeaderV4 h) {
    if (open && (!changes.isEmpty() || fragno > 0)) {
      throw new BinlogFormatException(
          "a new transaction starts at "
              + position(h).text()
              + " while the one before it"
              + (gtid == null ? "" : " (" + gtid.text() + ")")
              + " has not ended: its "
              + changes.size()
              + " change(s) would be lost. Ferry does not know how this source ends such a"
              + " transaction; report it with the output of mariadb-binlog for this position.");
    }
    reset();
    open = true;
    originServerId = h.getServerId();
  }

  private void ensureOpen(EventHeaderV4 h) {
    if (!open) {
      begin(h);
    }
  }

  private void reset() {
    open = false;
    standalone = false;
    explicitBegin = false;
    gtid = null;
    commitMicros = 0;
    changes.clear();
    bytes = 0;
    fragno = 0;
    schemas.clear();
    options.clear();
    repair = null;
    pendingVariables.clear();
  }

  private void add(Change c) {
    changes.add(c);
    bytes += c.estimatedBytes();
  }

  private Transaction rows(EventHeaderV4 h, byte[] body, Action action, boolean v2) {
    ensureOpen(h);
    long tableId = RowsEventParser.tableId(body);
    TableLayout layout = resolver.layout(tableId);
    if (layout == null) {
      throw new BinlogFormatException(
          "a rows event at "
              + position(h).text()
              + " refers to table id "
              + tableId
              + " without a table map before it (reading started inside a statement?)");
    }
    int flags = RowsEventParser.flags(body);
    if ((flags & RowsEventParser.NO_FOREIGN_KEY_CHECKS) != 0) {
      options.put("foreign_key_checks", "0");
    }
    if ((flags & RowsEventParser.RELAXED_UNIQUE_CHECKS) != 0) {
      options.put("unique_checks", "0");
    }
    RowChanges rc = RowsEventParser.parse(body, action, v2, layout);
    if (rc.schema().equals(heartbeatSchema)) {
      rc = heartbeat(rc);
      if (rc == null) {
        return null;
      }
    }
    if (CatalogTables.isCatalog(rc.schema(), rc.table())) {
      return null; // another service's catalog, written by its applier on this server
    }
    schemas.add(rc.schema());
    add(rc);
    return bytes > fragmentBytes ? fragment(h) : null;
  }

  /**
   * A change to a table of the service's own schema on the source: the heartbeat table's makes the
   * transaction that named heartbeat, the check marker's a consistency check or repair marker (the
   * rows themselves are not replicated); rows a repair copies into its table of the same definition
   * are the repaired table's own (returned as such). Null when nothing is to be added.
   */
  private RowChanges heartbeat(RowChanges rc) {
    boolean written = rc.action() != Action.DELETE && !rc.rows().isEmpty();
    if (rc.table().equals("heartbeat") && written) {
      Object name = rc.rows().get(rc.rows().size() - 1).after(1);
      options.put(TransactionOptions.HEARTBEAT, name == null ? "" : name.toString());
    } else if (rc.table().equals(ChunkMarker.TABLE) && written) {
      ChunkMarker m = ChunkMarker.fromRow(rc.rows().get(rc.rows().size() - 1).afterImage());
      m.into(options);
      if (m.kind() == ChunkMarker.Kind.REPAIR) {
        repair = m;
        schemas.add(m.schema()); // its shard, also when no row follows
        options.put("foreign_key_checks", "0"); // the rows are replaced, not changed
      }
    } else if (rc.table().startsWith(ChunkMarker.REPAIR_PREFIX)
        && rc.action() == Action.INSERT
        && repair != null) {
      return new RowChanges(
          repair.schema(),
          repair.table(),
          rc.action(),
          rc.columns(),
          rc.image(),
          rc.beforeColumns(),
          rc.afterColumns(),
          rc.rows());
    }
    return null;
  }

  private Transaction query(EventHeaderV4 h, QueryEvent q, byte[] loadData) {
    String[] clientCharset = q.charsetClient == null ? null : collation.apply(q.charsetClient);
    String charset = clientCharset == null ? "utf8mb4" : clientCharset[1];
    StatementKind kind = StatementClassifier.classify(q.sql, Charsets.forSqlName(charset));
    switch (kind) {
      case BEGIN -> {
        if (!open) {
          begin(h);
        }
        explicitBegin = true;
        return null;
      }
      case COMMIT -> {
        // a group that ends with a COMMIT statement changed non-transactional tables
        options.put(TransactionOptions.COMMIT_REQUIRED, "true");
        return finish(h);
      }
      case ROLLBACK -> {
        options.put(TransactionOptions.ROLLBACK, "true");
        options.put(TransactionOptions.COMMIT_REQUIRED, "true");
        return finish(h);
      }
      case XA_START -> {
        if (!open) {
          begin(h);
        }
        explicitBegin = true;
        return null; // the GTID event and XA_PREPARE mark the boundaries
      }
      case XA_END -> {
        return null;
      }
      default -> {
        // a statement of the transaction
      }
    }
    ensureOpen(h);
    List<SessionVariable> session = sessionOf(h, q);
    if (loadData != null) {
      session.add(new SessionVariable("ferry.load_data.file", loadData));
      session.add(new SessionVariable("ferry.load_data.name_start", (long) q.loadNameStart));
      session.add(new SessionVariable("ferry.load_data.name_end", (long) q.loadNameEnd));
      session.add(
          new SessionVariable(
              "ferry.load_data.duplicates",
              switch (q.loadDuplicates) {
                case 1 -> "ignore";
                case 2 -> "replace";
                default -> "error";
              }));
    }
    if (q.errorCode != 0) {
      // the statement's own: another statement of the transaction may have failed otherwise
      session.add(new SessionVariable(SqlStatement.ERROR_CODE, (long) q.errorCode));
    }
    SqlStatement statement = SqlStatement.owning(q.sql, charset, q.schema, session);
    Set<String> scope = null;
    String ddlText =
        kind == StatementKind.DDL ? StatementClassifier.unwrap(statement.text()) : null;
    if (kind == StatementKind.DDL) {
      scope = DdlScope.schemasOf(q.schema, ddlText);
      schemas.addAll(scope == null ? Set.of(Shards.GLOBAL) : scope);
    } else if (kind == StatementKind.UNKNOWN) {
      schemas.add(Shards.GLOBAL); // it may touch anything
    } else if (!kind.isSavepoint()) {
      schemas.addAll(statementSchemas(q));
    }
    if (q.unknownStatusVariable) {
      options.put("statement.context_incomplete", "true");
    }
    if (!(scope != null && scope.contains(String.valueOf(heartbeatSchema)))
        && !(ddlText != null && CatalogTables.createsCatalogTable(ddlText))
        && !CatalogTables.namesServiceTable(statement.text())) {
      // statements on a service's own schema on the source (its heartbeat and check tables, a
      // repair's copy of a table), or creating a catalog table, are not replicated
      add(statement);
    }
    if (kind.needsOwnBlock()) {
      options.put(TransactionOptions.COMMIT_REQUIRED, "true");
    }
    if (kind.changesSchema()) {
      resolver.clear();
    }
    if (kind == StatementKind.DDL && ddlListener != null) {
      ddlListener.ddl(position(h), q.schema, ddlText);
    }
    if (standalone
        || !explicitBegin
        || kind.commitsImplicitly()
        || kind == StatementKind.XA_PREPARE
        || kind == StatementKind.XA_COMMIT
        || kind == StatementKind.XA_ROLLBACK) {
      return finish(h);
    }
    return bytes > fragmentBytes ? fragment(h) : null;
  }

  /** The schemas a non-DDL statement changes, as far as the event says. */
  private static Set<String> statementSchemas(QueryEvent q) {
    if (q.updatedSchemas != null && !q.updatedSchemas.isEmpty()) {
      return new LinkedHashSet<>(q.updatedSchemas);
    }
    return Set.of(q.schema != null ? q.schema : Shards.GLOBAL);
  }

  private List<SessionVariable> sessionOf(EventHeaderV4 h, QueryEvent q) {
    List<SessionVariable> vars = new ArrayList<>();
    long seconds = h.getTimestamp() / 1000;
    vars.add(
        new SessionVariable(
            "timestamp",
            q.hrnowMicros == null || q.hrnowMicros == 0
                ? (Object) seconds
                : BigDecimal.valueOf(seconds * 1_000_000L + q.hrnowMicros, 6)));
    vars.add(new SessionVariable("pseudo_thread_id", q.threadId));
    if (q.flags2 != null) {
      vars.add(flag("foreign_key_checks", q.flags2, QueryEvent.OPTION_NO_FOREIGN_KEY_CHECKS, true));
      vars.add(flag("unique_checks", q.flags2, QueryEvent.OPTION_RELAXED_UNIQUE_CHECKS, true));
      vars.add(flag("sql_auto_is_null", q.flags2, QueryEvent.OPTION_AUTO_IS_NULL, false));
    }
    if (q.sqlMode != null) {
      vars.add(new SessionVariable("sql_mode", q.sqlMode));
    }
    if (q.autoIncrementIncrement != null) {
      vars.add(new SessionVariable("auto_increment_increment", (long) q.autoIncrementIncrement));
      vars.add(new SessionVariable("auto_increment_offset", (long) q.autoIncrementOffset));
    }
    if (q.charsetClient != null) {
      addCollation(vars, "character_set_client", q.charsetClient, 1);
      addCollation(vars, "collation_connection", q.collationConnection, 0);
      addCollation(vars, "collation_server", q.collationServer, 0);
    }
    if (q.collationDatabase != null) {
      addCollation(vars, "collation_database", q.collationDatabase, 0);
    }
    if (q.timeZone != null) {
      vars.add(new SessionVariable("time_zone", q.timeZone));
    }
    if (q.lcTimeNames != null && q.lcTimeNames != 0) {
      vars.add(new SessionVariable("lc_time_names", (long) q.lcTimeNames));
    }
    vars.addAll(pendingVariables);
    pendingVariables.clear();
    return vars;
  }

  private void addCollation(List<SessionVariable> vars, String name, int id, int part) {
    String[] c = collation.apply(id);
    vars.add(new SessionVariable(name, c == null ? (Object) (long) id : c[part]));
  }

  private static SessionVariable flag(String name, long flags, long bit, boolean inverted) {
    boolean set = (flags & bit) != 0;
    return new SessionVariable(name, (set ^ inverted) ? 1L : 0L);
  }

  private Transaction fragment(EventHeaderV4 h) {
    Transaction t = build(h, false);
    changes.clear();
    bytes = 0;
    fragno++;
    return t;
  }

  private Transaction finish(EventHeaderV4 h) {
    if (!open) {
      begin(h);
    }
    Transaction t = build(h, true);
    lastEnd = position(h);
    if (gtidState != null && gtid instanceof MariaDbGtid g) {
      gtidState = gtidState.with(g);
    }
    reset();
    return t;
  }

  /**
   * A fragment's header. The shard and options of a transaction are final only at its end, so the
   * fragments before the last carry the safe values: the global shard (routed alone) and
   * commit.required (its own block, marked in doubt while it is applied).
   */
  private Transaction build(EventHeaderV4 h, boolean last) {
    String shard = last && schemas.size() == 1 ? schemas.iterator().next() : Shards.GLOBAL;
    Map<String, String> headerOptions = options;
    if (!last) {
      headerOptions = new TreeMap<>(options);
      headerOptions.put(TransactionOptions.COMMIT_REQUIRED, "true");
    }
    long commit = commitMicros > 0 ? commitMicros : h.getTimestamp() * 1000;
    long now = clock.millis() * 1000;
    TransactionHeader header =
        new TransactionHeader(
            -1,
            0,
            fragno,
            last,
            position(h),
            Long.toString(originServerId),
            "",
            shard,
            commit,
            now,
            headerOptions);
    return new Transaction(header, List.copyOf(changes));
  }
}
