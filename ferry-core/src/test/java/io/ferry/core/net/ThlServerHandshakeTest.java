package io.ferry.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.TestEvents;
import io.ferry.core.codec.ByteWriter;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlSettings;
import io.ferry.core.thl.ThlWriter;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a master accepts from a replica, and what a replica accepts from a master. */
class ThlServerHandshakeTest {
  private static final Clock CLOCK = Clock.systemUTC();

  @TempDir Path dir;

  private static Thl log(Path dir, long from, long to, LongFunction<Transaction> make) {
    Thl thl = Thl.open(ThlSettings.defaults(dir));
    ThlWriter w = thl.writer();
    for (long s = from; s < to; s++) {
      w.append(make.apply(s));
    }
    w.commit();
    return thl;
  }

  private static RemoteThlExtractor replica(int port) {
    return new RemoteThlExtractor(
        ThlClientSettings.of(List.of(new MasterAddress("127.0.0.1", port)), "r1"));
  }

  private static ReplEvent next(RemoteThlExtractor r) throws InterruptedException {
    ReplEvent e = r.next(10, TimeUnit.SECONDS);
    assertThat(e).as("an event within 10 s").isNotNull();
    return e;
  }

  @Test
  void anEmptyReplicaIsRefusedByAMasterWhoseLogDoesNotBeginAtZeroUnlessToldWhereToStart()
      throws Exception {
    try (Thl master = log(dir.resolve("m"), 100, 200, TestEvents::small);
        ThlServer server =
            new ThlServer(master, ThlServerSettings.of("127.0.0.1", 0, "m"), CLOCK)) {
      server.start();
      try (RemoteThlExtractor r = replica(server.port())) {
        assertThatThrownBy(() -> r.seek(Checkpoint.NONE))
            .isInstanceOf(NetworkException.class)
            .hasMessageContaining("log begins at seqno 100")
            .hasMessageContaining("ferry online -service r1 -from-seqno N")
            .satisfies(e -> assertThat(((NetworkException) e).isRetriable()).isFalse());
        assertThatThrownBy(() -> r.seek(RemoteThlExtractor.startingAfter(49)))
            .hasMessageContaining("told to start at seqno 50")
            .hasMessageContaining("give -from-seqno 100 or later");
        r.seek(RemoteThlExtractor.startingAfter(149));
        assertThat(next(r).seqno()).isEqualTo(150);
        r.seek(RemoteThlExtractor.startingAfter(99));
        assertThat(next(r).seqno()).isEqualTo(100);
      }
    }
  }

  @Test
  void theSameTransactionExtractedAgainUnderANewEpochIsRecognizedByItsSourcePosition()
      throws Exception {
    // The master's seqno 9 was cut as a torn tail and extracted again, under epoch 8.
    LongFunction<Transaction> make =
        s ->
            s < 9
                ? TestEvents.small(s)
                : TestEvents.small(s).withHeader(TestEvents.header(s).withSeqno(s, 8));
    try (Thl master = log(dir.resolve("m"), 0, 20, make);
        ThlServer server =
            new ThlServer(master, ThlServerSettings.of("127.0.0.1", 0, "m"), CLOCK)) {
      server.start();
      Checkpoint replicaHas = TestEvents.small(9).checkpoint(); // epoch 7, the same position
      try (RemoteThlExtractor r = replica(server.port())) {
        r.seek(replicaHas);
        assertThat(next(r).seqno()).isEqualTo(10);
        Checkpoint elsewhere = TestEvents.small(8).checkpoint();
        Checkpoint differentTransaction =
            new Checkpoint(9, 7, 0, true, elsewhere.nativePosition(), 0);
        assertThatThrownBy(() -> r.seek(differentTransaction))
            .hasMessageContaining("different histories");
      }
    }
  }

  /** Fragment {@code fragno} of seqno 9 under an epoch, ending at its own source position. */
  private static Transaction fragmentOf9(long epoch, int fragno, boolean last) {
    io.ferry.core.event.TransactionHeader h = TestEvents.header(9);
    return TestEvents.small(9)
        .withHeader(
            new io.ferry.core.event.TransactionHeader(
                9,
                epoch,
                fragno,
                last,
                new io.ferry.core.position.BinlogPosition(
                    "binlog.000001",
                    5000 + fragno * 100,
                    new io.ferry.core.position.MariaDbGtid(0, 1, 10)),
                h.sourceId(),
                h.originService(),
                h.shard(),
                h.sourceCommitMicros(),
                h.extractMicros(),
                h.options()));
  }

  @Test
  void aFragmentedTransactionExtractedAgainIsRecognizedByItsLastFragmentsPosition()
      throws Exception {
    try (Thl master = Thl.open(ThlSettings.defaults(dir.resolve("m")))) {
      ThlWriter w = master.writer();
      for (long s = 0; s < 9; s++) {
        w.append(TestEvents.small(s));
      }
      w.append(fragmentOf9(8, 0, false));
      w.append(fragmentOf9(8, 1, false));
      w.append(fragmentOf9(8, 2, true));
      w.append(TestEvents.small(10).withHeader(TestEvents.header(10).withSeqno(10, 8)));
      w.commit();
      try (ThlServer server =
          new ThlServer(master, ThlServerSettings.of("127.0.0.1", 0, "m"), CLOCK)) {
        server.start();
        try (RemoteThlExtractor r = replica(server.port())) {
          r.seek(fragmentOf9(7, 2, true).checkpoint()); // the replica's, under the old epoch
          assertThat(next(r).seqno()).isEqualTo(10);
        }
      }
    }
  }

  @Test
  void aFrameLengthAboveTheLimitIsARetriableErrorNotAnAllocation() throws Exception {
    try (ServerSocket fake = new ServerSocket(0)) {
      Thread master =
          new Thread(
              () -> {
                try (Socket s = fake.accept()) {
                  OutputStream out = s.getOutputStream();
                  DataInputStream in =
                      new DataInputStream(new BufferedInputStream(s.getInputStream()));
                  ByteWriter w = new ByteWriter(64);
                  w.u16(Wire.VERSION);
                  w.string("m");
                  w.bytes(new byte[16]);
                  w.u8(0);
                  w.string("");
                  Wire.write(out, Wire.SERVER_HELLO, w);
                  Wire.read(in, Wire.MAX_HANDSHAKE_FRAME);
                  w.reset();
                  w.i64(0);
                  w.i64(0);
                  w.i64(10);
                  Wire.write(out, Wire.ACCEPT, w);
                  // A records frame whose length byte was damaged: 2 GiB - 16.
                  out.write(new byte[] {Wire.RECORDS, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0});
                  out.flush();
                  Thread.sleep(5000);
                } catch (Exception e) {
                  // the replica hung up
                }
              });
      master.setDaemon(true);
      master.start();
      try (RemoteThlExtractor r = replica(fake.getLocalPort())) {
        r.seek(Checkpoint.NONE);
        assertThatThrownBy(() -> r.next(10, TimeUnit.SECONDS))
            .isInstanceOf(NetworkException.class)
            .hasMessageContaining("2147483632 bytes (at most 268435456 accepted)")
            .hasMessageContaining("master.max-frame-bytes")
            .satisfies(e -> assertThat(((NetworkException) e).isRetriable()).isTrue());
      }
    }
  }
}
