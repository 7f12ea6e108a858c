package io.ferry.cli.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.control.AdminClient;
import io.ferry.cli.control.AdminOptions;
import io.ferry.cli.control.ServiceOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry repair}: re-send a table's rows, or some key ranges of it, through the log. */
@Command(
    name = "repair",
    header = "Re-send a table's rows from the source so that every replica converges.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Run on the service that reads the source (master or direct), while applications write."
          + " Each range is read under a lock and its rows written to the log in one source"
          + " transaction (a range is split into transactions of at most --chunk-rows rows and"
          + " 512 KB), without changing them on the source (no triggers, no foreign-key actions"
          + " there); every MariaDB/MySQL replica deletes what it holds in the sub-range and"
          + " writes the source's rows, in one transaction at that point of the log. Without"
          + " --range, the whole table. ferry check status on a replica prints the"
          + " ranges that differ. The source must log rows (binlog_format=ROW, or an account"
          + " that may set it for its session). See docs/operations.md.",
      ""
    },
    footerHeading = "%n",
    footer = {
      "Examples:",
      "  ferry repair -service alpha shop.orders --range 1001..2001 --dry-run",
      "  ferry repair -service alpha shop.orders --range 1001..2001 --range \"'k'..\"",
    })
public final class RepairCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AdminOptions admin;
  @Mixin ServiceOption service;

  @Parameters(index = "0", paramLabel = "SCHEMA.TABLE", description = "The table to repair.")
  String table;

  @Option(
      names = "--range",
      paramLabel = "LOWER..UPPER",
      description =
          "A key range: the lower key included, the upper not, either side empty for open"
              + " (100..200, 'a'..'m', (1, 'x')..); repeatable. Default: the whole table.")
  List<String> ranges = new ArrayList<>();

  @Option(
      names = "--chunk-rows",
      paramLabel = "N",
      description =
          "At most N rows per transaction (default: 10000; fewer when rows are large: a repair"
              + " transaction stays under 512 KB, so that replicas apply it whole).")
  int chunkRows;

  @Option(names = "--dry-run", description = "Count the rows each range would re-send.")
  boolean dryRun;

  @Option(names = "--json", description = "Print the final status as JSON.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    AdminClient client = admin.client();
    String svc = service.resolve(client);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("table", table);
    body.put("ranges", ranges);
    body.put("chunkRows", chunkRows);
    body.put("dryRun", dryRun);
    JsonNode job = client.post(CheckCommand.path(svc, "repair"), body);
    return Jobs.follow(spec, client, svc, job, false, json);
  }
}
