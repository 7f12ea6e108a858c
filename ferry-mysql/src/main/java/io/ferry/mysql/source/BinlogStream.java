package io.ferry.mysql.source;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.deserialization.ByteArrayEventDataDeserializer;
import com.github.shyiko.mysql.binlog.network.ServerException;
import io.ferry.core.event.Transaction;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A binlog stream read as a replica with mysql-binlog-connector-java, turned from the client's push
 * model into a bounded queue the extractor pulls from: when the queue is full, the client's thread
 * waits, and so does the source (TCP backpressure). Events whose exact decoding matters (table
 * maps, rows, queries, user variables) arrive as raw bytes; Ferry parses them. Any failure of the
 * client ends the stream with a {@link SourceException}: nothing is skipped. One consumer thread;
 * the client runs on its own daemon thread, always disconnected by {@link #close()}.
 */
public final class BinlogStream implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BinlogStream.class);

  /** The client logs with java.util.logging at INFO for every connect; Ferry logs what matters. */
  private static final java.util.logging.Logger CLIENT_LOG =
      java.util.logging.Logger.getLogger("com.github.shyiko.mysql.binlog");

  static {
    CLIENT_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private static final EventType[] RAW =
      new EventType[] {
        EventType.TABLE_MAP,
        EventType.WRITE_ROWS,
        EventType.UPDATE_ROWS,
        EventType.DELETE_ROWS,
        EventType.EXT_WRITE_ROWS,
        EventType.EXT_UPDATE_ROWS,
        EventType.EXT_DELETE_ROWS,
        EventType.QUERY,
        EventType.USER_VAR,
        EventType.RAND,
        EventType.BEGIN_LOAD_QUERY,
        EventType.APPEND_BLOCK,
        EventType.EXECUTE_LOAD_QUERY,
        EventType.INCIDENT,
        EventType.ANNOTATE_ROWS
      };

  /** The event types Ferry parses from raw bytes, the same for a stream and for files. */
  static EventType[] rawTypes() {
    return RAW.clone();
  }

  private final SourceSettings settings;
  private final BinaryLogClient client;
  private final RawEventDeserializer deserializer;
  private final long maxQueuedBytes;
  private final EventHandler handler;
  private final ArrayDeque<Transaction> queue = new ArrayDeque<>();
  private volatile boolean sawEvent;
  private volatile long lastEventNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final CountDownLatch connected = new CountDownLatch(1);
  private long queuedBytes;
  private volatile RuntimeException failure;
  private volatile boolean ended;
  private volatile boolean closed;
  private Thread thread;

  /**
   * A stream starting at a binlog file and offset.
   *
   * @param maxQueuedBytes how many bytes of events may wait for the extractor
   */
  public BinlogStream(
      SourceSettings settings,
      String file,
      long position,
      long maxQueuedBytes,
      EventHandler handler) {
    this.settings = settings;
    this.handler = handler;
    this.maxQueuedBytes = maxQueuedBytes;
    client =
        new BinaryLogClient(settings.host(), settings.port(), settings.user(), settings.password());
    client.setServerId(settings.replicaServerId());
    client.setBinlogFilename(file);
    client.setBinlogPosition(position);
    client.setKeepAlive(false);
    client.setConnectTimeout(settings.connectTimeout().toMillis());
    client.setHeartbeatInterval(settings.heartbeat().toMillis());
    client.setUseSendAnnotateRowsEvent(true);
    settings.tls().configure(client, settings.host());
    deserializer = new RawEventDeserializer();
    for (EventType type : RAW) {
      deserializer.setEventDataDeserializer(type, new ByteArrayEventDataDeserializer());
    }
    client.setEventDeserializer(deserializer);
    client.registerEventListener(this::offer);
    client.registerLifecycleListener(new Lifecycle());
  }

  /** Connects and starts streaming; throws if the source refuses or does not answer in time. */
  public void open() throws InterruptedException {
    lastEventNanos = System.nanoTime();
    thread =
        new Thread(
            () -> {
              try {
                client.connect();
              } catch (IOException | RuntimeException e) {
                fail(classify(e));
              } finally {
                ended = true;
                signalAll();
              }
            },
            "binlog-" + settings.address());
    thread.setDaemon(true);
    thread.start();
    long deadline =
        System.nanoTime() + settings.connectTimeout().toNanos() + TimeUnit.SECONDS.toNanos(5);
    while (!connected.await(50, TimeUnit.MILLISECONDS)) {
      if (failure != null) {
        throw failure;
      }
      if (ended) {
        throw new SourceException(
            "the connection to the source at " + settings.address() + " ended before it started",
            true);
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new SourceException(
            "the source at "
                + settings.address()
                + " did not answer within "
                + settings.connectTimeout().toSeconds()
                + " s",
            true);
      }
    }
    // A refused binlog dump (a missing grant, a purged file) is reported only after the
    // connection is up; an accepted one starts with a rotate event at once. Wait for either.
    lock.lock();
    try {
      while (!sawEvent && failure == null && !ended && System.nanoTime() < deadline) {
        notEmpty.await(50, TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
    if (failure != null && queue.isEmpty()) {
      RuntimeException f = failure;
      close();
      throw f;
    }
  }

  /** Turns binlog events into transactions, on the client's thread. */
  public interface EventHandler {
    /** Takes the next event; returns a transaction (or fragment) when one is complete. */
    Transaction onEvent(Event event);
  }

  private void offer(Event event) {
    if (closed || failure != null) {
      return;
    }
    sawEvent = true;
    lastEventNanos = System.nanoTime();
    if (event.getHeader().getEventType() == EventType.FORMAT_DESCRIPTION) {
      deserializer.formatDescription(
          ((com.github.shyiko.mysql.binlog.event.FormatDescriptionEventData) event.getData())
              .getChecksumType());
    }
    Transaction tx;
    try {
      tx = handler.onEvent(event);
    } catch (RuntimeException e) {
      fail(e);
      try {
        client.disconnect();
      } catch (IOException ignored) {
        // the stream is over either way
      }
      return;
    }
    if (tx == null) {
      signalAll(); // wakes open(), which waits for the first event
      return;
    }
    long size = tx.estimatedBytes();
    lock.lock();
    try {
      while (!closed && !queue.isEmpty() && queuedBytes + size > maxQueuedBytes) {
        notFull.await();
      }
      queue.addLast(tx);
      queuedBytes += size;
      notEmpty.signal();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next transaction (or fragment), or null if none came within the timeout. Once the queue is
   * drained after a failure, throws that failure. A stream on which the source has sent nothing,
   * not even a heartbeat, for {@link SourceSettings#silenceLimit()} is taken for dead: a network
   * that drops packets silently would otherwise leave the service waiting forever.
   */
  public Transaction take(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    long silenceLimit = settings.silenceLimit().toNanos();
    lock.lock();
    try {
      while (queue.isEmpty()) {
        if (failure != null) {
          throw failure;
        }
        if (ended || closed) {
          throw new SourceException(
              "the connection to the source at " + settings.address() + " was closed", true);
        }
        long silentFor = System.nanoTime() - lastEventNanos;
        if (silentFor >= silenceLimit) {
          break;
        }
        if (nanos <= 0) {
          return null;
        }
        long wait = Math.min(nanos, silenceLimit - silentFor);
        nanos -= wait - notEmpty.awaitNanos(wait);
      }
      if (!queue.isEmpty()) {
        Transaction tx = queue.removeFirst();
        queuedBytes -= tx.estimatedBytes();
        notFull.signal();
        return tx;
      }
    } finally {
      lock.unlock();
    }
    SourceException silent =
        new SourceException(
            "the source at "
                + settings.address()
                + " sent nothing, not even a heartbeat, for "
                + settings.silenceLimit().toMillis() / 1000.0
                + " s (3 heartbeat intervals): taking the connection for dead",
            true);
    fail(silent);
    try {
      client.disconnect();
    } catch (IOException e) {
      LOG.debug("disconnecting a silent stream from {}: {}", settings.address(), e.getMessage());
    }
    RuntimeException f = failure;
    throw f != null ? f : silent;
  }

  private void fail(RuntimeException e) {
    if (failure == null && !closed) {
      failure = e;
      LOG.debug("binlog stream from {} failed: {}", settings.address(), e.getMessage());
    }
    signalAll();
  }

  private void signalAll() {
    lock.lock();
    try {
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  SourceException classify(Throwable e) {
    String tls = io.ferry.mysql.DbTls.refusal(e);
    if (tls != null) {
      return new SourceException(
          settings.tls().explain("source", settings.address(), tls) + " (binlog stream)", false, e);
    }
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof ServerException)) {
      cause = cause.getCause();
    }
    if (cause instanceof ServerException se) {
      return serverError(se);
    }
    if (e instanceof EOFException
        || e instanceof SocketException
        || cause instanceof SocketException
        || cause instanceof EOFException
        || cause instanceof java.net.ConnectException) {
      return new SourceException(
          "lost the connection to the source at " + settings.address() + ": " + message(e),
          true,
          e);
    }
    if (e instanceof IOException) {
      return new SourceException(
          "cannot read the binlog of the source at " + settings.address() + ": " + message(e),
          true,
          e);
    }
    return new SourceException(
        "reading the binlog of the source at " + settings.address() + " failed: " + message(e),
        false,
        e);
  }

  private SourceException serverError(ServerException se) {
    String m = se.getMessage();
    int code = se.getErrorCode();
    String user = settings.user();
    if (code == 1227 || (m != null && m.contains("REPLICATION SLAVE"))) {
      return new SourceException(
          "user '"
              + user
              + "' may not read the binlog of the source at "
              + settings.address()
              + ": it lacks the REPLICATION SLAVE privilege. Grant it with: GRANT REPLICATION"
              + " SLAVE ON *.* TO '"
              + user
              + "'@'<host>'; (the server said: "
              + m
              + ")",
          false,
          se);
    }
    if (code == 4052 || (m != null && m.contains("same server_uuid/server_id"))) {
      return new SourceException(
          "another replica of the source at "
              + settings.address()
              + " reads its binlog with server id "
              + settings.replicaServerId()
              + ": every reader needs its own (setting source.replica-server-id). The server said: "
              + m,
          false,
          se);
    }
    if (code == 1045) {
      return new SourceException(
          "access denied for user '" + user + "' at " + settings.address() + ": " + m, false, se);
    }
    if (code == 1236) {
      return new SourceException(
          "the source at "
              + settings.address()
              + " cannot send the binlog from "
              + client.getBinlogFilename()
              + ":"
              + client.getBinlogPosition()
              + ": "
              + m
              + ". If the file was purged, the transactions since are lost to this service:"
              + " re-provision the target and start from a current position.",
          false,
          se);
    }
    return new SourceException(
        "the source at " + settings.address() + " reported error " + code + ": " + m, false, se);
  }

  private static String message(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private final class Lifecycle implements BinaryLogClient.LifecycleListener {
    @Override
    public void onConnect(BinaryLogClient c) {
      connected.countDown();
    }

    @Override
    public void onCommunicationFailure(BinaryLogClient c, Exception ex) {
      fail(classify(ex));
    }

    @Override
    public void onEventDeserializationFailure(BinaryLogClient c, Exception ex) {
      // The client would skip the event and go on: Ferry never skips. End the stream.
      Throwable cause = ex;
      while (cause.getCause() != null
          && !(cause instanceof RawEventDeserializer.ChecksumException)) {
        cause = cause.getCause();
      }
      String what =
          cause instanceof RawEventDeserializer.ChecksumException
              ? "a damaged binlog event from "
              : "cannot decode a binlog event from ";
      fail(
          new SourceException(
              what
                  + settings.address()
                  + " near "
                  + c.getBinlogFilename()
                  + ":"
                  + c.getBinlogPosition()
                  + ": "
                  + message(ex),
              false,
              ex));
      try {
        c.disconnect();
      } catch (IOException e) {
        LOG.debug("disconnect after a decoding failure: {}", e.getMessage());
      }
    }

    @Override
    public void onDisconnect(BinaryLogClient c) {
      ended = true;
      signalAll();
    }
  }

  @Override
  public void close() {
    closed = true;
    signalAll();
    try {
      client.disconnect();
    } catch (IOException e) {
      LOG.debug("disconnecting from {}: {}", settings.address(), e.getMessage());
    }
    if (thread != null) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** How many bytes of decoded transactions wait for the extractor. */
  public long queuedBytes() {
    lock.lock();
    try {
      return queuedBytes;
    } finally {
      lock.unlock();
    }
  }

  Duration connectTimeout() {
    return settings.connectTimeout();
  }
}
