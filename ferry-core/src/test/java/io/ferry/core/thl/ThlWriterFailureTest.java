package io.ferry.core.thl;

import static io.ferry.core.thl.ThlTestSupport.readAll;
import static io.ferry.core.thl.ThlTestSupport.small;
import static io.ferry.core.thl.ThlTestSupport.writeSmall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ferry.core.TestEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's failures: a failed fsync, a close with uncommitted records, two writers, lock order.
 */
class ThlWriterFailureTest {
  @TempDir Path dir;

  @Test
  void aFailedFsyncAtCommitStopsTheWriterForGood() throws Exception {
    AtomicBoolean eio = new AtomicBoolean();
    try (Thl thl = Thl.open(small(dir).withFiles(FailingChannel.files(eio)))) {
      writeSmall(thl, 0, 10);
      ThlWriter w = thl.writer();
      eio.set(true);
      w.append(TestEvents.small(10));
      assertThatThrownBy(w::commit)
          .isInstanceOf(ThlException.class)
          .hasMessageContaining("Input/output error")
          .hasMessageContaining("records after seqno 9 may not be on disk");
      // The disk seems fine again: a later fsync would succeed, and prove nothing.
      eio.set(false);
      assertThatThrownBy(() -> w.append(TestEvents.small(11)))
          .isInstanceOf(ThlException.class)
          .hasMessageContaining("stopped");
      assertThatThrownBy(w::commit).isInstanceOf(ThlException.class);
      assertThatThrownBy(w::rollback).isInstanceOf(ThlException.class);
      assertThat(thl.lastSeqno()).hasValue(9);
      assertThat(readAll(thl, 0)).hasSize(10);
    }
    try (Thl again = Thl.open(small(dir))) {
      assertThat(again.lastSeqno())
          .as("the record whose fsync failed was cut from the file")
          .hasValue(9);
      ThlWriter w = again.writer();
      w.append(TestEvents.small(again.lastSeqno().getAsLong() + 1));
      w.commit();
    }
  }

  @Test
  void aFailedIntervalFsyncPublishesNothingMore() throws Exception {
    AtomicBoolean eio = new AtomicBoolean();
    ThlSettings settings =
        small(dir)
            .withFsync(FsyncPolicy.interval(Duration.ofMillis(20)))
            .withFiles(FailingChannel.files(eio));
    try (Thl thl = Thl.open(settings)) {
      writeSmall(thl, 0, 10);
      thl.writer().awaitDurable();
      assertThat(thl.lastSeqno()).hasValue(9);
      eio.set(true);
      ThlWriter w = thl.writer();
      w.append(TestEvents.small(10));
      w.commit();
      Thread.sleep(200);
      eio.set(false);
      Thread.sleep(200);
      assertThat(thl.lastSeqno()).as("nothing after the failed fsync is readable").hasValue(9);
      assertThat(readAll(thl, 0)).hasSize(10);
      assertThatThrownBy(() -> w.append(TestEvents.small(11)))
          .isInstanceOf(ThlException.class)
          .hasMessageContaining("interval fsync");
    }
  }

  @Test
  void closeAbandonsWhatWasNotCommitted() throws Exception {
    try (Thl thl = Thl.open(small(dir))) {
      writeSmall(thl, 0, 5);
      ThlWriter w = thl.writer();
      w.append(TestEvents.small(5));
      w.append(TestEvents.small(6));
    }
    try (Thl thl = Thl.open(small(dir))) {
      assertThat(thl.lastSeqno()).hasValue(4);
      assertThat(readAll(thl, 0)).hasSize(5);
      writeSmall(thl, 5, 7);
      assertThat(thl.lastSeqno()).hasValue(6);
    }
  }

  @Test
  void aCommittedIntervalBlockSurvivesClose() throws Exception {
    ThlSettings settings = small(dir).withFsync(FsyncPolicy.interval(Duration.ofSeconds(30)));
    try (Thl thl = Thl.open(settings)) {
      writeSmall(thl, 0, 5); // committed, not yet forced by the flusher
    }
    try (Thl thl = Thl.open(small(dir))) {
      assertThat(thl.lastSeqno()).hasValue(4);
    }
  }

  @Test
  @SuppressWarnings("try") // the open log is what the test is about
  void aSecondWriterInTheSameProcessIsRefusedAndTheFirstKeepsItsLock() throws Exception {
    Path log = dir.resolve("log");
    Path sameLog = java.nio.file.Files.createSymbolicLink(dir.resolve("link"), log.getFileName());
    try (Thl thl = Thl.open(small(log))) {
      assertThat(LockProbe.probe(log)).isEqualTo("held");
      assertThatThrownBy(() -> Thl.open(small(sameLog)))
          .isInstanceOf(ThlException.class)
          .hasMessageContaining("in use by another service of this replicator")
          .hasMessageContaining("give each service its own thl.dir");
      assertThat(Thl.inUse(log)).isTrue();
      assertThat(LockProbe.probe(log))
          .as("another process still finds the log locked")
          .isEqualTo("held");
    }
    assertThat(LockProbe.probe(log)).isEqualTo("free");
    try (Thl again = Thl.open(small(sameLog))) {
      assertThat(again.isWritable()).isTrue();
    }
  }

  @Test
  void closingWhileTheWriterRotatesDoesNotDeadlock() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          for (int round = 0; round < 40; round++) {
            Path log = dir.resolve("round-" + round);
            Thl thl = Thl.open(small(log).withSegmentBytes(4096).withRetention(null, 8192));
            Thread writer =
                new Thread(
                    () -> {
                      try {
                        ThlWriter w = thl.writer();
                        for (long s = 0; ; s++) {
                          w.append(TestEvents.sized(s, 1500));
                          w.commit();
                        }
                      } catch (ThlException e) {
                        // closed under it: expected
                      }
                    });
            writer.start();
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 15));
            thl.close();
            writer.join();
          }
        });
  }

  @Test
  void theLogIsReadableByItsOwnerOnly() throws Exception {
    Path log = dir.resolve("fresh").resolve("thl");
    try (Thl thl = Thl.open(small(log).withSegmentBytes(4096))) {
      ThlTestSupport.write(thl, 0, 60, 5, s -> TestEvents.sized(s, 900));
    }
    assertThat(java.nio.file.Files.getPosixFilePermissions(log))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(log)) {
      List<Path> all = files.toList();
      assertThat(all).anyMatch(f -> f.toString().endsWith(".idx"));
      for (Path f : all) {
        assertThat(java.nio.file.Files.getPosixFilePermissions(f))
            .as(f.getFileName().toString())
            .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      }
    }
  }
}
