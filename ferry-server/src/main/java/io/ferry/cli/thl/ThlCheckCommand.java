package io.ferry.cli.thl;

import io.ferry.cli.Cli;
import io.ferry.cli.Json;
import io.ferry.core.thl.ThlVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry thl check}. */
@Command(
    name = "check",
    header = "Verify every checksum, record and index entry of a log.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Read the whole log and verify each segment header, each record's CRC32C, seqno order"
          + " and body, and each index entry. Reports the first damaged record precisely (file,"
          + " byte offset, seqno). Changes nothing; safe while a service writes the log.",
      "",
      "Exit status: 0 the log is sound, 1 damage was found (or the log cannot be read).",
      ""
    })
final class ThlCheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ThlDirOption dir;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    ThlVerifier.Result r = ThlVerifier.verify(dir.existing());
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("ok", r.ok());
      doc.put("segments", r.segments());
      doc.put("records", r.records());
      doc.put("firstSeqno", r.firstSeqno());
      doc.put("lastSeqno", r.lastSeqno());
      doc.put("bytes", r.bytes());
      doc.put("notes", r.notes());
      if (!r.ok()) {
        doc.put("file", r.problem().file().toString());
        doc.put("offset", r.problem().offset());
        doc.put("seqno", r.problem().seqno());
        doc.put("problem", r.problem().getMessage());
      }
      Json.print(out, doc);
    } else if (r.ok()) {
      out.printf(
          "OK: %d records, seqnos %s, %d segment files, %s, every checksum verified%n",
          r.records(),
          r.records() == 0 ? "none" : r.firstSeqno() + " to " + r.lastSeqno(),
          r.segments(),
          ThlInfoCommand.bytes(r.bytes()));
      for (String note : r.notes()) {
        out.println("note: " + note);
      }
    } else {
      out.printf(
          "DAMAGED: %s%n  (%d records before it verified)%n",
          r.problem().getMessage(), r.records());
    }
    return r.ok() ? 0 : Cli.EXIT_FAILED;
  }
}
