package io.ferry.server.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Gap;
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
    return fragment(s, 0, true, file, 1000 + 100 * s);
  }

  private static Transaction fragment(long s, int fragno, boolean last, String file, long at) {
    return new Transaction(
        new TransactionHeader(
            s, 5, fragno, last, new BinlogPosition(file, at), "1", "m", "", 0, 0, Map.of()),
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
        if (s >= 400 && s <= 460) {
          if (s == 400) { // a filter dropped 400..460 on the master: one gap record
            w.append(
                new Gap(400, 460, 5, new BinlogPosition("binlog.000007", 47000), 0, "filtered"));
          }
        } else if (s == 700) { // a transaction in three fragments
          w.append(fragment(700, 0, false, "binlog.000007", 70950));
          w.append(fragment(700, 1, false, "binlog.000007", 70980));
          w.append(fragment(700, 2, true, "binlog.000007", 71000));
        } else {
          w.append(tx(s, "binlog.000007"));
        }
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
      // around and inside the gap, whose record ends where seqno 460 did
      assertThat(probe(server, "binlog.000007:40850")).isEqualTo(399);
      assertThat(probe(server, "binlog.000007:40900")).isEqualTo(400);
      assertThat(probe(server, "binlog.000007:43000")).isEqualTo(400);
      assertThat(probe(server, "binlog.000007:47000")).isEqualTo(461);
      // around the fragmented transaction
      assertThat(probe(server, "binlog.000007:70900")).isEqualTo(700);
      assertThat(probe(server, "binlog.000007:71000")).isEqualTo(701);
      assertThatThrownBy(() -> probe(server, "binlog.000007:" + (950 + 100 * first)))
          .hasMessageContaining("begins at seqno " + first)
          .hasMessageContaining("after the snapshot");
      assertThatThrownBy(() -> probe(server, "mysql-bin.000007:16000"))
          .hasMessageContaining("not the same server's positions");
    }
  }
}
