package io.ferry.mysql;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Fragments;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.SandboxServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Test helpers: run the binlog extractor against a sandboxed server. */
final class Extraction {
  private Extraction() {}

  static SourceSettings source(SandboxServer server) {
    return SourceSettings.of(
        server.host(), server.port(), server.replicator().user(), server.replicator().password());
  }

  /** The source's current binlog end. */
  static BinlogPosition head(SandboxServer server) {
    return SourceProbe.probe(source(server)).head();
  }

  /**
   * Runs statements in one session; one that starts with {@code ?} may fail (the source refuses it,
   * as an application's statement can be refused), the others must not.
   */
  static void sql(SandboxServer server, String... statements) throws SQLException {
    try (Connection c = server.connect(server.root(), "");
        Statement st = c.createStatement()) {
      for (String s : statements) {
        if (s.startsWith("?")) {
          try {
            st.execute(s.substring(1));
          } catch (SQLException e) {
            // refused, as the script allows
          }
        } else {
          st.execute(s);
        }
      }
    }
  }

  /**
   * Reads transactions from {@code start} until one matches {@code last} (inclusive); fragments are
   * joined. Fails if nothing more arrives for 20 seconds.
   */
  static List<Transaction> until(
      SandboxServer server,
      BinlogPosition start,
      ExtractorSettings settings,
      Predicate<Transaction> last)
      throws InterruptedException {
    return until(server, new StartPosition.At(start), settings, last);
  }

  /** Reads from a start position of any kind; see above. */
  static List<Transaction> until(
      SandboxServer server,
      StartPosition start,
      ExtractorSettings settings,
      Predicate<Transaction> last)
      throws InterruptedException {
    List<Transaction> result = new ArrayList<>();
    try (BinlogExtractor x =
        new BinlogExtractor(source(server), settings.withStart(start), Clock.systemUTC())) {
      x.seek(Checkpoint.NONE);
      List<Transaction> fragments = new ArrayList<>();
      while (true) {
        ReplEvent e = x.next(20, TimeUnit.SECONDS);
        if (e == null) {
          throw new AssertionError("no transaction within 20 s; got " + result.size() + " so far");
        }
        Transaction t = (Transaction) e;
        fragments.add(t);
        if (t.lastFrag()) {
          Transaction whole = Fragments.join(fragments);
          fragments.clear();
          result.add(whole);
          if (last.test(whole)) {
            return result;
          }
        }
      }
    }
  }

  static List<Transaction> until(
      SandboxServer server, BinlogPosition start, Predicate<Transaction> last)
      throws InterruptedException {
    return until(server, start, ExtractorSettings.defaults(), last);
  }

  /** Matches the transaction that inserts into {@code marker.done}. */
  static Predicate<Transaction> marker(String name) {
    return t ->
        t.changes().stream()
            .anyMatch(
                c ->
                    (c instanceof io.ferry.core.event.RowChanges rc
                            && rc.table().equals("done")
                            && rc.schema().equals(name))
                        || (c instanceof io.ferry.core.event.SqlStatement st
                            && st.text().contains(name + ".done")));
  }
}
