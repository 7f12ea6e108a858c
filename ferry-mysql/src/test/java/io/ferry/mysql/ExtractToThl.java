package io.ferry.mysql;

import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.Pipeline;
import io.ferry.core.pipeline.Stage;
import io.ferry.core.pipeline.ThlStore;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlSettings;
import io.ferry.mysql.source.SourceSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A master pipeline in its own process, for {@link ExtractionCrashTest}: binlog → THL, until
 * killed. Arguments: host port user password thl-dir start-file start-offset [fragment-bytes].
 */
public final class ExtractToThl {
  private ExtractToThl() {}

  public static void main(String[] args) throws Exception {
    SourceSettings source = SourceSettings.of(args[0], Integer.parseInt(args[1]), args[2], args[3]);
    BinlogPosition start = new BinlogPosition(args[5], Long.parseLong(args[6]));
    long fragment = args.length > 7 ? Long.parseLong(args[7]) : 1L << 20;
    ExtractorSettings settings =
        ExtractorSettings.defaults()
            .withStart(new StartPosition.At(start))
            .withFragmentBytes(fragment);
    try (Thl thl = Thl.open(ThlSettings.defaults(Path.of(args[4])).withSegmentBytes(4L << 20))) {
      ThlStore store = new ThlStore("thl", thl);
      Pipeline p =
          new Pipeline(
              "extract",
              List.of(
                  Stage.builder("binlog-to-thl")
                      .extractor(new BinlogExtractor(source, settings, Clock.systemUTC()))
                      .applier(store.applier())
                      .blockCommit(new BlockCommit(50, Duration.ofMillis(100)))
                      .build()),
              List.of(store),
              Clock.systemUTC());
      p.onFailure(f -> System.err.println("FAILED " + f.message()));
      p.start();
      System.out.println("STARTED");
      System.out.flush();
      while (p.state() == Pipeline.State.RUNNING) {
        Thread.sleep(100);
      }
      System.exit(3);
    }
  }
}
