package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.net.MasterAddress;
import io.ferry.core.net.NetworkException;
import io.ferry.core.net.RemoteThlExtractor;
import io.ferry.core.net.ThlClientSettings;
import io.ferry.core.net.ThlServer;
import io.ferry.core.net.ThlServerSettings;
import io.ferry.core.net.TlsSettings;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.GeneratorExtractor;
import io.ferry.core.pipeline.Pipeline;
import io.ferry.core.pipeline.PipelineFailure;
import io.ferry.core.pipeline.RetryPolicy;
import io.ferry.core.pipeline.Stage;
import io.ferry.core.pipeline.ThlStore;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlReader;
import io.ferry.core.thl.ThlRecord;
import io.ferry.core.thl.ThlSettings;
import io.ferry.testkit.TcpProxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * THL transfer between a master and a replica: byte-identical logs, the epoch check, secrets, TLS,
 * several master addresses, and a network that is cut or goes silent in the middle.
 */
class ThlTransferTest {
  private static final Clock CLOCK = Clock.systemUTC();

  @TempDir Path dir;

  /** A master log filled by a generator, in its own pipeline. */
  private Pipeline master(Thl thl, long count, long epoch) {
    return master(thl, new GeneratorExtractor(count, 2, 200, 4, CLOCK), epoch);
  }

  private Pipeline master(Thl thl, io.ferry.core.pipeline.Extractor source, long epoch) {
    ThlStore store = new ThlStore("thl", thl);
    Pipeline p =
        new Pipeline(
            "master",
            List.of(
                Stage.builder("gen-to-thl")
                    .extractor(source)
                    .applier(store.applier())
                    .epoch(epoch)
                    .originService("master")
                    .build()),
            List.of(store),
            CLOCK);
    p.start();
    return p;
  }

  /** Fills a log with {@code count} generated transactions (after what it has) and stops. */
  private void fill(Thl thl, long count, long epoch) throws InterruptedException {
    Pipeline p = master(thl, count, epoch);
    awaitSeqno(thl, count - 1, p);
    p.stop(Duration.ofSeconds(10));
  }

  private static Pipeline replica(Thl thl, RemoteThlExtractor remote) {
    ThlStore store = new ThlStore("thl", thl);
    Pipeline p =
        new Pipeline(
            "replica",
            List.of(
                Stage.builder("remote-to-thl")
                    .extractor(remote)
                    .applier(store.applier())
                    .blockCommit(new BlockCommit(50, Duration.ofMillis(20)))
                    .retry(
                        new RetryPolicy(
                            Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMinutes(1)))
                    .build()),
            List.of(store),
            CLOCK);
    p.start();
    return p;
  }

