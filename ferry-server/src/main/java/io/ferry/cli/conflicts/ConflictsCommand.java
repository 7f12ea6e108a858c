package io.ferry.cli.conflicts;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.Json;
import io.ferry.cli.Table;
import io.ferry.cli.control.AdminClient;
import io.ferry.cli.control.AdminOptions;
import io.ferry.cli.control.ServiceOption;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry conflicts}: the multi-master exceptions table of a service. */
@Command(
    name = "conflicts",
    header = "Show the conflicts a service detected and how each was resolved.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Every conflict a slave or direct service detects (apply.conflicts, docs/multi-master.md)"
          + " is written to ferry_<service>.conflicts on its target, in the same transaction as"
          + " its resolution.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {ConflictsCommand.ListConflicts.class, CommandLine.HelpCommand.class})
public final class ConflictsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code ferry conflicts list}. */
  @Command(
      name = "list",
      header = "List conflicts, newest first.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "One line per conflict: when, seqno, origin, table, key, type, resolution and whether"
            + " the resolved row was realigned to the other sites. --json adds the before image,"
            + " the incoming image and the target's row.",
        ""
      })
  public static final class ListConflicts implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;
    @Mixin ServiceOption service;

    @Option(
        names = {"-table", "--table"},
        paramLabel = "[SCHEMA.]TABLE",
        description = "Only this table's conflicts.")
    String table;

    @Option(
        names = {"-since", "--since"},
        paramLabel = "TIME",
        description =
            "Only conflicts detected since a UTC time (2026-11-30T12:00:00Z) or a duration ago"
                + " (90s, 15m, 2h, 1d).")
    String since;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "At most N conflicts (default: 100).")
    int limit = 100;

    @Option(names = "--json", description = "Print JSON, with the images.")
    boolean json;

    @Override
    public Integer call() {
      AdminClient client = admin.client();
      String name = service.resolve(client);
      StringBuilder path =
          new StringBuilder("/api/v1/services/")
              .append(encode(name))
              .append("/conflicts?limit=")
              .append(limit);
      if (table != null) {
        path.append("&table=").append(encode(table));
      }
      if (since != null) {
        path.append("&since=").append(encode(sinceInstant(since).toString()));
      }
      JsonNode list = client.get(path.toString());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, list);
        return 0;
      }
      if (list.isEmpty()) {
        out.println("no conflicts" + (table == null ? "" : " on " + table));
        out.flush();
        return 0;
      }
      Table t =
          new Table("DETECTED", "SEQNO", "ORIGIN", "TABLE", "KEY", "TYPE", "RESOLUTION", "REALIGN");
      for (JsonNode c : list) {
        t.row(
            c.get("detectedAt").asText(),
            c.get("seqno").asText(),
            c.get("origin").asText("-"),
            c.get("table").asText(),
            c.get("key").asText(),
            c.get("type").asText(),
            c.get("resolution").asText(),
            c.get("realign").isNull() ? "-" : c.get("realign").asText());
      }
      t.print(out, 0);
      out.flush();
      return 0;
    }

    private static String encode(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Instant sinceInstant(String text) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        // a duration, then
      }
      String t = text.strip().toLowerCase(java.util.Locale.ROOT);
      if (t.matches("[0-9]+[smhd]")) {
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        Duration d =
            switch (t.charAt(t.length() - 1)) {
              case 's' -> Duration.ofSeconds(n);
              case 'm' -> Duration.ofMinutes(n);
              case 'h' -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
        return Instant.now().minus(d);
      }
      throw new CliException(
          "-since: '"
              + text
              + "' is neither a UTC time (2026-11-30T12:00:00Z) nor a duration (90s, 15m, 2h, 1d)",
          Cli.EXIT_USAGE);
    }
  }
}
