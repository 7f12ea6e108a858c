package io.ferry.mongodb;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.Fragments;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.BinlogExtractor;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.mysql.StartPosition;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.SandboxServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helpers: read what a sandboxed MariaDB logged, as the binlog extractor hands it out. */
final class Binlog {
  private Binlog() {}

  static SourceSettings source(SandboxServer server) {
    return SourceSettings.of(
        server.host(), server.port(), server.replicator().user(), server.replicator().password());
  }

  static BinlogPosition head(SandboxServer server) {
    return SourceProbe.probe(source(server)).head();
  }

  /**
   * The transactions from {@code start} up to and including the one that inserts into {@code
   * marker}.done, with seqnos from 0 as a stage would assign them; fragments joined.
   */
  static List<Transaction> until(SandboxServer server, BinlogPosition start, String marker)
      throws InterruptedException {
    List<Transaction> result = new ArrayList<>();
    try (BinlogExtractor x =
        new BinlogExtractor(
            source(server),
            ExtractorSettings.defaults().withStart(new StartPosition.At(start)),
            Clock.systemUTC())) {
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
          whole = whole.withHeader(whole.header().withSeqno(result.size(), 1));
          result.add(whole);
          if (whole.changes().stream()
              .anyMatch(
                  c ->
                      c instanceof RowChanges rc
                          && rc.schema().equals(marker)
                          && rc.table().equals("done"))) {
            return result;
          }
        }
      }
    }
  }
}
