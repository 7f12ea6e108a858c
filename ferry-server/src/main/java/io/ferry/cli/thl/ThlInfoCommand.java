package io.ferry.cli.thl;

import io.ferry.cli.Json;
import io.ferry.cli.Table;
import io.ferry.core.thl.SegmentInfo;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlCorruptionException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry thl info}. */
@Command(
    name = "info",
    header = "Show a log's files, seqno range, sizes and state.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Show the segment files of a log with their seqno ranges, sizes and ages, the totals,"
          + " whether a service writes the log right now, and what opening it would repair (a"
          + " torn tail after a crash). Retention is set per service; sealed segments older or"
          + " beyond it are purged from the head as new segments start.",
      ""
    })
final class ThlInfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ThlDirOption dir;

  @Option(names = "--json", description = "Print the information as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    boolean inUse = Thl.inUse(dir.existing());
    Thl opened;
    try {
      opened = Thl.openReadOnly(dir.dir);
    } catch (ThlCorruptionException e) {
      return damaged(out, inUse, e);
    }
    try (Thl thl = opened) {
      List<SegmentInfo> segments = thl.segments();
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("directory", dir.dir.toAbsolutePath().toString());
        doc.put("inUse", inUse);
        doc.put("firstSeqno", thl.firstSeqno().isPresent() ? thl.firstSeqno().getAsLong() : null);
        doc.put("lastSeqno", thl.lastSeqno().isPresent() ? thl.lastSeqno().getAsLong() : null);
        doc.put("bytes", thl.totalBytes());
        doc.put("logId", thl.logId() == null ? null : thl.logId().toString());
        List<Object> files = new ArrayList<>();
        for (SegmentInfo s : segments) {
          Map<String, Object> f = new LinkedHashMap<>();
          f.put("file", s.file().getFileName().toString());
          f.put("firstSeqno", s.firstSeqno());
          f.put("lastSeqno", s.lastSeqno());
          f.put("bytes", s.bytes());
          f.put("sealed", s.sealed());
          f.put("modified", Files.getLastModifiedTime(s.file()).toInstant().toString());
          files.add(f);
        }
        doc.put("segments", files);
        doc.put("repairsAtOpen", thl.recoveryNotes());
        Json.print(out, doc);
        return 0;
      }
      out.printf("THL %s%n", dir.dir.toAbsolutePath());
      out.printf(
          "  seqnos     %s%n",
          thl.firstSeqno().isEmpty()
              ? "none (empty)"
              : thl.firstSeqno().getAsLong() + " to " + thl.lastSeqno().getAsLong());
      out.printf("  size       %s in %d segment files%n", bytes(thl.totalBytes()), segments.size());
      out.printf(
          "  writer     %s%n",
          inUse ? "a service writes this log now" : "none (no service uses it)");
      if (thl.logId() != null) {
        out.printf("  log id     %s%n", thl.logId());
      }
      for (String note : thl.recoveryNotes()) {
        out.printf("  at open    %s%n", note);
      }
      if (!segments.isEmpty()) {
        out.println();
        Table t = new Table("FILE", "FIRST", "LAST", "SIZE", "STATE", "MODIFIED (UTC)");
        for (SegmentInfo s : segments) {
          Instant modified = Files.getLastModifiedTime(s.file()).toInstant();
          t.row(
              s.file().getFileName(),
              s.firstSeqno(),
              s.lastSeqno() < 0 ? "-" : s.lastSeqno(),
              bytes(s.bytes()),
              s.sealed() ? "sealed" : "open",
              modified.toString().replace('T', ' ').replaceFirst("\\.\\d+Z$", "").replace("Z", ""));
        }
        t.print(out, 2);
      }
      return 0;
    }
  }

  /**
   * A log that cannot be opened: what is damaged and the command that repairs it, and the files as
   * they are, so that an operator sees the whole picture (exit 1).
   */
  private int damaged(PrintWriter out, boolean inUse, ThlCorruptionException e) throws IOException {
    List<java.nio.file.Path> files;
    try (java.util.stream.Stream<java.nio.file.Path> list = Files.list(dir.dir)) {
      files = list.filter(f -> f.getFileName().toString().startsWith("thl-")).sorted().toList();
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("directory", dir.dir.toAbsolutePath().toString());
      doc.put("inUse", inUse);
      doc.put("damage", e.getMessage());
      doc.put("damagedFile", e.file().toString());
      doc.put("damagedOffset", e.offset());
      doc.put("damagedSeqno", e.seqno());
      List<Object> list = new ArrayList<>();
      for (java.nio.file.Path f : files) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("file", f.getFileName().toString());
        x.put("bytes", Files.size(f));
        list.add(x);
      }
      doc.put("files", list);
      Json.print(out, doc);
      return io.ferry.cli.Cli.EXIT_FAILED;
    }
    out.printf("THL %s%n", dir.dir.toAbsolutePath());
    out.printf("  DAMAGED    %s%n", e.getMessage());
    out.printf(
        "  writer     %s%n", inUse ? "a service writes this log now" : "none (no service uses it)");
    out.println();
    Table t = new Table("FILE", "SIZE");
    for (java.nio.file.Path f : files) {
      t.row(f.getFileName(), bytes(Files.size(f)));
    }
    t.print(out, 2);
    return io.ferry.cli.Cli.EXIT_FAILED;
  }

  static String bytes(long n) {
    if (n < 10_000) {
      return n + " B";
    }
    if (n < 10_000_000) {
      return String.format("%.1f KiB", n / 1024.0);
    }
    if (n < 10_000_000_000L) {
      return String.format("%.1f MiB", n / 1048576.0);
    }
    return String.format("%.1f GiB", n / 1073741824.0);
  }
}
