package io.ferry.kafka;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Transaction;
import io.ferry.mysql.BinlogExtractor;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.mysql.StartPosition;
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

/** Test helpers: statements on a sandboxed MariaDB, and its binlog read back as transactions. */
final class Binlog {
  private Binlog() {}

  static SourceSettings source(SandboxServer server) {
    return SourceSettings.of(
        server.host(), server.port(), server.replicator().user(), server.replicator().password());
  }

  static StartPosition head(SandboxServer server) {
    return new StartPosition.At(SourceProbe.probe(source(server)).head());
  }

  static void sql(SandboxServer server, String... statements) throws SQLException {
    try (Connection c = server.connect(server.root(), "");
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  /**
   * The transactions (fragments as the extractor cuts them) from {@code start} through the one that
   * writes {@code schema.done}, with seqnos from 0 and epoch 1 as a stage would give them.
   */
  static List<Transaction> read(SandboxServer server, StartPosition start, String schema)
      throws InterruptedException {
    return read(server, start, schema, ExtractorSettings.defaults());
  }

  /** As {@link #read(SandboxServer, StartPosition, String)}, with the extractor's settings. */
  static List<Transaction> read(
      SandboxServer server, StartPosition start, String schema, ExtractorSettings settings)
      throws InterruptedException {
    List<Transaction> out = new ArrayList<>();
    try (BinlogExtractor x =
        new BinlogExtractor(source(server), settings.withStart(start), Clock.systemUTC())) {
      x.seek(Checkpoint.NONE);
      long seqno = 0;
      while (true) {
        ReplEvent e = x.next(20, TimeUnit.SECONDS);
        if (e == null) {
          throw new AssertionError("no transaction within 20 s; got " + out.size());
        }
        Transaction t = (Transaction) e;
        t = t.withHeader(t.header().withSeqno(seqno, 1).withOriginService("svc"));
        out.add(t);
        if (t.lastFrag()) {
          seqno++;
          boolean marker =
              t.changes().stream()
                  .anyMatch(
                      c ->
                          c instanceof RowChanges rc
                              && rc.schema().equals(schema)
                              && rc.table().equals("done"));
          if (marker) {
            return out;
          }
        }
      }
    }
  }
}
