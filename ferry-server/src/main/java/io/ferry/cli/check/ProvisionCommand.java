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

/** {@code ferry provision}: fill a direct service's empty target from snapshots of its source. */
@Command(
    name = "provision",
    header = "Fill an empty target from consistent snapshots of the source, then replicate on.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "For an offline direct service whose target is empty (its catalog holds no position). Each"
          + " table is copied in a consistent snapshot of its own (START TRANSACTION WITH"
          + " CONSISTENT SNAPSHOT, with the binlog position it belongs to): its CREATE"
          + " statements and its rows go through the service's filters and target applier (so a"
          + " PostgreSQL or warehouse target gets its own types), one target transaction per"
          + " table, --parallel tables at once, while the source takes writes. A run that stops"
          + " (a kill, an error) resumes with the tables not yet copied. Then the service goes"
          + " online from the earliest snapshot, passing over each table's changes that its copy"
          + " already holds: nothing missed, nothing twice. See docs/operations.md.",
      ""
    },
    footerHeading = "%n",
    footer = {
      "Examples:",
      "  ferry provision -service shop_pg                   every schema of the source",
      "  ferry provision -service shop_pg shop --parallel 4",
    })
public final class ProvisionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AdminOptions admin;
  @Mixin ServiceOption service;

  @Parameters(
      paramLabel = "SCHEMA[.TABLE]",
      arity = "0..*",
      description = "What to copy (default: every schema but the system's and Ferry's).")
  List<String> tables = new ArrayList<>();

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "Tables copied at once (default: 2).")
  int parallel = 2;

  @Option(
      names = "--batch-rows",
      paramLabel = "N",
      description = "Rows read and applied at a time (default: 5000).")
  int batchRows = 5000;

  @Option(
      names = "--restart",
      description = "Forget what an earlier, unfinished run copied, and copy everything.")
  boolean restart;

  @Option(names = "--no-wait", description = "Start and return at once.")
  boolean noWait;

  @Option(names = "--json", description = "Print the final status as JSON.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    AdminClient client = admin.client();
    String svc = service.resolve(client);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("tables", tables);
    body.put("parallel", parallel);
    body.put("batchRows", batchRows);
    body.put("restart", restart);
    JsonNode job = client.post(CheckCommand.path(svc, "provision"), body);
    return Jobs.follow(spec, client, svc, job, noWait, json);
  }
}
