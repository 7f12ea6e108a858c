package io.ferry.cli.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.control.AdminClient;
import io.ferry.cli.control.AdminOptions;
import io.ferry.cli.control.ServiceOption;
import io.ferry.cli.setup.Endpoint;
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

/**
 * {@code ferry provision}: fill a direct or slave service's empty target from snapshots of its
 * source (a slave's: its master's source, {@code --source}).
 */
@Command(
    name = "provision",
    header = "Fill an empty target from consistent snapshots of the source, then replicate on.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "For an offline direct or slave service whose target is empty (its catalog holds no"
          + " position). A slave takes its snapshots on the database its master service reads"
          + " (--source), and starts at the first seqno of its master's THL past them. Each"
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
      "  ferry provision -service shop_slave --source mysql://ferry:secret@db1:3306",
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

  @Option(
      names = "--source",
      paramLabel = "DB",
      description =
          "For a slave: the database its master service reads, as a sandbox server (NAME:N) or"
              + " mysql://user:password@host:port.")
  String source;

  @Option(names = "--sandbox-home", paramLabel = "DIR", description = "Where sandboxes live.")
  java.nio.file.Path sandboxHome;

  @Option(
      names = "--seeded-at",
      paramLabel = "FILE:POS",
      description =
          "Copy nothing: the target was restored from a backup of the source taken at this binlog"
              + " position (ferry restore does this). The service goes online from there.")
  String seededAt;

  @Option(names = "--no-wait", description = "Start and return at once.")
  boolean noWait;

  @Option(names = "--json", description = "Print the final status as JSON.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    AdminClient client = admin.client();
    String svc = service.resolve(client);
    Map<String, Object> body = new LinkedHashMap<>();
    if (seededAt != null) {
      JsonNode seeded =
          client.post(CheckCommand.path(svc, "provision"), Map.of("seededAt", seededAt));
      spec.commandLine()
          .getOut()
          .printf("service %s starts after %s: %s%n", svc, seededAt, seeded.path("state").asText());
      return 0;
    }
    body.put("tables", tables);
    body.put("parallel", parallel);
    body.put("batchRows", batchRows);
    body.put("restart", restart);
    if (source != null) {
      Endpoint e = Endpoint.parse(source, sandboxHome);
      Map<String, Object> src = new LinkedHashMap<>();
      src.put("host", e.host());
      src.put("port", e.port());
      src.put("user", e.user());
      src.put("password", e.password());
      body.put("source", src);
    }
    JsonNode job = client.post(CheckCommand.path(svc, "provision"), body);
    return Jobs.follow(spec, client, svc, job, noWait, json);
  }
}
