package io.ferry.cli.thl;

import io.ferry.cli.CliException;
import io.ferry.cli.Table;
import io.ferry.core.thl.SegmentInfo;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry thl index}. */
@Command(
    name = "index",
    header = "Show or rebuild the sparse seqno indexes of a log.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Each sealed segment has an index file (thl-<base>.idx) mapping seqnos to byte offsets, so"
          + " a seek is a lookup. Without options, show which index files exist. With --rebuild,"
          + " delete them and build them again from the segments (the log must not be in use).",
      ""
    })
final class ThlIndexCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ThlDirOption dir;

  @Option(names = "--rebuild", description = "Delete and rebuild every index file.")
  boolean rebuild;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path logDir = dir.existing();
    if (rebuild) {
      if (Thl.inUse(logDir)) {
        throw new CliException(
            "the THL in " + logDir + " is in use by a running service; stop it first");
      }
      int deleted = 0;
      try (DirectoryStream<Path> idx = Files.newDirectoryStream(logDir, "thl-*.idx")) {
        for (Path p : idx) {
          Files.delete(p);
          deleted++;
        }
      }
      try (Thl thl = Thl.open(ThlSettings.defaults(logDir).withRetention(null, 0))) {
        out.printf("Deleted %d index files; rebuilt:%n", deleted);
        thl.recoveryNotes().forEach(n -> out.println("  " + n));
      }
    }
    try (Thl thl = Thl.openReadOnly(logDir)) {
      Table t = new Table("SEGMENT", "FIRST", "LAST", "INDEX FILE");
      for (SegmentInfo s : thl.segments()) {
        Path idx =
            s.file().resolveSibling(s.file().getFileName().toString().replace(".seg", ".idx"));
        t.row(
            s.file().getFileName(),
            s.firstSeqno(),
            s.lastSeqno() < 0 ? "-" : s.lastSeqno(),
            Files.exists(idx)
                ? idx.getFileName() + " (" + Files.size(idx) + " B)"
                : s.sealed() ? "missing: rebuilt at next open" : "none (open segment: in memory)");
      }
      t.print(out, 0);
    }
    return 0;
  }
}
