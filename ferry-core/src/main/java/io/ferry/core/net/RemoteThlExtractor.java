package io.ferry.core.net;

import io.ferry.core.codec.ByteReader;
import io.ferry.core.codec.ByteWriter;
import io.ferry.core.codec.CodecException;
import io.ferry.core.codec.RecordCodec;
import io.ferry.core.codec.RecordHeader;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.pipeline.Extractor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's extractor: fetches a master's THL over the network. {@link #seek} connects to the
 * first master (in the configured order) that answers and accepts this replica's last (seqno,
 * epoch); a receiver thread then reads batches of records, verifies each record's checksum and
 * order, and queues the events (bounded by bytes; when full, the master waits). A broken or silent
 * connection ends the stream with a retriable {@link NetworkException}, so the stage rolls back and
 * resumes from its last commit after a backoff; a refusal (different history, wrong secret) is not
 * retriable. Used by one stage thread; {@link #status()} by any.
 */
public final class RemoteThlExtractor implements Extractor {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteThlExtractor.class);

  /** Where the replica stands with its master. Immutable snapshot. */
  public record Status(
      String master,
      long masterLastSeqno,
      long receivedSeqno,
      boolean connected,
      long queuedBytes,
      long masterFirstSeqno) {}

  private final ThlClientSettings settings;
  private final RecordCodec codec = new RecordCodec();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<ReplEvent> queue = new ArrayDeque<>();
  private long queuedBytes;
  private volatile RuntimeException failure;
  private volatile Socket socket;
  private volatile String master;
  private volatile long masterLastSeqno = -1;
  private volatile long masterFirstSeqno = -1;
  private volatile long acceptedFrom = -1;
  private volatile long receivedSeqno = -1;
  private Thread receiver;

  public RemoteThlExtractor(ThlClientSettings settings) {
    this.settings = settings;
  }

  /**
   * Where an empty replica starts when an operator names the first seqno it wants: right after
   * {@code seqno}, whatever epoch the master has there (the replica has no record to compare).
   */
  public static Checkpoint startingAfter(long seqno) {
    return new Checkpoint(seqno, Wire.ANY_EPOCH, 0, true, null, 0);
  }

  /**
   * A probe of the master's log: records from the seqno after {@code seqno}, or from the log's
   * first when that is later (never beyond its last); {@link #status()} then tells the log's range
   * and {@link #acceptedFrom()} where the stream starts.
   */
  public static Checkpoint probing(long seqno) {
    return new Checkpoint(seqno, Wire.PROBE_EPOCH, 0, true, null, 0);
  }

  /** The seqno the master said it streams from, once connected. */
  public long acceptedFrom() {
    return acceptedFrom;
  }

  public Status status() {
    Socket s = socket;
    long queued;
    lock.lock();
    try {
      queued = queuedBytes;
    } finally {
      lock.unlock();
    }
    return new Status(
        master,
        masterLastSeqno,
        receivedSeqno,
        s != null && !s.isClosed() && failure == null,
        queued,
        masterFirstSeqno);
  }

  @Override
  public void seek(Checkpoint after) {
    disconnect();
    List<String> attempts = new ArrayList<>();
    for (MasterAddress m : settings.masters()) {
      try {
        connect(m, after);
        return;
      } catch (NetworkException e) {
        if (!e.isRetriable()) {
          throw e;
        }
        attempts.add(e.getMessage());
      }
    }
    throw new NetworkException("no master answered: " + String.join("; ", attempts), true, null);
  }

  private void connect(MasterAddress m, Checkpoint after) {
    Socket s = null;
    try {
      s =
          settings.tls() == null
              ? new Socket()
              : settings.tls().clientContext().getSocketFactory().createSocket();
      s.connect(
          new InetSocketAddress(m.host(), m.port()), (int) settings.connectTimeout().toMillis());
      s.setTcpNoDelay(true);
      s.setKeepAlive(true);
      s.setSoTimeout((int) settings.connectTimeout().toMillis());
      if (s instanceof SSLSocket ssl) {
        ssl.startHandshake();
      }
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 65536));
      OutputStream out = new BufferedOutputStream(s.getOutputStream());
      handshake(m, in, out, after);
      s.setSoTimeout((int) settings.silenceLimit().toMillis());
      socket = s;
      master = m.toString();
      failure = null;
      receivedSeqno = after.seqno();
      Socket connected = s;
      receiver = new Thread(() -> receive(m, connected, in, after), "thl-receiver-" + m);
      receiver.setDaemon(true);
      receiver.start();
    } catch (NetworkException e) {
      closeQuietly(s);
      throw e;
    } catch (IOException e) {
      closeQuietly(s);
      throw new NetworkException("cannot fetch the THL from " + m + ": " + message(e), true, e);
    } catch (IllegalArgumentException e) {
      closeQuietly(s);
      throw new NetworkException("cannot connect to " + m + ": " + e.getMessage(), false, e);
    }
  }

  private void handshake(MasterAddress m, DataInputStream in, OutputStream out, Checkpoint after)
      throws IOException {
    Wire.Frame hello = Wire.read(in, Wire.MAX_HANDSHAKE_FRAME);
    if (hello.type() != Wire.SERVER_HELLO) {
      throw new NetworkException(
          m + " is not a Ferry THL server (it sent frame type " + hello.type() + ")", false, null);
    }
    ByteReader r = hello.reader();
    int version = r.u16();
    String service = r.string();
    byte[] nonce = r.bytes();
    boolean authRequired = r.u8() != 0;
    if (version != Wire.VERSION) {
      throw new NetworkException(
          m
              + " speaks THL protocol version "
              + version
              + ", this replica "
              + Wire.VERSION
              + ": run the same Ferry version on both",
          false,
          null);
    }
    if (authRequired && settings.secret() == null) {
      throw new NetworkException(
          "master " + service + " at " + m + " requires a shared secret and none is configured",
          false,
          null);
    }
    ByteWriter w = new ByteWriter(128);
    w.u16(Wire.VERSION);
    w.string(settings.replica());
    w.bytes(authRequired ? Wire.proof(settings.secret(), nonce, settings.replica()) : new byte[0]);
    w.i64(after.seqno());
    w.i64(after.epoch());
    w.u8(after.lastFrag() ? 1 : 0);
    w.i32(after.fragno());
    // The source position of the replica's last record: the master recognizes the same
    // transaction extracted again under a new epoch.
    w.string(after.nativePosition() == null ? "" : after.nativePosition().kind());
    w.string(after.nativePosition() == null ? "" : after.nativePosition().text());
    Wire.write(out, Wire.HELLO, w);
    out.flush();
    Wire.Frame answer = Wire.read(in, Wire.MAX_HANDSHAKE_FRAME);
    if (answer.type() == Wire.REFUSE) {
      throw new NetworkException(
          "master " + service + " at " + m + " refused this replica: " + answer.reader().string(),
          false,
          null);
    }
    if (answer.type() == Wire.ERROR) {
      throw new NetworkException(
          "master " + service + " at " + m + " failed: " + answer.reader().string(), true, null);
    }
    if (answer.type() != Wire.ACCEPT) {
      throw new NetworkException(
          m + " answered the handshake with frame type " + answer.type(), false, null);
    }
    ByteReader a = answer.reader();
    long from = a.i64();
    masterFirstSeqno = a.i64();
    masterLastSeqno = a.i64();
    acceptedFrom = from;
    LOG.info("fetching the THL of {} from {}, from seqno {}", service, m, from);
  }

  /** The receiver thread: frames → verified events → queue. */
  private void receive(MasterAddress m, Socket s, DataInputStream in, Checkpoint after) {
    // a probe starts where the master says (a record covering that seqno: a gap may begin
    // before it); any other stream right after the replica's checkpoint
    boolean probe = after.epoch() == Wire.PROBE_EPOCH;
    long expected = probe ? -1 : after.isNone() ? -1 : after.nextSeqno();
    boolean first = true;
    try {
      while (!s.isClosed()) {
        Wire.Frame f =
            Wire.read(
                in,
                settings.maxFrameBytes(),
                "came from the master at "
                    + m
                    + ": a damaged stream (it is fetched again), or a record larger than the"
                    + " replica accepts (raise master.max-frame-bytes)");
        switch (f.type()) {
          case Wire.RECORDS -> {
            expected = records(m, f.payload(), expected, probe && first ? acceptedFrom : -1);
            first = false;
          }
          case Wire.HEARTBEAT -> {
            ByteReader r = f.reader();
            masterLastSeqno = r.i64();
          }
          case Wire.ERROR ->
              throw new NetworkException(
                  "master at " + m + " stopped streaming: " + f.reader().string(), true, null);
          default ->
              throw new NetworkException(
                  m + " sent an unexpected frame of type " + f.type(), false, null);
        }
      }
    } catch (SocketTimeoutException e) {
      fail(
          new NetworkException(
              "the master at "
                  + m
                  + " sent nothing, not even a heartbeat, for "
                  + settings.silenceLimit().toMillis() / 1000.0
                  + " s: taking the connection for dead",
              true,
              e));
    } catch (IOException e) {
      fail(
          new NetworkException(
              "lost the connection to the master at " + m + ": " + message(e), true, e));
    } catch (NetworkException e) {
      fail(e);
    } catch (RuntimeException e) {
      fail(new NetworkException("receiving from " + m + " failed: " + message(e), false, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(s);
    }
  }

  /**
   * Verifies, decodes and queues a batch of records; {@code expected}: the seqno due next (-1:
   * any), {@code probe}: for the first record of a probe, the seqno it must cover (else -1).
   */
  private long records(MasterAddress m, byte[] b, long expected, long probe)
      throws InterruptedException {
    int at = 0;
    while (at < b.length) {
      if (b.length - at < RecordCodec.FRAME_BYTES) {
        throw new NetworkException(m + " sent a truncated record", true, null);
      }
      int length = RecordCodec.length(b, at);
      if (length < 0 || at + RecordCodec.FRAME_BYTES + length > b.length) {
        throw new NetworkException(
            m + " sent a record whose length runs past its batch", true, null);
      }
      if (!codec.checksumMatches(b, at)) {
        throw new NetworkException(
            "a record from " + m + " arrived with a bad checksum; it will be fetched again",
            true,
            null);
      }
      ReplEvent event;
      RecordHeader h;
      try {
        h = RecordCodec.header(b, at);
        event = RecordCodec.decode(b, at, h);
      } catch (CodecException e) {
        throw new NetworkException(
            "a record from " + m + " cannot be decoded: " + e.getMessage(), false, e);
      }
      if (expected < 0 && probe >= 0 && (h.seqno() > probe || h.lastSeqno() < probe)) {
        throw new NetworkException(
            m + " sent seqno " + h.seqno() + " where seqno " + probe + " was due", false, null);
      }
      if (expected >= 0 && h.seqno() != expected) {
        throw new NetworkException(
            m + " sent seqno " + h.seqno() + " where seqno " + expected + " was due", false, null);
      }
      expected = h.lastFrag() ? h.lastSeqno() + 1 : h.seqno();
      receivedSeqno = h.lastSeqno();
      offer(event);
      at += RecordCodec.FRAME_BYTES + length;
    }
    return expected;
  }

  private void offer(ReplEvent event) throws InterruptedException {
    long size = event.estimatedBytes();
    lock.lock();
    try {
      while (!queue.isEmpty() && queuedBytes + size > settings.queueBytes() && socket != null) {
        notFull.await(100, TimeUnit.MILLISECONDS);
      }
      queue.addLast(event);
      queuedBytes += size;
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  private void fail(RuntimeException e) {
    lock.lock();
    try {
      if (failure == null) {
        failure = e;
      }
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public ReplEvent next(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      while (queue.isEmpty()) {
        if (failure != null) {
          throw failure;
        }
        if (socket == null) {
          throw new IllegalStateException("seek first");
        }
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      ReplEvent e = queue.removeFirst();
      queuedBytes -= e.estimatedBytes();
      notFull.signal();
      return e;
    } finally {
      lock.unlock();
    }
  }

  private void disconnect() {
    Socket s = socket;
    socket = null;
    closeQuietly(s);
    Thread t = receiver;
    if (t != null) {
      t.interrupt();
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      receiver = null;
    }
    lock.lock();
    try {
      queue.clear();
      queuedBytes = 0;
      failure = null;
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    disconnect();
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  private static String message(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
