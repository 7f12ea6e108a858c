package io.ferry.kafka;

import io.ferry.core.event.Change;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.value.Charsets;
import io.ferry.mysql.apply.CatalogTables;
import io.ferry.mysql.sql.StatementClassifier;
import io.ferry.mysql.sql.StatementKind;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies transactions to Kafka: each row change becomes a message (key: table and primary key;
 * value: the JSON envelope of {@link Envelope}) on its table's (or schema's) topic, DDL a message
 * on the service's DDL topic, all of a block in one Kafka transaction together with the block's
 * position, written to the service's compacted position topic. A read_committed consumer therefore
 * sees a block whole or not at all, and the position always agrees with what it sees. {@link
 * #lastCommitted} starts a new producer with the service's transactional.id ({@code
 * initTransactions} fences an earlier one and aborts its open transaction) and reads the position
 * back with a read_committed consumer. Used by one task thread; {@link #abort} from another.
 */
public final class KafkaApplier implements Applier {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaApplier.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern CATALOG_SCHEMA =
      Pattern.compile(
          "\\s*CREATE\\s+(DATABASE|SCHEMA)\\s+IF\\s+NOT\\s+EXISTS\\s+`?ferry_\\w+`?\\s*",
          Pattern.CASE_INSENSITIVE);

  /** Account statements: they carry password hashes and no data, so they are never published. */
  static final Pattern ACCOUNT =
      Pattern.compile(
          "\\s*(?:/\\*.*?\\*/\\s*)*(?:(?:CREATE|ALTER|DROP|RENAME)\\s+(?:OR\\s+REPLACE\\s+)?"
              + "(?:USER|ROLE)\\b|GRANT\\b|REVOKE\\b|SET\\s+(?:PASSWORD|DEFAULT\\s+ROLE)\\b).*",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private final KafkaSettings settings;
  private final KafkaClients clients;
  private final Topics topics;
  private final KafkaStats stats;
  private final Clock clock;
  private final Envelope envelope = new Envelope();

  private volatile KafkaProducer<byte[], byte[]> producer;
  private boolean inKafkaTransaction;
  private boolean needsRead = true;
  private Checkpoint committed = Checkpoint.NONE;
  private Checkpoint pending = Checkpoint.NONE;
  private Transaction current;

  /** Messages sent for the current transaction's fragments so far. */
  private long txMessages;

  /** Whether the current fragment's rows are passed over (a group that ended in ROLLBACK). */
  private boolean skipRows;

  /** The seqno of a fragmented group found to end in ROLLBACK: its retry passes over its rows. */
  private long passOver = -1;

  private int rowIndex;
  private long blockMessages;
  private long blockRows;
  private long blockTransactions;
  private long blockDdl;
  private long blockRolledBack;

  /** The first message of the block the broker refused, with what it was. */
  private final AtomicReference<SendFailure> sendFailure = new AtomicReference<>();

  private record SendFailure(Exception error, String what) {}

  /** A callback that keeps, with a send's error, which message it was (topic, seqno, table). */
  private Callback onSent(String topic, long seqno, String table, int bytes) {
    return (metadata, e) -> {
      if (e != null) {
        sendFailure.compareAndSet(
            null,
            new SendFailure(
                e,
                "the message of seqno "
                    + seqno
                    + (table == null ? "" : " for table " + table)
                    + " ("
                    + bytes
                    + " bytes) on topic "
                    + topic
                    + " failed"));
      }
    };
  }

  KafkaApplier(
      KafkaSettings settings, KafkaClients clients, Topics topics, KafkaStats stats, Clock clock) {
    this.settings = settings;
    this.clients = clients;
    this.topics = topics;
    this.stats = stats;
    this.clock = clock;
  }

  @Override
  public Checkpoint lastCommitted() {
    if (!needsRead) {
      return committed;
    }
    try {
      topics.ensurePosition();
      startProducer();
      byte[] value = clients.lastPosition(READ_TIMEOUT);
      committed = value == null ? Checkpoint.NONE : Envelope.readPosition(value);
      pending = committed;
      needsRead = false;
      LOG.info(
          "{}: the position topic {} says {}",
          settings.describe(),
          settings.positionTopic(),
          committed);
      return committed;
    } catch (KafkaException | IllegalStateException e) {
      throw failure(e, "cannot read the position from " + settings.positionTopic());
    }
  }

  /**
   * A new producer with the service's transactional.id: initTransactions fences any earlier one (a
   * replicator that was killed, or still runs somewhere) and aborts the transaction it left open.
   */
  private void startProducer() {
    closeProducer();
    KafkaProducer<byte[], byte[]> p = clients.producer();
    try {
      p.initTransactions();
    } catch (RuntimeException e) {
      p.close(Duration.ZERO);
      throw e;
    }
    producer = p;
    inKafkaTransaction = false;
  }

  /** Records a position without applying anything; one already at or beyond it stays. */
  void initializePosition(Checkpoint position) {
    Checkpoint now = lastCommitted();
    if (!now.isNone() && now.seqno() >= position.seqno()) {
      return;
    }
    begin();
    pending = position;
    commit();
  }

  @Override
  public void apply(ReplEvent event) {
    if (producer == null || needsRead) {
      lastCommitted(); // (the stage reads it first; here after a failed commit)
    }
    begin();
    if (event instanceof Gap g) {
      pending = g.checkpoint();
      return;
    }
    Transaction tx = (Transaction) event;
    current = tx;
    if (tx.fragno() == 0) {
      rowIndex = 0;
      txMessages = 0;
    }
    boolean rolledBack =
        tx.lastFrag() && "true".equals(tx.header().option(TransactionOptions.ROLLBACK));
    if (rolledBack && txMessages > 0) {
      // The flag comes with the last fragment (the ROLLBACK ends the group), after the earlier
      // fragments' messages went into the open Kafka transaction: it is aborted before it can
      // commit, and the retry passes over this transaction's rows from its first fragment.
      passOver = tx.seqno();
      throw new KafkaApplyException(
          "service "
              + settings.service()
              + ": seqno "
              + tx.seqno()
              + position(tx)
              + " ended in ROLLBACK after "
              + (tx.fragno() + 1)
              + " fragments; the Kafka transaction holding its first fragments' messages is"
              + " aborted and the block tried again without its rows (the source undid them)",
          null,
          true,
          tx.seqno(),
          tx.header().nativePosition());
    }
    skipRows = rolledBack || (tx.seqno() >= 0 && tx.seqno() == passOver);
    try {
      for (Change c : tx.changes()) {
        if (c instanceof RowChanges rc) {
          rows(tx, rc);
        } else if (c instanceof SqlStatement st) {
          statement(tx, st);
        }
      }
    } catch (KafkaException | IllegalStateException e) {
      throw failure(e, "cannot send the messages of seqno " + tx.seqno());
    }
    pending = tx.checkpoint();
    if (tx.lastFrag()) {
      blockTransactions++;
      current = null;
      if (rolledBack) {
        blockRolledBack++;
        LOG.info(
            "seqno {}: ended in ROLLBACK; its row changes were undone on the source and are not"
                + " published",
            tx.seqno());
      }
    }
  }

  private void begin() {
    if (!inKafkaTransaction) {
      try {
        producer.beginTransaction();
      } catch (KafkaException | IllegalStateException e) {
        throw failure(e, "cannot begin a Kafka transaction");
      }
      inKafkaTransaction = true;
      sendFailure.set(null);
      blockMessages = 0;
      blockRows = 0;
      blockTransactions = 0;
      blockDdl = 0;
      blockRolledBack = 0;
    }
  }

  private void rows(Transaction tx, RowChanges rc) {
    if (CatalogTables.isCatalog(rc.schema(), rc.table())) {
      return; // Ferry's own tables at the source (heartbeats): not user data
    }
    if (skipRows) {
      // A group that ends in ROLLBACK. In row format MariaDB writes the rows of a table that
      // cannot roll back (MyISAM, Aria, MEMORY) at once, in a group of their own that commits
      // (row_logging_has_trans), so the rows such a group holds are of transactional tables and
      // the source undid them. (The MariaDB applier reaches the same end by rolling back to a
      // savepoint.) Statement-logged changes in it still stop the service below.
      return;
    }
    String topic = topics.forTable(rc.schema(), rc.table());
    topics.ensure(topic);
    for (Row row : rc.rows()) {
      for (Envelope.Message m : envelope.row(rc, row, tx.header(), rowIndex)) {
        send(
            new ProducerRecord<>(topic, m.key(), m.value()),
            onSent(
                topic,
                tx.seqno(),
                rc.schema() + "." + rc.table(),
                m.key().length + m.value().length));
        rowIndex++;
        blockMessages++;
        txMessages++;
      }
      blockRows++;
    }
  }

  private void statement(Transaction tx, SqlStatement st) {
    StatementKind kind =
        StatementClassifier.classify(st.unsafeSql(), Charsets.forSqlName(st.charset()));
    String text = st.text();
    switch (kind) {
      case BEGIN,
          COMMIT,
          SAVEPOINT,
          RELEASE_SAVEPOINT,
          XA_START,
          XA_END,
          XA_PREPARE,
          XA_COMMIT,
          IMPLICIT_COMMIT,
          TEMPORARY_TABLE -> {
        return; // boundaries and statements that change no replicated data
      }
      case ROLLBACK, ROLLBACK_TO_SAVEPOINT, XA_ROLLBACK ->
          throw refuse(
              tx,
              "the source rolled back part of this transaction ("
                  + shorten(text)
                  + ") after it changed non-transactional tables; Kafka cannot take messages"
                  + " back. Publish what you need by hand, then skip it (online with skip seqno "
                  + tx.seqno()
                  + ")");
      case DML ->
          throw refuse(
              tx,
              "it was logged as a statement ("
                  + shorten(text)
                  + "), which only a SQL database can apply; Kafka needs the rows. Set"
                  + " binlog_format = ROW on the source (and source.require-row-format = true),"
                  + " then apply this transaction's changes by hand and skip it (online with skip"
                  + " seqno "
                  + tx.seqno()
                  + ")");
      case DDL, UNKNOWN -> ddl(tx, st, kind, text);
    }
  }

  private void ddl(Transaction tx, SqlStatement st, StatementKind kind, String text) {
    if (CatalogTables.createsCatalogTable(text) || CATALOG_SCHEMA.matcher(text).matches()) {
      return; // Ferry's catalog at the source
    }
    if (ACCOUNT.matcher(text).matches()) {
      // (not logged either: the statement may hold a password or its hash)
      stats.accountDdlSkipped.incrementAndGet();
      LOG.warn(
          "seqno {}: an account statement ({}) is not published on {}",
          tx.seqno(),
          kind.label(),
          settings.ddlTopic());
      return;
    }
    switch (settings.ddl()) {
      case "stop" ->
          throw refuse(
              tx,
              "DDL ("
                  + shorten(text)
                  + ") and target.ddl = stop. Make the change where the consumers need it, then"
                  + " skip it (online with skip seqno "
                  + tx.seqno()
                  + "), or set target.ddl = translate to pass DDL on as messages on "
                  + settings.ddlTopic());
      case "ignore" -> {
        stats.ddlIgnored.incrementAndGet();
        LOG.warn("seqno {}: DDL passed over (target.ddl = ignore): {}", tx.seqno(), shorten(text));
      }
      default -> {
        topics.ensureDdl();
        byte[] value = envelope.ddl(st.defaultSchema(), text, kind.label(), tx.header(), rowIndex);
        byte[] key = envelope.ddlKey(st.defaultSchema());
        send(
            new ProducerRecord<>(settings.ddlTopic(), key, value),
            onSent(settings.ddlTopic(), tx.seqno(), null, key.length + value.length));
        rowIndex++;
        blockMessages++;
        txMessages++;
        blockDdl++;
      }
    }
  }

  @Override
  public void commit() {
    if (!inKafkaTransaction) {
      return;
    }
    try {
      send(
          new ProducerRecord<>(
              settings.positionTopic(),
              0,
              "position".getBytes(StandardCharsets.UTF_8),
              envelope.position(settings.service(), pending, clock.millis())),
          onSent(settings.positionTopic(), pending.seqno(), null, 0));
      producer.commitTransaction();
    } catch (KafkaException | IllegalStateException e) {
      SendFailure failed = sendFailure.get();
      if (failed != null) { // the commit fails because a send did: name that message
        throw failure(failed.error(), failed.what());
      }
      throw failure(e, "cannot commit the block up to seqno " + pending.seqno());
    }
    SendFailure failed = sendFailure.get();
    if (failed != null) {
      // (commitTransaction fails when a send did; this is a second guard)
      throw failure(failed.error(), failed.what());
    }
    inKafkaTransaction = false;
    committed = pending;
    stats.committed(blockTransactions, blockRows, blockMessages);
    stats.ddl.addAndGet(blockDdl);
    stats.rolledBack.addAndGet(blockRolledBack);
  }

  @Override
  public void rollback() {
    current = null;
    needsRead = true; // the next start reads the position again, with a new producer
    KafkaProducer<byte[], byte[]> p = producer;
    if (p != null && inKafkaTransaction) {
      try {
        p.abortTransaction();
      } catch (RuntimeException e) {
        LOG.debug("aborting the Kafka transaction failed: {}", e.toString());
      }
    }
    inKafkaTransaction = false;
    closeProducer();
  }

  /** Breaks a send or commit in flight: the producer is closed under it. */
  @Override
  public void abort() {
    KafkaProducer<byte[], byte[]> p = producer;
    if (p != null) {
      try {
        p.close(Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.debug("closing the Kafka producer: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    rollback();
  }

  /** Sends a message in the open Kafka transaction; a failure surfaces at the commit. */
  private void send(ProducerRecord<byte[], byte[]> record, Callback callback) {
    var unused = producer.send(record, callback);
  }

  private void closeProducer() {
    KafkaProducer<byte[], byte[]> p = producer;
    producer = null;
    if (p != null) {
      try {
        p.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.debug("closing the Kafka producer: {}", e.toString());
      }
    }
  }

  /** A transaction Kafka cannot take as it is: the service stops on it. */
  private KafkaApplyException refuse(Transaction tx, String why) {
    return new KafkaApplyException(
        "service "
            + settings.service()
            + ": cannot apply seqno "
            + tx.seqno()
            + position(tx)
            + " to "
            + settings.describe()
            + ": "
            + why,
        null,
        false,
        tx.seqno(),
        tx.header().nativePosition());
  }

  private KafkaApplyException failure(Exception e, String what) {
    needsRead = true;
    Transaction tx = current;
    boolean fenced =
        e instanceof ProducerFencedException || e.getCause() instanceof ProducerFencedException;
    boolean denied =
        e instanceof AuthorizationException || e instanceof TransactionalIdAuthorizationException;
    // Anything else is tried again: the block is rolled back, a new producer fences this one and
    // the position is read back, so a retry can neither lose nor repeat a message. (Brokers answer
    // a commit that raced the abort of a killed replicator's transaction with InvalidTxnState.)
    boolean retriable = !fenced && !denied && !permanent(e);
    StringBuilder m = new StringBuilder("service ").append(settings.service()).append(": ");
    m.append(what);
    if (tx != null) {
      m.append(" (seqno ").append(tx.seqno()).append(position(tx)).append(')');
    }
    m.append(" on ").append(settings.describe()).append(": ").append(e.getMessage());
    if (fenced) {
      m.append(". Another producer with transactional.id ")
          .append(settings.transactionalId())
          .append(
              " took over: a second replicator runs this service (stop it), or this one was"
                  + " stalled past target.kafka.transaction-timeout. Bring the service online"
                  + " again; it resumes after the position in ")
          .append(settings.positionTopic());
    } else if (denied) {
      m.append(
              ". Grant Ferry's principal WRITE and DESCRIBE on the topics, WRITE on the"
                  + " transactional id ")
          .append(settings.transactionalId())
          .append(" and READ on ")
          .append(settings.positionTopic());
    } else if (e instanceof org.apache.kafka.common.errors.InvalidProducerEpochException
        || e.getCause() instanceof org.apache.kafka.common.errors.InvalidProducerEpochException) {
      m.append(". The broker aborted this block's transaction: it outlived")
          .append(" target.kafka.transaction-timeout, or another producer with transactional.id ")
          .append(settings.transactionalId())
          .append(
              " took over (a second replicator running this service: stop it). The service"
                  + " retries from its last commit in ")
          .append(settings.positionTopic())
          .append('.');
    } else if (isTooLarge(e)) {
      m.append(
          ". Raise the limit (the topic's max.message.bytes or the brokers' message.max.bytes,"
              + " and max.request.size in target.kafka.properties), or publish that row by"
              + " hand and skip that transaction (online with skip seqno and the seqno named)");
    } else if (isConfig(e)) {
      m.append(". Fix the entry of ")
          .append(settings.extraFile() == null ? "the configuration" : settings.extraFile())
          .append(" (target.kafka.properties) it names, then bring the service online again");
    } else if (retriable) {
      m.append(". This may pass; the service retries from its last commit.");
    }
    return new KafkaApplyException(
        m.toString(),
        e,
        retriable,
        tx == null ? -1 : tx.seqno(),
        tx == null ? null : tx.header().nativePosition());
  }

  private static boolean isTooLarge(Exception e) {
    return e instanceof org.apache.kafka.common.errors.RecordTooLargeException
        || e.getCause() instanceof org.apache.kafka.common.errors.RecordTooLargeException;
  }

  private static boolean isConfig(Exception e) {
    return e instanceof org.apache.kafka.common.config.ConfigException
        || e.getCause() instanceof org.apache.kafka.common.config.ConfigException;
  }

  /** Errors that come back however often the block is tried again. */
  private static boolean permanent(Exception e) {
    Throwable c = e instanceof KafkaException && e.getCause() != null ? e.getCause() : e;
    return isTooLarge(e)
        || isConfig(e)
        || c instanceof org.apache.kafka.common.errors.RecordTooLargeException
        || c instanceof org.apache.kafka.common.errors.InvalidTopicException
        || c instanceof org.apache.kafka.common.errors.UnsupportedVersionException
        || c instanceof org.apache.kafka.common.errors.InvalidConfigurationException
        || c instanceof org.apache.kafka.common.errors.SerializationException
        || c instanceof AuthorizationException;
  }

  private static String position(Transaction tx) {
    var p = tx.header().nativePosition();
    return p == null ? "" : " at " + p.kind() + " " + p.text();
  }

  private static String shorten(String s) {
    String one = s.strip().replaceAll("\\s+", " ");
    return one.length() <= 200 ? one : one.substring(0, 197) + "...";
  }
}