  private static void awaitSeqno(Thl thl, long seqno, Pipeline p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (thl.lastSeqno().orElse(-1) >= seqno) {
        return;
      }
      if (p.failure().isPresent()) {
        throw new AssertionError(p.failure().get().message(), p.failure().get().cause());
      }
      Thread.sleep(10);
    }
    throw new AssertionError(
        "seqno " + seqno + " did not arrive; the log has " + thl.lastSeqno() + "; " + p.status());
  }

  private static PipelineFailure awaitFailure(Pipeline p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (p.failure().isPresent()) {
        return p.failure().get();
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the replica did not fail: " + p.status());
  }

  private static List<byte[]> records(Thl thl) throws InterruptedException {
    List<byte[]> list = new ArrayList<>();
    try (ThlReader r = thl.reader(thl.firstSeqno().orElse(0))) {
      ThlRecord rec;
      while ((rec = r.next(0, TimeUnit.MILLISECONDS)) != null) {
        list.add(rec.bytes());
      }
    }
    return list;
  }

  private static ThlClientSettings client(int port) {
    return ThlClientSettings.of(List.of(new MasterAddress("127.0.0.1", port)), "r1");
  }

  @Test
  void aReplicaLogIsTheMasterLogByteForByte() throws Exception {
    try (Thl m = Thl.open(ThlSettings.defaults(dir.resolve("m")));
        Thl r = Thl.open(ThlSettings.defaults(dir.resolve("r")))) {
      Pipeline mp = master(m, 3000, 7);
      try (ThlServer server = new ThlServer(m, ThlServerSettings.of("127.0.0.1", 0, "m"), CLOCK)) {
        server.start();
        Pipeline rp = replica(r, new RemoteThlExtractor(client(server.port())));
        awaitSeqno(r, 2999, rp);
        assertThat(server.replicas()).extracting(ThlServer.Replica::name).containsExactly("r1");
        rp.stop(Duration.ofSeconds(10));
        // A restarted replica goes on after what it has.
        mp.stop(Duration.ofSeconds(10));
        Pipeline more = master(m, 4000, 8);
        Pipeline rp2 = replica(r, new RemoteThlExtractor(client(server.port())));
        awaitSeqno(r, 3999, rp2);
        rp2.stop(Duration.ofSeconds(10));
        more.stop(Duration.ofSeconds(10));
      }
      List<byte[]> mine = records(m);
      List<byte[]> theirs = records(r);
      assertThat(theirs).hasSize(mine.size());
      for (int i = 0; i < mine.size(); i++) {
        assertThat(theirs.get(i)).as("record " + i).isEqualTo(mine.get(i));
      }
      assertThat(r.lastCheckpoint().epoch()).isEqualTo(8);
    }
  }

  @Test
  void aReplicaThatDoesNotReadHoldsTheMasterBack() throws Exception {
    try (Thl m = Thl.open(ThlSettings.defaults(dir.resolve("m")))) {
      fill(m, 50_000, 1);
      try (ThlServer server = new ThlServer(m, ThlServerSettings.of("127.0.0.1", 0, "m"), CLOCK)) {
        server.start();
        RemoteThlExtractor remote =
            new RemoteThlExtractor(
                new ThlClientSettings(
                    List.of(new MasterAddress("127.0.0.1", server.port())),
                    "slow",
                    null,
                    null,
                    null,
                    null,
                    64 << 10,
                    ThlClientSettings.DEFAULT_MAX_FRAME_BYTES));
        try {
          remote.seek(Checkpoint.NONE);
          Thread.sleep(1000);
          long received = remote.status().receivedSeqno();
          Thread.sleep(500);
          // Nothing taken: the receiver stops at a full queue and TCP holds the master back.
          assertThat(remote.status().receivedSeqno()).isEqualTo(received).isLessThan(10_000);
          assertThat(server.replicas().get(0).nextSeqno()).isLessThan(49_999);
          long taken = 0;
          while (remote.next(1, TimeUnit.SECONDS) != null) {
            taken++;
          }
          assertThat(taken).isEqualTo(50_000);
        } finally {
          remote.close();
        }
      }
    }
  }

  @Test
  void aReplicaWithAnotherHistoryIsRefusedByTheEpochCheck() throws Exception {
    try (Thl m = Thl.open(ThlSettings.defaults(dir.resolve("m")));
        Thl other = Thl.open(ThlSettings.defaults(dir.resolve("other")))) {
      fill(m, 100, 1);
      fill(other, 50, 2);
      try (ThlServer server = new ThlServer(m, ThlServerSettings.of("127.0.0.1", 0, "m"), CLOCK)) {
        server.start();
        Pipeline rp = replica(other, new RemoteThlExtractor(client(server.port())));
        PipelineFailure f = awaitFailure(rp);
        assertThat(f.cause()).isInstanceOf(NetworkException.class);
        assertThat(((NetworkException) f.cause()).isRetriable()).isFalse();
        assertThat(f.message())
            .contains("refused this replica")
            .contains("the replica has seqno 49 with epoch 2")
            .contains("this master has epoch 1 at that seqno")
            .contains("different histories");
      }
    }
  }

  @Test
  void aReplicaAheadOfItsMasterWaitsForIt() throws Exception {
    try (Thl m = Thl.open(ThlSettings.defaults(dir.resolve("m")));
        Thl r = Thl.open(ThlSettings.defaults(dir.resolve("r")))) {
      fill(m, 10, 1);
      fill(r, 20, 1);
      try (ThlServer server = new ThlServer(m, ThlServerSettings.of("127.0.0.1", 0, "m"), CLOCK)) {
        server.start();
        RemoteThlExtractor remote = new RemoteThlExtractor(client(server.port()));
        Checkpoint mine = r.lastCheckpoint();
        try {
          remote.seek(mine);
          throw new AssertionError("accepted");
        } catch (NetworkException e) {
          assertThat(e.getMessage())
              .contains("the replica has seqno 19 with epoch 1")
              .contains("this master's log ends at seqno 9")
              .contains("ahead of the master")
              .contains("the replica waits for it");
          assertThat(e.isRetriable()).as("a master extracting again may catch up").isTrue();
        } finally {
          remote.close();
        }
      }
    }
  }

  @Test
  void secretsTlsAndSeveralMasterAddresses() throws Exception {
    Path keystore = dir.resolve("master.p12");
    Path truststore = dir.resolve("trust.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "m",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=ferry-master",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "secret1",
        "-keypass",
        "secret1");
    Path cert = dir.resolve("m.cer");
    keytool(
        "-exportcert",
        "-alias",
        "m",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "secret1",
        "-file",
        cert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "m",
        "-file",
        cert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        truststore.toString(),
        "-storepass",
        "secret2");
    TlsSettings serverTls = new TlsSettings(keystore, "secret1", null, null);
    TlsSettings clientTls = new TlsSettings(null, null, truststore, "secret2");
    try (Thl m = Thl.open(ThlSettings.defaults(dir.resolve("m")));
        Thl r = Thl.open(ThlSettings.defaults(dir.resolve("r")))) {
      fill(m, 500, 1);
      try (ThlServer server =
          new ThlServer(
              m,
              ThlServerSettings.of("127.0.0.1", 0, "m").withSecret("s3cret").withTls(serverTls),
              CLOCK)) {
        server.start();
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
          dead = s.getLocalPort();
        }
        List<MasterAddress> masters =
            List.of(
                new MasterAddress("127.0.0.1", dead),
                new MasterAddress("127.0.0.1", server.port()));

        RemoteThlExtractor wrong =
            new RemoteThlExtractor(
                ThlClientSettings.of(masters, "r1").withSecret("wrong").withTls(clientTls));
        try {
          wrong.seek(Checkpoint.NONE);
          throw new AssertionError("a wrong secret was accepted");
        } catch (NetworkException e) {
          assertThat(e.getMessage()).contains("does not know this master's shared secret");
          assertThat(e.isRetriable()).isFalse();
        } finally {
          wrong.close();
        }

        RemoteThlExtractor plain =
            new RemoteThlExtractor(
                ThlClientSettings.of(masters, "r1").withConnectTimeout(Duration.ofSeconds(1)));
        try {
          plain.seek(Checkpoint.NONE);
          throw new AssertionError("plain TCP to a TLS port worked");
        } catch (NetworkException e) {
          assertThat(e.getMessage()).contains("127.0.0.1:" + server.port());
        } finally {
          plain.close();
        }

        Pipeline rp =
            replica(
                r,
                new RemoteThlExtractor(
                    ThlClientSettings.of(masters, "r1").withSecret("s3cret").withTls(clientTls)));
        awaitSeqno(r, 499, rp);
        rp.stop(Duration.ofSeconds(10));
      }
      assertThat(records(r)).hasSameSizeAs(records(m));
    }
  }

  @Test
  void networkCutsAndSilenceInTheMiddleOfTheStream() throws Exception {
    try (Thl m = Thl.open(ThlSettings.defaults(dir.resolve("m")));
        Thl r = Thl.open(ThlSettings.defaults(dir.resolve("r")))) {
      Pipeline mp = master(m, new Throttled(new GeneratorExtractor(-1, 2, 200, 4, CLOCK)), 1);
      try (ThlServer server =
              new ThlServer(
                  m,
                  ThlServerSettings.of("127.0.0.1", 0, "m").withHeartbeat(Duration.ofMillis(100)),
                  CLOCK);
          TcpProxy proxy = new TcpProxy("127.0.0.1", startServer(server))) {
        RemoteThlExtractor remote =
            new RemoteThlExtractor(
                ThlClientSettings.of(List.of(new MasterAddress("127.0.0.1", proxy.port())), "r1")
                    .withSilenceLimit(Duration.ofMillis(500)));
        Pipeline rp = replica(r, remote);
        for (int i = 0; i < 5; i++) {
          awaitSeqno(r, r.lastSeqno().orElse(-1) + 100, rp);
          proxy.cut();
          Thread.sleep(150);
          proxy.restore();
        }
        awaitSeqno(r, r.lastSeqno().orElse(-1) + 100, rp);
        proxy.freeze();
        Thread.sleep(1000);
        proxy.thaw();
        awaitSeqno(r, r.lastSeqno().orElse(-1) + 100, rp);
        mp.stop(Duration.ofSeconds(10));
        awaitSeqno(r, m.lastSeqno().getAsLong(), rp);
        assertThat(proxy.connections()).isGreaterThanOrEqualTo(7);
        assertThat(rp.status().get(0).retries()).isGreaterThanOrEqualTo(6);
        rp.stop(Duration.ofSeconds(10));
      }
      List<byte[]> mine = records(m);
      List<byte[]> theirs = records(r);
      assertThat(theirs).hasSize(mine.size());
      for (int i = 0; i < mine.size(); i++) {
        assertThat(theirs.get(i)).as("record " + i).isEqualTo(mine.get(i));
      }
    }
  }

  /** A source at about 5,000 transactions a second, so a stream lasts long enough to be cut. */
  private static final class Throttled implements io.ferry.core.pipeline.Extractor {
    private final GeneratorExtractor inner;
    private long count;

    Throttled(GeneratorExtractor inner) {
      this.inner = inner;
    }

    @Override
    public boolean isSource() {
      return true;
    }

    @Override
    public void seek(Checkpoint after) {
      inner.seek(after);
    }

    @Override
    public io.ferry.core.event.ReplEvent next(long timeout, TimeUnit unit)
        throws InterruptedException {
      if (++count % 10 == 0) {
        Thread.sleep(2);
      }
      return inner.next(timeout, unit);
    }
  }

  private static int startServer(ThlServer server) {
    server.start();
    return server.port();
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new AssertionError("keytool failed: " + out);
    }
  }
}
