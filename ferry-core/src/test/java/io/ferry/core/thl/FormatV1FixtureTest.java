package io.ferry.core.thl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Fragments;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A log written by format version 1, committed to the repository, must stay readable exactly: a
 * format change that breaks old logs fails here.
 */
class FormatV1FixtureTest {

  @Test
  void theVersion1FixtureReadsBackExactly() throws Exception {
    Path dir = fixtureDir();
    List<ReplEvent> read = new ArrayList<>();
    int records = 0;
    int fragmented = 0;
    try (Thl thl = Thl.openReadOnly(dir)) {
      assertThat(thl.recoveryNotes()).isEmpty();
      assertThat(thl.segments()).hasSizeGreaterThan(1);
      List<Transaction> fragments = new ArrayList<>();
      try (ThlReader r = thl.reader(0)) {
        ThlRecord rec;
        while ((rec = r.next(0, TimeUnit.MILLISECONDS)) != null) {
          records++;
          ReplEvent e = rec.event();
          if (e instanceof Transaction t) {
            fragments.add(t);
            if (t.lastFrag()) {
              fragmented += fragments.size() > 1 ? 1 : 0;
              read.add(Fragments.join(fragments));
              fragments.clear();
            }
          } else {
            read.add(e);
          }
        }
      }
    }
    List<ReplEvent> expected = FormatV1Fixture.events();
    assertThat(read).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(read.get(i)).as("event %d", i).isEqualTo(expected.get(i));
    }
    assertThat(records).isGreaterThan(expected.size());
    assertThat(fragmented).as("the fixture has fragmented transactions").isGreaterThan(0);
  }

  private static Path fixtureDir() throws URISyntaxException {
    return Path.of(
        FormatV1FixtureTest.class.getClassLoader().getResource(FormatV1Fixture.RESOURCE).toURI());
  }
}
