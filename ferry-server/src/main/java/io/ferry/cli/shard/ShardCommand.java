package io.ferry.cli.shard;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.Json;
import io.ferry.cli.Table;
import io.ferry.cli.control.AdminOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry shard}: the replicator's shard home map (system of record). */
@Command(
    name = "shard",
    header = "List and change the shard home map (system of record) of a replicator.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Each shard (by default the schema a transaction changes; #global for a transaction of"
          + " several schemas) has one home: the master service whose server is the only place"
          + " the shard may be written; every other server holds copies. A home of #LOCAL keeps"
          + " the shard on the server where it is written: it is never replicated. A critical"
          + " shard is also applied alone by parallel apply (from the service's next online).",
      "",
      "One map serves every service of the replicator. A change applies at once to the running"
          + " services, without taking them offline, and is kept in shard-homes.conf in the"
          + " replicator's configuration directory, so it survives a restart. Run the same"
          + " command on every replicator of a multi-master deployment (the map is not"
          + " replicated).",
      "",
      "What a service does with a transaction that breaks the map is set per service:"
          + " shard.no-home (default accept), shard.wrong-home (a slave; default warn),"
          + " shard.errant-writes (a master; default warn), each accept, drop, warn or error."
          + " ferry status shows the violations by kind. See docs/multi-master.md.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {
      ShardCommand.ListShards.class,
      ShardCommand.Set.class,
      ShardCommand.Remove.class,
      ShardCommand.Load.class,
      picocli.CommandLine.HelpCommand.class
    },
    footerHeading = "%n",
    footer = {
      "Examples:",
      "  ferry shard set acme sjc                 acme is written on sjc's server only",
      "  ferry shard set rates nyc --critical     rates, homed at nyc, applied alone",
      "  ferry shard set scratch --local          scratch never leaves its server",
      "  ferry shard set scratch '#LOCAL'         the same (quote the #)",
      "  ferry shard remove acme                  acme has no home any more",
      "  ferry shard load shards.map              replace the whole map from a file",
      "  ferry shard list --json                  the map as JSON"
    })
public final class ShardCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints the map an answer holds: a table, or JSON. */
  static void print(PrintWriter out, JsonNode answer, boolean json) {
    if (json) {
      Json.print(out, answer);
      out.flush();
      return;
    }
    if (answer.hasNonNull("changed")) {
      out.println(answer.get("changed").asText());
    }
    JsonNode shards = answer.path("shards");
    if (shards.isEmpty()) {
      out.println("no shard has a home (" + file(answer) + ")");
    } else {
      Table t = new Table("SHARD", "HOME", "CRITICAL");
      for (JsonNode s : shards) {
        t.row(
            s.get("shard").asText(),
            s.get("home").asText(),
            s.get("critical").asBoolean() ? "yes" : "no");
      }
      t.print(out, 0);
      out.println(
          shards.size() + (shards.size() == 1 ? " shard" : " shards") + " in " + file(answer));
    }
    out.flush();
  }

  private static String file(JsonNode answer) {
    JsonNode f = answer.path("file");
    return f.isNull() || f.isMissingNode() ? "memory" : f.asText();
  }

  /** {@code ferry shard list}. */
  @Command(
      name = "list",
      header = "List the shard home map.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Every shard with a home: the shard, its home service (or #LOCAL), and whether it is"
            + " critical; then the file that keeps the map.",
        ""
      })
  public static final class ListShards implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Option(
        names = "--json",
        description = "Print JSON: {file, shards: [{shard, home, critical}]}.")
    boolean json;

    @Override
    public Integer call() {
      print(spec.commandLine().getOut(), admin.client().get("/api/v1/shards"), json);
      return 0;
    }
  }

  /** {@code ferry shard set}. */
  @Command(
      name = "set",
      header = "Give a shard its home (adds the shard or changes its entry).",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "HOME is the name of the master service that reads the shard's home server (in a"
            + " topology written by ferry setup, the site's name), or #LOCAL (quote it, or give"
            + " --local) to keep the shard on the server where it is written. The home is not"
            + " checked against the services of this replicator: a home is usually a service of"
            + " another replicator. The change applies at once to every service of the"
            + " replicator; a service stopped by a shard error goes on with ferry online.",
        ""
      })
  public static final class Set implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Parameters(
        index = "0",
        paramLabel = "SHARD",
        description = "The shard: a schema name (or what a shard filter makes), or #global.")
    String shard;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "HOME",
        description = "The home service, or #LOCAL.")
    String home;

    @Option(names = "--local", description = "The home is #LOCAL: the shard is never replicated.")
    boolean local;

    @Option(
        names = "--critical",
        description = "Parallel apply runs the shard's transactions alone (from its next online).")
    boolean critical;

    @Option(names = "--json", description = "Print the map afterwards as JSON.")
    boolean json;

    @Override
    public Integer call() {
      if (local && home != null && !home.equals("#LOCAL")) {
        throw new CliException(
            "give HOME or --local, not both (--local means the home #LOCAL)", Cli.EXIT_USAGE);
      }
      if (!local && home == null) {
        throw new CliException(
            "HOME is missing: ferry shard set "
                + shard
                + " HOME, where HOME is the service whose server is the shard's home, or --local",
            Cli.EXIT_USAGE);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("shard", shard);
      body.put("home", local ? "#LOCAL" : home);
      body.put("critical", critical);
      print(spec.commandLine().getOut(), admin.client().post("/api/v1/shards/set", body), json);
      return 0;
    }
  }

  /** {@code ferry shard remove}. */
  @Command(
      name = "remove",
      header = "Remove a shard's entry: it has no home any more.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Its transactions are then judged by each service's shard.no-home setting.",
        ""
      })
  public static final class Remove implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "SHARD", description = "The shard.")
    String shard;

    @Option(names = "--json", description = "Print the map afterwards as JSON.")
    boolean json;

    @Override
    public Integer call() {
      print(
          spec.commandLine().getOut(),
          admin.client().post("/api/v1/shards/remove", Map.of("shard", shard)),
          json);
      return 0;
    }
  }

  /** {@code ferry shard load}. */
  @Command(
      name = "load",
      header = "Replace the whole shard home map with a file's.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "The file has one shard per line: SHARD HOME [critical], words separated by spaces or"
            + " tabs; the third word may also be true or false (as in a Tungsten shard.map,"
            + " whose 'shard_id master critical' header line is skipped). A word starting with"
            + " # (other than the home #LOCAL and the shard #global) starts a comment that runs"
            + " to the end of the line; blank lines are ignored. Every bad line is reported at"
            + " once with FILE:LINE, and then nothing is changed. Shards the file does not name"
            + " lose their home.",
        "",
        "Example file:",
        "  # shard   home    [critical]",
        "  acme      sjc",
        "  pinnacle  nyc",
        "  rates     nyc     critical",
        "  scratch   #LOCAL",
        ""
      })
  public static final class Load implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "FILE", description = "The map file.")
    Path file;

    @Option(names = "--json", description = "Print the map afterwards as JSON.")
    boolean json;

    @Override
    public Integer call() {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CliException("cannot read " + file + ": " + e.getMessage(), Cli.EXIT_USAGE);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("file", file.toString());
      body.put("text", text);
      print(spec.commandLine().getOut(), admin.client().post("/api/v1/shards/load", body), json);
      return 0;
    }
  }
}
