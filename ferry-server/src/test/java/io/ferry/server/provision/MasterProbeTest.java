package io.ferry.server.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.net.MasterAddress;
import io.ferry.core.net.ThlClientSettings;
import io.ferry.core.net.ThlServer;
import io.ferry.core.net.ThlServerSettings;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlSettings;
import io.ferry.core.thl.ThlWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a master's first seqno past a snapshot, against a real THL server. */
class MasterProbeTest {
  @TempDir Path dir;

  /** Seqno s of the master's log ends at binlog.000007:(1000 + 100 s). */
  private static Transaction tx(long s, String file) {
    return new Transaction(
        new TransactionHeader(
            s, 5, 0, true, new BinlogPosition(file, 1000 + 100 * s), "1", "m", "", 0, 0, Map.of()),
        List.of());
  }

  private long probe(ThlServer server, String snapshot) throws Exception {
    ThlClientSettings c =
        ThlClientSettings.of(List.of(new MasterAddress("127.0.0.1", server.port())), "r");
    return new MasterProbe(c, BinlogPosition.parse(snapshot)).firstAfterSnapshot();
  }

  @Test
  void findsTheFirstSeqnoPastTheSnapshotOrRefusesWhatItCannotProve() throws Exception {
    try (Thl thl = Thl.open(ThlSettings.defaults(dir.resolve("m")).withSegmentBytes(8192));
        ThlServer server =
            new ThlServer(thl, ThlServerSettings.of("127.0.0.1", 0, "m"), Clock.systemUTC())) {
      server.start();
      assertThatThrownBy(() -> probe(server, "binlog.000007:5000"))
          .hasMessageContaining("holds no transaction");
      ThlWriter w = thl.writer();
      for (long s = 0; s < 1000; s++) {
        w.append(tx(s, "binlog.000007"));
      }
      w.commit();
      thl.purgeBefore(100);
      long first = thl.firstSeqno().orElseThrow(); // where a segment begins
      assertThat(first).isBetween(2L, 100L);
      assertThat(probe(server, "binlog.000007:16000")).isEqualTo(151); // seqno 150 ends there
      assertThat(probe(server, "binlog.000007:16050")).isEqualTo(151);
      assertThat(probe(server, "binlog.000007:" + (1000 + 100 * first))).isEqualTo(first + 1);
      assertThat(probe(server, "binlog.000007:100999")).isEqualTo(1000); // not extracted yet
      assertThat(probe(server, "binlog.000008:4")).isEqualTo(1000);
      assertThatThrownBy(() -> probe(server, "binlog.000007:" + (950 + 100 * first)))
          .hasMessageContaining("begins at seqno " + first)
          .hasMessageContaining("after the snapshot");
      assertThatThrownBy(() -> probe(server, "mysql-bin.000007:16000"))
          .hasMessageContaining("not the same server's positions");
    }
  }
}
