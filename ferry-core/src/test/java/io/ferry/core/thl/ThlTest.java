package io.ferry.core.thl;

import static io.ferry.core.thl.ThlTestSupport.readAll;
import static io.ferry.core.thl.ThlTestSupport.small;
import static io.ferry.core.thl.ThlTestSupport.writeSmall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.TestEvents;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThlTest {
  @TempDir Path dir;

  @Test
  void writesAndReadsBackEveryEventInOrder() throws Exception {
    try (Thl thl = Thl.open(small(dir))) {
      ThlTestSupport.write(thl, 0, 500, 7, TestEvents::mixed);
      assertThat(thl.firstSeqno()).hasValue(0);
      assertThat(thl.lastSeqno()).hasValue(499);
      List<ReplEvent> events = readAll(thl, 0);
      assertThat(events).hasSize(500);
      for (int i = 0; i < 500; i++) {
        assertThat(events.get(i)).isEqualTo(TestEvents.mixed(i));
      }
      assertThat(thl.segments().size()).as("16 KiB segments rotate").isGreaterThan(3);
    }
  }

  @Test
  void aLogMayStartAtAnySeqnoAndPersistsAcrossReopen() throws Exception {
    try (Thl thl = Thl.open(small(dir))) {
      writeSmall(thl, 1000, 1300);
    }
    try (Thl thl = Thl.open(small(dir))) {
      assertThat(thl.recoveryNotes()).isEmpty();
      assertThat(thl.firstSeqno()).hasValue(1000);
      assertThat(thl.lastCheckpoint().seqno()).isEqualTo(1299);
      assertThat(thl.lastCheckpoint().nativePosition())
          .isEqualTo(TestEvents.small(1299).header().nativePosition());
      writeSmall(thl, 1300, 1400);
      assertThat(readAll(thl, 1000)).hasSize(400);
    }
  }

  @Test
  void seeksAreLookupsAtAnySeqno() throws Exception {
    try (Thl thl = Thl.open(small(dir))) {
      writeSmall(thl, 0, 2000);
      for (long s : new long[] {0, 1, 57, 999, 1000, 1500, 1999}) {
        try (ThlReader r = thl.reader(s)) {
          ReplEvent e = r.nextEvent(0, TimeUnit.MILLISECONDS);
          assertThat(e.seqno()).isEqualTo(s);
          assertThat(e).isEqualTo(TestEvents.small(s));
        }
      }
      try (ThlReader r = thl.reader(2000)) {
        assertThat(r.nextEvent(10, TimeUnit.MILLISECONDS)).as("beyond the end: wait").isNull();
      }
    }
  }

  @Test
  void largeTransactionsAreWrittenAsFragmentsAndReadBackWhole() throws Exception {
    ThlSettings settings = small(dir).withFragmentBytes(8 << 10).withSegmentBytes(32 << 10);
    Transaction big = TestEvents.sized(5, 100_000);
    try (Thl thl = Thl.open(settings)) {
      ThlTestSupport.writeSmall(thl, 0, 5);
      thl.writer().append(big);
      writeSmall(thl, 6, 8);
      List<ReplEvent> events = readAll(thl, 5);
      List<Transaction> fragments =
          events.stream()
              .filter(e -> e.seqno() == 5)
              .map(Transaction.class::cast)
              .collect(Collectors.toList());
      assertThat(fragments.size()).isGreaterThan(10);
      for (int i = 0; i < fragments.size(); i++) {
        assertThat(fragments.get(i).fragno()).isEqualTo(i);
        assertThat(fragments.get(i).lastFrag()).isEqualTo(i == fragments.size() - 1);
      }
      assertThat(
              fragments.stream()
                  .flatMap(f -> f.changes().stream())
                  .mapToInt(
                      c -> c instanceof io.ferry.core.event.RowChanges rc ? rc.rows().size() : 0)
                  .sum())
          .isEqualTo(
              big.changes().stream()
                  .mapToInt(
                      c -> c instanceof io.ferry.core.event.RowChanges rc ? rc.rows().size() : 0)
                  .sum());
      assertThat(events.get(events.size() - 1).seqno()).isEqualTo(7);
      // A transaction never spans segments, even when it is larger than one.
      long segmentsWithFive =
          thl.segments().stream().filter(s -> s.firstSeqno() <= 5 && s.lastSeqno() >= 5).count();
      assertThat(segmentsWithFive).isEqualTo(1);

      Checkpoint midway = fragments.get(3).checkpoint();
      try (ThlReader r = thl.readerAfter(midway)) {
        Transaction next = (Transaction) r.nextEvent(0, TimeUnit.MILLISECONDS);
        assertThat(next.seqno()).isEqualTo(5);
        assertThat(next.fragno()).isEqualTo(4);
      }
    }
  }

  @Test
  void outOfOrderAppendsAreRefusedAndChangeNothing() throws Exception {
    try (Thl thl = Thl.open(small(dir))) {
      writeSmall(thl, 0, 3);
      ThlWriter w = thl.writer();
      assertThatThrownBy(() -> w.append(TestEvents.small(5)))
          .isInstanceOf(ThlException.class)
          .hasMessageContaining("expected seqno 3 next, got 5");
      assertThatThrownBy(() -> w.append(TestEvents.small(2)))
          .hasMessageContaining("expected seqno 3 next, got 2");
      Transaction partial =
          TestEvents.small(3).withHeader(TestEvents.header(3).withFragment(0, false));
      w.append(partial);
      assertThatThrownBy(() -> w.append(new Gap(4, 4, 7, null, 0, "x")))
          .hasMessageContaining("a gap while transaction 3 is incomplete");
      assertThatThrownBy(
              () ->
                  w.append(
                      TestEvents.small(3).withHeader(TestEvents.header(3).withFragment(2, true))))
          .hasMessageContaining("expected fragment 1 of seqno 3");
      w.append(TestEvents.small(3).withHeader(TestEvents.header(3).withFragment(1, true)));
      w.commit();
      assertThat(readAll(thl, 0)).hasSize(5);
    }
  }

  @Test
  @SuppressWarnings("try") // the open log is what the test is about
  void oneWriterPerLog() {
    try (Thl thl = Thl.open(small(dir))) {
      assertThatThrownBy(() -> Thl.open(small(dir)))
          .isInstanceOf(ThlException.class)
          .hasMessageContaining("in use by another service of this replicator")
          .hasMessageContaining("its own thl.dir");
      assertThat(Thl.inUse(dir)).isTrue();
    }
    assertThat(Thl.inUse(dir)).isFalse();
  }

  @Test
  void readersTailTheLogAndSeeOnlyCommittedRecords() throws Exception {
    try (Thl thl = Thl.open(small(dir))) {
      ThlWriter w = thl.writer();
      try (ThlReader r = thl.reader(0)) {
        w.append(TestEvents.small(0));
        assertThat(r.nextEvent(20, TimeUnit.MILLISECONDS)).as("not committed yet").isNull();
        w.commit();
        assertThat(r.nextEvent(1, TimeUnit.SECONDS)).isEqualTo(TestEvents.small(0));
        Thread later =
            new Thread(
                () -> {
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  }
                  w.append(TestEvents.small(1));
                  w.commit();
                });
        later.start();
        assertThat(r.nextEvent(5, TimeUnit.SECONDS)).isEqualTo(TestEvents.small(1));
        later.join();
      }
    }
  }

  @Test
  void indexesAreRebuiltWhenMissingOrDamaged() throws Exception {
    try (Thl thl = Thl.open(small(dir))) {
      writeSmall(thl, 0, 1000);
    }
    List<Path> indexes;
    try (var files = Files.list(dir)) {
      indexes = files.filter(p -> p.toString().endsWith(".idx")).sorted().toList();
    }
    assertThat(indexes).hasSizeGreaterThan(2);
    Files.delete(indexes.get(0));
    Files.write(indexes.get(1), new byte[] {1, 2, 3});
    try (Thl thl = Thl.open(small(dir))) {
      assertThat(thl.recoveryNotes()).hasSize(2).allMatch(n -> n.startsWith("rebuilt the index"));
      assertThat(readAll(thl, 500)).hasSize(500);
    }
    assertThat(indexes.get(0)).exists();
  }

  @Test
  @SuppressWarnings("try") // the registration is held by scope
  void purgeFromTheHeadKeepsWhatReadersNeed() throws Exception {
    try (Thl thl = Thl.open(small(dir))) {
      writeSmall(thl, 0, 1000);
      int segmentsBefore = thl.segments().size();
      long[] needed = {300};
      try (AutoCloseable reg = thl.registerReader("downstream", () -> needed[0])) {
        assertThatThrownBy(() -> thl.purgeBefore(600))
            .hasMessageContaining("a registered reader still needs, from seqno 300")
            .hasMessageContaining("nothing was purged");
        assertThat(thl.segments()).hasSize(segmentsBefore);
        List<Path> deleted = thl.purgeBefore(250);
        assertThat(deleted).isNotEmpty();
        assertThat(thl.firstSeqno().getAsLong()).isLessThanOrEqualTo(250);
        needed[0] = 2000;
        thl.purgeBefore(Long.MAX_VALUE);
      }
      assertThat(thl.segments()).hasSize(1);
      assertThat(thl.segments().size()).isLessThan(segmentsBefore);
      long first = thl.firstSeqno().getAsLong();
      assertThat(readAll(thl, first)).hasSize((int) (1000 - first));
      assertThatThrownBy(() -> thl.reader(0).next(0, TimeUnit.MILLISECONDS))
          .hasMessageContaining("seqno 0 is no longer in the THL")
          .hasMessageContaining("it starts at seqno " + first);
    }
  }

  @Test
  void retentionBySizeAndAge() throws Exception {
    Instant now = Instant.now();
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    try (Thl thl = Thl.open(small(dir).withRetention(Duration.ofDays(1), 0).withClock(clock))) {
      writeSmall(thl, 0, 1000);
      List<SegmentInfo> segments = thl.segments();
      // The two oldest segments are two days old; the rest are fresh.
      for (int i = 0; i < segments.size(); i++) {
        Instant age = i < 2 ? now.minus(Duration.ofDays(2)) : now.minus(Duration.ofHours(1));
        Files.setLastModifiedTime(segments.get(i).file(), FileTime.from(age));
      }
      assertThat(thl.applyRetention()).hasSize(2);
      assertThat(thl.segments()).hasSize(segments.size() - 2);
    }
    try (Thl thl = Thl.open(small(dir).withRetention(null, 40 << 10))) {
      thl.applyRetention();
      assertThat(thl.totalBytes()).isLessThanOrEqualTo(40 << 10);
      assertThat(thl.lastSeqno()).hasValue(999);
    }
  }

  @Test
  void truncateFromTheTail() throws Exception {
    try (Thl thl = Thl.open(small(dir))) {
      writeSmall(thl, 0, 1000);
    }
    try (Thl thl = Thl.open(small(dir))) {
      thl.truncateAfter(456);
      assertThat(thl.lastSeqno()).hasValue(456);
      assertThat(readAll(thl, 0)).hasSize(457);
      writeSmall(thl, 457, 500);
      assertThat(readAll(thl, 400)).hasSize(100);
    }
    try (Thl thl = Thl.open(small(dir))) {
      assertThat(thl.lastSeqno()).hasValue(499);
      thl.truncateAfter(-1);
      assertThat(thl.lastSeqno()).isEmpty();
      assertThat(thl.segments()).isEmpty();
    }
  }

  @Test
  void readOnlyOpenChangesNothing() throws Exception {
    try (Thl thl = Thl.open(small(dir))) {
      writeSmall(thl, 0, 100);
      try (Thl ro = Thl.openReadOnly(dir)) {
        assertThat(readAll(ro, 0)).hasSize(100);
        assertThatThrownBy(ro::writer).hasMessageContaining("read-only");
        assertThatThrownBy(() -> ro.purgeBefore(10)).hasMessageContaining("read-only");
      }
    }
  }

  @Test
  void intervalAndOffFsyncPoliciesStillPublishEverything() throws Exception {
    for (FsyncPolicy policy :
        List.of(FsyncPolicy.interval(Duration.ofMillis(30)), FsyncPolicy.OFF)) {
      Path logDir = dir.resolve(policy.mode().name());
      try (Thl thl = Thl.open(small(logDir).withFsync(policy))) {
        ThlWriter w = thl.writer();
        try (ThlReader r = thl.reader(0)) {
          w.append(TestEvents.small(0));
          w.commit();
          assertThat(r.nextEvent(5, TimeUnit.SECONDS)).isEqualTo(TestEvents.small(0));
          writeSmall(thl, 1, 100);
          w.awaitDurable();
          assertThat(thl.lastSeqno()).hasValue(99);
        }
      }
      try (Thl thl = Thl.open(small(logDir))) {
        assertThat(readAll(thl, 0)).hasSize(100);
      }
    }
    assertThat(FsyncPolicy.parse("commit")).isEqualTo(FsyncPolicy.COMMIT);
    assertThat(FsyncPolicy.parse("250ms")).isEqualTo(FsyncPolicy.interval(Duration.ofMillis(250)));
    assertThat(FsyncPolicy.parse("250ms").toString()).isEqualTo("250ms");
    assertThatThrownBy(() -> FsyncPolicy.parse("always"))
        .hasMessageContaining("expected commit, off, or an interval like 100ms");
  }

  @Test
  void rollbackForgetsWhatWasNotMadeDurable() throws Exception {
    try (Thl thl = Thl.open(small(dir))) {
      writeSmall(thl, 0, 10);
      ThlWriter w = thl.writer();
      for (long s = 10; s < 20; s++) {
        w.append(TestEvents.small(s));
      }
      assertThat(w.rollback().seqno()).isEqualTo(9);
      for (long s = 10; s < 400; s++) {
        w.append(TestEvents.small(s)); // several segments: rotation seals the older ones durably
      }
      Checkpoint resume = w.rollback();
      assertThat(resume.seqno())
          .isGreaterThan(9)
          .isLessThan(399)
          .isEqualTo(thl.lastCheckpoint().seqno());
      writeSmall(thl, resume.seqno() + 1, 420);
      assertThat(readAll(thl, 0)).hasSize(420);
    }
    try (Thl thl = Thl.open(small(dir))) {
      assertThat(thl.recoveryNotes()).isEmpty();
      assertThat(readAll(thl, 0)).hasSize(420).last().isEqualTo(TestEvents.small(419));
    }
  }
}
