package io.ferry.cli.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Cli;
import io.ferry.cli.Json;
import io.ferry.cli.Table;
import io.ferry.cli.control.AdminClient;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/** Following a check or repair and printing what it did and what targets found. Stateless. */
final class Jobs {
  private Jobs() {}

  /** Polls the job until it ends, drawing a progress bar on a terminal; prints its end. */
  @SuppressWarnings("SystemConsoleNull") // Java 17: null when not attached to a terminal
  static int follow(
      CommandSpec spec, AdminClient client, String svc, JsonNode job, boolean noWait, boolean json)
      throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String id = job.path("id").asText();
    if (noWait) {
      out.println(
          "service "
              + svc
              + ": "
              + job.path("kind").asText()
              + " "
              + id
              + " started"
              + " (ferry check status -service "
              + svc
              + ")");
      out.flush();
      return 0;
    }
    boolean bar = System.console() != null;
    JsonNode status = client.get(CheckCommand.path(svc, "checks") + "?runs=1");
    while (status.path("job").path("finished").isNull()
        && id.equals(status.path("job").path("id").asText())) {
      if (bar) {
        err.print("\r" + bar(status.path("job")));
        err.flush();
      }
      Thread.sleep(500);
      status = client.get(CheckCommand.path(svc, "checks") + "?runs=1");
    }
    if (bar) {
      err.print("\r" + " ".repeat(100) + "\r");
      err.flush();
    }
    if (json) {
      Json.print(out, status);
    } else {
      printJob(out, status.path("job"));
      if (job.path("kind").asText().equals("provision")) {
        out.println(
            status.path("job").path("state").asText().equals("done")
                ? "service " + svc + " is going online from its earliest table snapshot"
                : "run it again to resume with the tables not copied (--restart: all of them)");
      } else if (!status.path("results").isNull()) {
        printResults(out, svc, status.path("results"));
      } else {
        out.println(
            "each replica records what it finds as it applies this point of the log:"
                + " ferry check status -service NAME on its replicator");
      }
    }
    out.flush();
    String state = status.path("job").path("state").asText();
    return state.equals("done") ? 0 : Cli.EXIT_FAILED;
  }

  static String bar(JsonNode job) {
    long rows = job.path("rows").asLong();
    long estimated = Math.max(1, job.path("estimatedRows").asLong());
    double f = Math.min(1.0, rows / (double) estimated);
    int width = 30;
    int filled = (int) Math.round(f * width);
    String waiting =
        job.path("waiting").isNull() ? "" : "  (paused: " + job.path("waiting").asText() + ")";
    return String.format(
        Locale.ROOT,
        "[%s%s] %3.0f%%  %d/%d tables  %,d rows  %.0f s%s",
        "#".repeat(filled),
        ".".repeat(width - filled),
        f * 100,
        job.path("tablesDone").asInt(),
        job.path("tablesTotal").asInt(),
        rows,
        job.path("seconds").asDouble(),
        waiting);
  }

  static void printStatus(PrintWriter out, String svc, JsonNode status) {
    JsonNode job = status.path("job");
    if (!job.isNull() && !job.isMissingNode()) {
      printJob(out, job);
    }
    JsonNode results = status.path("results");
    if (status.hasNonNull("note")) {
      out.println(status.path("note").asText());
    }
    if (results.isNull() || results.isMissingNode()) {
      if ((job.isNull() || job.isMissingNode()) && !status.hasNonNull("note")) {
        out.println("service " + svc + " has run no check, and its target records none");
      }
      return;
    }
    printResults(out, svc, results);
  }

  static void printJob(PrintWriter out, JsonNode job) {
    out.printf(
        Locale.ROOT,
        "%s %s: %s, %d of %d tables, %d chunks, %,d rows, %.1f s%n",
        job.path("kind").asText() + (job.path("dryRun").asBoolean() ? " (dry run)" : ""),
        job.path("id").asText(),
        job.path("state").asText(),
        job.path("tablesDone").asInt(),
        job.path("tablesTotal").asInt(),
        job.path("chunks").asInt(),
        job.path("rows").asLong(),
        job.path("seconds").asDouble());
    if (!job.path("error").isNull()) {
      out.println("  error: " + job.path("error").asText());
    }
    Table t = new Table("TABLE", "STATE", "CHUNKS", "ROWS", "SECONDS", "NOTE");
    for (JsonNode tb : job.path("tables")) {
      t.row(
          tb.path("table").asText(),
          tb.path("state").asText(),
          tb.path("chunks").asText(),
          tb.path("rows").asText(),
          String.format(Locale.ROOT, "%.1f", tb.path("seconds").asDouble()),
          tb.path("note").isNull() ? "" : tb.path("note").asText());
      for (JsonNode r : tb.path("ranges")) {
        t.row("", "  range " + r.path("range").asText(), "", r.path("rows").asText(), "", "");
      }
    }
    t.print(out, 2);
  }

  static void printResults(PrintWriter out, String svc, JsonNode results) {
    JsonNode runs = results.path("runs");
    if (runs.isEmpty()) {
      out.println("the target of " + svc + " has recorded no check");
      return;
    }
    Table t =
        new Table(
            "RUN", "TABLES", "ENDED", "CHUNKS", "MATCH", "DIFFER", "ERROR", "REPAIRED", "LAST");
    for (JsonNode r : runs) {
      t.row(
          r.path("id").asText(),
          r.path("tables").asText(),
          r.path("tablesEnded").asText(),
          r.path("chunks").asText(),
          r.path("match").asText(),
          r.path("differ").asText(),
          r.path("error").asText(),
          r.path("repairedRanges").asText(),
          r.path("checkedLast").asText());
    }
    t.print(out, 0);
    JsonNode diffs = results.path("differences");
    String run = results.path("run").asText();
    if (diffs.isEmpty()) {
      out.println(run + ": no differences");
      return;
    }
    out.println(run + ": " + diffs.size() + " chunk(s) differ or could not be checked:");
    Table d = new Table("TABLE", "CHUNK", "RANGE", "SOURCE ROWS", "TARGET ROWS", "RESULT", "SEQNO");
    for (JsonNode x : diffs) {
      d.row(
          x.path("table").asText(),
          x.path("chunk").asText(),
          x.path("range").asText(),
          x.path("sourceRows").asText(),
          x.path("targetRows").isNull() ? "-" : x.path("targetRows").asText(),
          x.path("result").asText()
              + (x.path("result").asText().equals("error")
                  ? ": " + x.path("message").asText()
                  : ""),
          x.path("seqno").asText());
    }
    d.print(out, 2);
    out.println("to re-send them from the source (on the master's replicator):");
    for (JsonNode x : diffs) {
      if (x.path("result").asText().equals("differ")) {
        String range = x.path("range").asText();
        String origin = x.path("origin").asText("");
        out.println(
            "  ferry repair -service "
                + (origin.isEmpty() ? "MASTER" : origin)
                + " "
                + x.path("table").asText()
                + (range.equals("whole table") ? "" : " --range " + shellQuote(range)));
      }
    }
  }

  static int differences(JsonNode status) {
    JsonNode d = status.path("results").path("differences");
    return d.isMissingNode() || d.isNull() ? 0 : d.size();
  }

  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
