package io.ferry.core.thl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.ferry.core.TestEvents;
import io.ferry.core.event.ReplEvent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage a log at random places, many times: every trial either reads back exactly a prefix of what
 * was written, losing records only from the newest segment at or after the damage (a torn tail,
 * repaired), or fails with a corruption error naming the damaged file. Never a wrong record.
 */
class ThlCorruptionTest {
  private static final int TRIALS = 300;

  @TempDir static Path work;
  private static Path golden;
  private static final List<ReplEvent> written = new ArrayList<>();

  /** Where each record is: file name and [start, end) offsets, in log order. */
  private static final List<Object[]> places = new ArrayList<>();

  @BeforeAll
  static void writeGoldenLog() throws Exception {
    golden = work.resolve("golden");
    ThlSettings settings = ThlTestSupport.small(golden).withFragmentBytes(4 << 10);
    try (Thl thl = Thl.open(settings)) {
      ThlWriter w = thl.writer();
      for (long s = 0; s < 400; s++) {
        ReplEvent e = s % 50 == 25 ? TestEvents.sized(s, 12_000) : TestEvents.mixed(s);
        w.append(e);
        if (s % 3 == 0) {
          w.commit();
        }
      }
      w.commit();
      try (ThlReader r = thl.reader(0)) {
        ThlRecord rec;
        while ((rec = r.next(0, TimeUnit.MILLISECONDS)) != null) {
          written.add(rec.event());
          places.add(
              new Object[] {
                rec.file().getFileName().toString(), rec.offset(), rec.offset() + rec.length()
              });
        }
      }
    }
    assertThat(segments(golden)).hasSizeGreaterThan(5);
  }

  private static List<Path> segments(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  private static List<Path> allFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.toString().endsWith(".seg") || p.toString().endsWith(".idx"))
          .sorted()
          .toList();
    }
  }

  private static Path copy(int trial) throws IOException {
    Path dir = work.resolve("t" + trial);
    Files.createDirectories(dir);
    for (Path p : allFiles(golden)) {
      Files.copy(p, dir.resolve(p.getFileName()));
    }
    return dir;
  }

  @Test
  void randomByteFlips() throws Exception {
    Random random = new Random(20261121);
    Map<String, Integer> outcomes = new HashMap<>();
    for (int trial = 0; trial < TRIALS; trial++) {
      Path dir = copy(trial);
      List<Path> files = allFiles(dir);
      Path victim = files.get(random.nextInt(files.size()));
      long size = Files.size(victim);
      long offset = (long) (random.nextDouble() * size);
      try (RandomAccessFile raf = new RandomAccessFile(victim.toFile(), "rw")) {
        raf.seek(offset);
        int b = raf.read();
        raf.seek(offset);
        raf.write(b ^ (1 + random.nextInt(255)));
      }
      outcomes.merge(check(dir, victim, offset), 1, Integer::sum);
      deleteTree(dir);
    }
    System.out.println("byte flips: " + outcomes);
    assertThat(outcomes.getOrDefault("corruption reported", 0)).isGreaterThan(TRIALS / 3);
  }

  @Test
  void randomTruncations() throws Exception {
    Random random = new Random(1121);
    Map<String, Integer> outcomes = new HashMap<>();
    for (int trial = 0; trial < TRIALS; trial++) {
      Path dir = copy(10_000 + trial);
      List<Path> files = allFiles(dir);
      // Mostly the newest segment, where a crash tears the tail; sometimes any file.
      List<Path> segs = segments(dir);
      Path victim =
          random.nextInt(3) > 0
              ? segs.get(segs.size() - 1)
              : files.get(random.nextInt(files.size()));
      long size = Files.size(victim);
      long offset = (long) (random.nextDouble() * size);
      try (RandomAccessFile raf = new RandomAccessFile(victim.toFile(), "rw")) {
        raf.setLength(offset);
      }
      outcomes.merge(check(dir, victim, offset), 1, Integer::sum);
      deleteTree(dir);
    }
    System.out.println("truncations: " + outcomes);
    assertThat(outcomes.getOrDefault("tail repaired", 0)).isGreaterThan(TRIALS / 4);
  }

  /** Opens and reads a damaged log; asserts the outcome is one of the allowed ones. */
  private static String check(Path dir, Path victim, long offset) throws Exception {
    List<ReplEvent> read = new ArrayList<>();
    String outcome;
    try (Thl thl = Thl.open(ThlTestSupport.small(dir))) {
      long first = thl.firstSeqno().orElse(0);
      try (ThlReader r = thl.reader(first)) {
        ReplEvent e;
        while ((e = r.nextEvent(0, TimeUnit.MILLISECONDS)) != null) {
          read.add(e);
        }
      }
      outcome = read.size() == written.size() ? "intact" : "tail repaired";
    } catch (ThlCorruptionException e) {
      assertThat(e.file().getFileName().toString())
          .as("the error names the damaged file: %s", e.getMessage())
          .isEqualTo(victim.getFileName().toString().replace(".idx", ".seg"));
      assertThat(e.getMessage()).contains("at byte offset " + e.offset());
      return "corruption reported";
    } catch (ThlException e) {
      fail("a damaged log must be reported as corruption, got: " + e.getMessage(), e);
      return "";
    }
    assertThat(read.size()).isLessThanOrEqualTo(written.size());
    for (int i = 0; i < read.size(); i++) {
      assertThat(read.get(i)).as("record %d", i).isEqualTo(written.get(i));
    }
    if (read.size() < written.size()) {
      List<Path> segs = segments(work.resolve("golden"));
      String newest = segs.get(segs.size() - 1).getFileName().toString();
      assertThat(victim.getFileName().toString())
          .as("records may be lost only from the newest segment")
          .isEqualTo(newest);
      for (int i = read.size(); i < written.size(); i++) {
        Object[] place = places.get(i);
        assertThat(place[0]).isEqualTo(newest);
        assertThat((long) place[2])
            .as("record %d ends after the damage at %d, so only the tail was cut", i, offset)
            .isGreaterThan(offset);
      }
      // Repaired: a second open finds a clean log.
      try (Thl again = Thl.open(ThlTestSupport.small(dir))) {
        assertThat(again.recoveryNotes()).isEmpty();
      }
    }
    return outcome;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(p);
      }
    }
  }
}
