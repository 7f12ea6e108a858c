package io.ferry.core.net;

import io.ferry.core.codec.ByteReader;
import io.ferry.core.codec.ByteWriter;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlException;
import io.ferry.core.thl.ThlReader;
import io.ferry.core.thl.ThlRecord;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A master's THL, served to replicas over TCP (optionally TLS, optionally with a shared secret). A
 * replica says which (seqno, epoch) it holds last; the master checks that its own log has the same
 * epoch at that seqno, or refuses with both sides' values, and then streams the records after it,
 * byte for byte as stored, in batches, with heartbeats when idle. TCP gives backpressure: a slow
 * replica holds its session thread, nobody else. While connected, a replica's position keeps
 * retention from purging what it still needs. Thread-safe.
 */
public final class ThlServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ThlServer.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A connected replica, for status. */
  public record Replica(String name, String address, Instant since, long nextSeqno) {}

  private final Thl thl;
  private final ThlServerSettings settings;
  private final Clock clock;
  private final List<Session> sessions = new CopyOnWriteArrayList<>();
  private ServerSocket serverSocket;
  private Thread acceptor;
  private volatile boolean closed;

  public ThlServer(Thl thl, ThlServerSettings settings, Clock clock) {
    this.thl = thl;
    this.settings = settings;
    this.clock = clock;
  }

  /** Binds the port and starts accepting replicas. */
  public synchronized void start() {
    try {
      ServerSocket ss =
          settings.tls() == null
              ? new ServerSocket()
              : settings.tls().serverContext().getServerSocketFactory().createServerSocket();
      ss.setReuseAddress(true);
      ss.bind(new InetSocketAddress(InetAddress.getByName(settings.bind()), settings.port()));
      serverSocket = ss;
    } catch (IOException e) {
      throw new ThlException(
          "cannot serve the THL on "
              + settings.bind()
              + ":"
              + settings.port()
              + ": "
              + e.getMessage()
              + " (is the port in use by another service?)",
          e);
    }
    acceptor = new Thread(this::acceptLoop, "thl-server-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
    LOG.info(
        "serving the THL of {} on {}:{}{}{}",
        settings.service(),
        settings.bind(),
        port(),
        settings.tls() != null ? " with TLS" : "",
        settings.secret() != null ? " (replicas must know the secret)" : "");
  }

  /** The port it listens on (the one chosen when the settings said 0). */
  public int port() {
    return serverSocket.getLocalPort();
  }

  public List<Replica> replicas() {
    List<Replica> list = new ArrayList<>();
    for (Session s : sessions) {
      if (s.name != null) {
        list.add(new Replica(s.name, s.address, s.since, s.nextSeqno));
      }
    }
    return list;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket socket = serverSocket.accept();
        Session session = new Session(socket);
        sessions.add(session);
        Thread t = new Thread(session, "thl-session-" + socket.getRemoteSocketAddress());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("THL server on port {}: accept failed: {}", port(), e.getMessage());
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (serverSocket != null) {
      try {
        serverSocket.close();
      } catch (IOException e) {
        LOG.debug("closing the THL server socket: {}", e.getMessage());
      }
    }
    for (Session s : sessions) {
      s.close();
    }
    if (acceptor != null) {
      try {
        acceptor.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The replica was refused, with a message for both sides' operators. */
  static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whether the replica may try again later (told with an ERROR frame, not REFUSE). */
    private final boolean retriable;

    Refusal(String message) {
      this(message, false);
    }

    Refusal(String message, boolean retriable) {
      super(message);
      this.retriable = retriable;
    }
  }

  /** One replica's connection: handshake, then the stream. */
  private final class Session implements Runnable {
    private final Socket socket;
    private final String address;
    private final Instant since;
    private volatile String name;
    private volatile long nextSeqno = -1;

    Session(Socket socket) {
      this.socket = socket;
      this.address = String.valueOf(socket.getRemoteSocketAddress());
      this.since = clock.instant();
    }

    @Override
    public void run() {
      MDC.put("service", settings.service()); // log lines name the master service
      try (socket) {
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        socket.setSoTimeout((int) Math.max(10_000, settings.heartbeat().toMillis() * 5));
        DataInputStream in = new DataInputStream(socket.getInputStream());
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        Checkpoint after = handshake(in, out);
        if (after != null) {
          stream(after, out);
        }
      } catch (IOException e) {
        if (!closed) {
          LOG.info("replica {} at {} disconnected: {}", name, address, e.getMessage());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ThlException e) {
        // The replica was told; the same damage comes back at each of its attempts.
        if (!closed) {
          LOG.warn("serving replica {} at {} stopped: {}", name, address, e.getMessage());
        }
      } catch (RuntimeException e) {
        if (closed) {
          LOG.debug("replica {} at {}: stopped while serving: {}", name, address, e.getMessage());
        } else {
          LOG.error("serving replica {} at {} failed: {}", name, address, e.getMessage(), e);
        }
      } finally {
        sessions.remove(this);
        MDC.remove("service");
      }
    }

    /** The replica's checkpoint, or null if it was refused (and told why). */
    private Checkpoint handshake(DataInputStream in, OutputStream out) throws IOException {
      byte[] nonce = new byte[16];
      RANDOM.nextBytes(nonce);
      ByteWriter w = new ByteWriter(128);
      w.u16(Wire.VERSION);
      w.string(settings.service());
      w.bytes(nonce);
      w.u8(settings.secret() != null ? 1 : 0);
      w.string(thl.logId() == null ? "" : thl.logId().toString());
      Wire.write(out, Wire.SERVER_HELLO, w);
      out.flush();
      Wire.Frame hello = Wire.read(in, Wire.MAX_HANDSHAKE_FRAME);
      if (hello.type() != Wire.HELLO) {
        throw new Wire.ProtocolException("expected HELLO, got frame type " + hello.type());
      }
      ByteReader r = hello.reader();
      int version = r.u16();
      String replica = r.string();
      byte[] proof = r.bytes();
      long seqno = r.i64();
      long epoch = r.i64();
      boolean lastFrag = r.u8() != 0;
      int fragno = r.i32();
      String positionKind = r.hasRemaining() ? r.string() : "";
      String positionText = r.hasRemaining() ? r.string() : "";
      name = replica;
      try {
        if (version != Wire.VERSION) {
          throw new Refusal(
              "the replica speaks THL protocol version "
                  + version
                  + ", this master "
                  + Wire.VERSION
                  + ": run the same Ferry version on both");
        }
        if (settings.secret() != null
            && !Wire.proofMatches(settings.secret(), nonce, replica, proof)) {
          throw new Refusal(
              "the replica '" + replica + "' does not know this master's shared secret");
        }
        Checkpoint after =
            check(replica, seqno, epoch, fragno, lastFrag, positionKind + ":" + positionText);
        nextSeqno = after.isNone() ? thl.firstSeqno().orElse(0) : after.nextSeqno();
        w.reset();
        w.i64(nextSeqno);
        w.i64(thl.firstSeqno().orElse(-1));
        w.i64(thl.lastSeqno().orElse(-1));
        Wire.write(out, Wire.ACCEPT, w);
        out.flush();
        LOG.info(
            "replica {} at {} connected; streaming from seqno {}", replica, address, nextSeqno);
        return after;
      } catch (Refusal e) {
        LOG.warn(
            "{} replica {} at {}: {}",
            e.retriable ? "not yet serving" : "refused",
            replica,
            address,
            e.getMessage());
        w.reset();
        w.string(e.getMessage());
        Wire.write(out, e.retriable ? Wire.ERROR : Wire.REFUSE, w);
        out.flush();
        return null;
      } catch (RuntimeException e) {
        LOG.error("checking replica {} at {} failed", replica, address, e);
        w.reset();
        w.string("the master could not check the replica's position: " + e);
        Wire.write(out, Wire.ERROR, w);
        out.flush();
        return null;
      }
    }

    /**
     * Checks that the replica's last record is in this log with the same epoch (or, for the same
     * source position, the same transaction extracted again under a new epoch); an empty replica
     * starts at seqno 0 only, or where its operator said.
     */
    private Checkpoint check(
        String replica, long seqno, long epoch, int fragno, boolean lastFrag, String position)
        throws Refusal {
      OptionalLong last = thl.lastSeqno();
      OptionalLong first = thl.firstSeqno();
      if (seqno < 0 && epoch != Wire.PROBE_EPOCH) {
        if (first.isPresent() && first.getAsLong() > 0) {
          throw new Refusal(
              "the replica's log is empty, and this master's log begins at seqno "
                  + first.getAsLong()
                  + ": seqnos 0 to "
                  + (first.getAsLong() - 1)
                  + " are not here (purged, or never in this log), so the replica would miss"
                  + " them without knowing. If its target already holds this master's data up"
                  + " to some seqno N-1 (restored from a backup), start it there: ferry online"
                  + " -service "
                  + replica
                  + " -from-seqno N (N from "
                  + first.getAsLong()
                  + "). Otherwise provision the target from a backup first.");
        }
        return Checkpoint.NONE;
      }
      if (epoch == Wire.ANY_EPOCH) {
        return startWhereTold(replica, seqno, first, last);
      }
      if (epoch == Wire.PROBE_EPOCH) {
        long after = Math.max(seqno, first.orElse(0) - 1);
        return new Checkpoint(Math.min(after, last.orElse(-1)), Wire.ANY_EPOCH, 0, true, null, 0);
      }
      String replicaSide = "the replica has seqno " + seqno + " with epoch " + epoch;
      if (last.isEmpty() || seqno > last.getAsLong()) {
        // Not yet a refusal: a master whose log was cut (a repair) extracts the cut transactions
        // again, and the epoch check decides once it has reached the replica's seqno.
        throw new Refusal(
            replicaSide
                + ", but this master's log "
                + (last.isEmpty() ? "is empty" : "ends at seqno " + last.getAsLong())
                + ": the replica is ahead of the master. If the master is extracting again what"
                + " was cut from its log, the replica waits for it (retrying); if the replica is"
                + " pointed at the wrong master, the epoch check refuses it once that master"
                + " reaches seqno "
                + seqno,
            true);
      }
      if (seqno < first.getAsLong()) {
        throw new Refusal(
            replicaSide
                + ", but this master's log starts at seqno "
                + first.getAsLong()
                + ": what the replica needs next was purged; re-provision the replica");
      }
      long masterEpoch;
      String masterPosition;
      try (ThlReader reader = thl.reader(seqno)) {
        ThlRecord rec = reader.next(0, TimeUnit.MILLISECONDS);
        if (rec == null) {
          throw new Refusal(replicaSide + ", which this master's log does not hold");
        }
        masterEpoch = rec.header().epoch();
        // A fragmented transaction: its end position is on its last fragment.
        while (rec != null && !rec.header().lastFrag() && lastFrag) {
          ThlRecord next = reader.next(0, TimeUnit.MILLISECONDS);
          if (next == null || next.header().seqno() != seqno) {
            break;
          }
          rec = next;
        }
        masterPosition =
            rec.header().nativePosition() == null
                ? null
                : rec.header().nativePosition().kind() + ":" + rec.header().nativePosition().text();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Refusal("interrupted");
      }
      // A source position names a transaction (an opaque one, a generator's count, does not).
      if (masterEpoch != epoch
          && lastFrag
          && masterPosition != null
          && !masterPosition.startsWith(io.ferry.core.position.OpaquePosition.KIND + ":")
          && masterPosition.equals(position)) {
        LOG.info(
            "replica {} holds seqno {} with epoch {}, this master with epoch {}, both for source"
                + " position {}: the same transaction, extracted again; continuing",
            replica,
            seqno,
            epoch,
            masterEpoch,
            position);
      } else if (masterEpoch != epoch) {
        throw new Refusal(
            replicaSide
                + ", but this master has epoch "
                + masterEpoch
                + " at that seqno: the two logs have different histories. Point the replica at"
                + " the master it came from, or re-provision it (reset its THL and catalog).");
      }
      return new Checkpoint(seqno, epoch, fragno, lastFrag, null, 0);
    }

    /** An empty replica that its operator started after {@code seqno}. */
    private Checkpoint startWhereTold(
        String replica, long seqno, OptionalLong first, OptionalLong last) throws Refusal {
      if (first.isPresent() && seqno + 1 < first.getAsLong()) {
        throw new Refusal(
            "the replica "
                + replica
                + " was told to start at seqno "
                + (seqno + 1)
                + ", but this master's log begins at seqno "
                + first.getAsLong()
                + ": give -from-seqno "
                + first.getAsLong()
                + " or later, with the target provisioned up to there");
      }
      long end = last.isPresent() ? last.getAsLong() : -1;
      if (seqno > end) {
        throw new Refusal(
            "the replica "
                + replica
                + " was told to start at seqno "
                + (seqno + 1)
                + ", but this master's log ends at seqno "
                + end
                + ": give a seqno this master has reached");
      }
      return new Checkpoint(seqno, Wire.ANY_EPOCH, 0, true, null, 0);
    }

    private void stream(Checkpoint after, OutputStream out)
        throws IOException, InterruptedException {
      long heartbeatMillis = settings.heartbeat().toMillis();
      ByteWriter batch = new ByteWriter(settings.batchBytes() + 1024);
      ByteWriter hb = new ByteWriter(32);
      AutoCloseable registration =
          thl.registerReader("replica " + name + " at " + address, () -> nextSeqno);
      try (ThlReader reader = thl.readerAfter(after)) {
        while (!closed) {
          ThlRecord rec = reader.next(heartbeatMillis, TimeUnit.MILLISECONDS);
          if (rec == null) {
            hb.reset();
            hb.i64(thl.lastSeqno().orElse(-1));
            hb.i64(clock.millis() * 1000);
            Wire.write(out, Wire.HEARTBEAT, hb);
            out.flush();
            continue;
          }
          batch.reset();
          while (rec != null) {
            byte[] b = rec.bytes();
            batch.raw(b, 0, b.length);
            nextSeqno =
                rec.header().lastFrag() ? rec.header().lastSeqno() + 1 : rec.header().seqno();
            rec =
                batch.size() < settings.batchBytes() ? reader.next(0, TimeUnit.MILLISECONDS) : null;
          }
          Wire.write(out, Wire.RECORDS, batch);
          out.flush();
          batch.shrink(settings.batchBytes() + 1024);
        }
      } catch (ThlException e) {
        sendError(out, "the master cannot read its THL: " + e.getMessage());
        throw e;
      } finally {
        try {
          registration.close();
        } catch (Exception e) {
          LOG.debug("unregistering replica {}: {}", name, e.getMessage());
        }
      }
    }

    private void sendError(OutputStream out, String message) {
      try {
        ByteWriter w = new ByteWriter(256);
        w.string(message);
        Wire.write(out, Wire.ERROR, w);
        out.flush();
      } catch (IOException e) {
        LOG.debug("could not tell replica {} about the error: {}", name, e.getMessage());
      }
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        LOG.debug("closing the session of {}: {}", name, e.getMessage());
      }
    }
  }
}
