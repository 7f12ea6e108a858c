package io.ferry.cli.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Json;
import io.ferry.cli.control.AdminClient;
import io.ferry.cli.control.AdminOptions;
import io.ferry.cli.control.ServiceOption;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry check}: an online consistency check through the log. */
@Command(
    name = "check",
    header = "Check that replicas hold what the source holds, online, through the log.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Run on the service that reads the source (master or direct). Each table is read in"
          + " chunks of its key; each chunk's row count and checksum is taken under a lock and"
          + " written to the log in the same source transaction, so every replica recomputes the"
          + " same chunk when it applies that point of the log and records match or differ in"
          + " ferry_<service>.checks. Applications keep writing; chunks are sized to take about"
          + " --chunk-seconds, and the check rests between them and while the service is behind."
          + " Read the results on each replica with ferry check status. See docs/operations.md.",
      ""
    },
    subcommands = {
      CheckCommand.Status.class,
      CheckCommand.Stop.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%n",
    footer = {
      "Examples:",
      "  ferry check -service alpha                    every table of every schema",
      "  ferry check -service alpha shop shop.orders   a schema and a table",
      "  ferry check status -service alpha             on a replica: what differs",
    })
public final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AdminOptions admin;
  @Mixin ServiceOption service;

  @Parameters(
      paramLabel = "SCHEMA[.TABLE]",
      arity = "0..*",
      description = "What to check (default: every schema but the system's and Ferry's).")
  List<String> tables = new ArrayList<>();

  @Option(
      names = "--chunk-rows",
      paramLabel = "N",
      description = "Rows per chunk (default: sized by time, see --chunk-seconds).")
  int chunkRows;

  @Option(
      names = "--chunk-seconds",
      paramLabel = "S",
      description = "The time a chunk should take when sized by time (default: 0.25).")
  double chunkSeconds = 0.25;

  @Option(
      names = "--where",
      paramLabel = "CONDITION",
      description =
          "Only rows matching this SQL condition. It runs on every replica too (in UTC, with"
              + " Ferry's sql_mode), so it must be deterministic: no NOW(), no RAND().")
  String where;

  @Option(
      names = "--rest",
      paramLabel = "RATIO",
      description =
          "Rest after each chunk for RATIO times as long as it took (default: 0.5; 0: none).")
  double rest = 0.5;

  @Option(
      names = "--max-lag",
      paramLabel = "SECONDS",
      description = "Pause while the service is more than this behind its source (default: 10).")
  double maxLag = 10;

  @Option(names = "--no-wait", description = "Start the check and return at once.")
  boolean noWait;

  @Option(names = "--json", description = "Print the final status as JSON.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    AdminClient client = admin.client();
    String svc = service.resolve(client);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("tables", tables);
    body.put("chunkRows", chunkRows);
    body.put("chunkSeconds", chunkSeconds);
    body.put("where", where);
    body.put("restRatio", rest);
    body.put("maxLagSeconds", maxLag);
    JsonNode job = client.post(path(svc, "check"), body);
    return Jobs.follow(spec, client, svc, job, noWait, json);
  }

  public static String path(String service, String what) {
    return "/api/v1/services/" + URLEncoder.encode(service, StandardCharsets.UTF_8) + "/" + what;
  }

  /** {@code ferry check status}. */
  @Command(
      name = "status",
      header = "Show the last check's progress and what the target found.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "On a master: the progress of its last check or repair. On a replica (slave or"
            + " direct): the checks its target recorded, newest first, and the chunks of one"
            + " run (--id, default the newest) that differ, each with the repair command that"
            + " re-sends it (run that on the master). Exits 1 when that run found differences.",
        ""
      })
  public static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;
    @Mixin ServiceOption service;

    @Option(names = "--id", paramLabel = "ID", description = "The run to show differences of.")
    String id;

    @Option(names = "--runs", paramLabel = "N", description = "Runs to list (default: 10).")
    int runs = 10;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      AdminClient client = admin.client();
      String svc = service.resolve(client);
      String q =
          "?runs="
              + runs
              + (id == null ? "" : "&id=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
      JsonNode status = client.get(path(svc, "checks") + q);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, status);
      } else {
        Jobs.printStatus(out, svc, status);
      }
      out.flush();
      return Jobs.differences(status) > 0 ? io.ferry.cli.Cli.EXIT_FAILED : 0;
    }
  }

  /** {@code ferry check stop}. */
  @Command(
      name = "stop",
      header = "Stop the running check or repair after its current chunk.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true)
  public static final class Stop implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;
    @Mixin ServiceOption service;

    @Override
    public Integer call() {
      AdminClient client = admin.client();
      String svc = service.resolve(client);
      JsonNode r = client.post(path(svc, "check-stop"), Map.of());
      spec.commandLine()
          .getOut()
          .println(
              r.path("stopped").asBoolean()
                  ? "service " + svc + ": the check stops after its current chunk"
                  : "service " + svc + " runs no check");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
