package io.ferry.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.Json;
import io.ferry.cli.Table;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The control verbs a DBA scripts: each a small client of the replicator's admin API
 * (docs/admin-api.md). Options are spelled {@code -name} as in the seeds' scripts; {@code --name}
 * works too.
 */
public final class ControlCommands {
  private ControlCommands() {}

  private static void report(PrintWriter out, String what, JsonNode summary) {
    out.println(
        what
            + ": service "
            + summary.get("name").asText()
            + " is "
            + summary.get("state").asText());
    out.flush();
  }

  /** {@code ferry services}. */
  @Command(
      name = "services",
      header = "List the replicator's services.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Name, role, state, last applied seqno and latency of every service, and who feeds whom:",
        "FROM is the source server (or the master's THL, for a slave), TO the target server (or",
        "the THL port a master serves), RELAY what a master passes on (source.relay).",
        ""
      })
  public static final class Services implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      JsonNode list = admin.client().get("/api/v1/services");
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, list);
        return 0;
      }
      Table t =
          new Table(
              "SERVICE",
              "ROLE",
              "STATE",
              "APPLIED SEQNO",
              "LATENCY",
              "FROM",
              "TO",
              "RELAY",
              "PENDING ERROR");
      for (JsonNode s : list) {
        JsonNode lat = s.get("appliedLatencySeconds");
        t.row(
            s.get("name").asText(),
            s.get("role").asText(),
            s.get("state").asText(),
            s.get("appliedLastSeqno").asText(),
            lat.isNull() ? "-" : String.format(java.util.Locale.ROOT, "%.3f s", lat.asDouble()),
            orDash(s.path("from")),
            orDash(s.path("to")),
            orDash(s.path("relay")),
            problem(s));
      }
      t.print(out, 0);
      out.flush();
      return 0;
    }
  }

  private static String orDash(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? "-" : n.asText();
  }

  /**
   * The PENDING ERROR column: the error of an OFFLINE:ERROR service, or what an online service
   * keeps retrying on (it is not making progress), or NONE.
   */
  static String problem(JsonNode s) {
    if (!s.path("pendingError").isNull() && !s.path("pendingError").isMissingNode()) {
      return s.get("pendingError").asText();
    }
    JsonNode r = s.path("retrying");
    if (r.isObject()) {
      return "RETRYING since " + r.path("since").asText() + ": " + r.path("reason").asText();
    }
    return "NONE";
  }

  /** {@code ferry online}. */
  @Command(
      name = "online",
      header = "Bring a service online, optionally from a point, skipping seqnos, until a point.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "From OFFLINE:NORMAL or OFFLINE:ERROR. Each stage resumes after its last commit unless"
            + " -from-seqno (a slave: apply from that seqno) or -from-event (a binlog-reading"
            + " service: read from that source position) says otherwise. -skip-seqno skips"
            + " transactions (recorded as a gap), like the one an error stopped at. With an"
            + " -until option the service goes offline by itself once that point is applied:"
            + " batch replication.",
        ""
      })
  public static final class Online implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;
    @Mixin ServiceOption service;

    @Option(
        names = {"-from-seqno", "--from-seqno"},
        paramLabel = "SEQNO",
        description = "A slave applies from this seqno.")
    Long fromSeqno;

    @Option(
        names = {"-from-event", "--from-event"},
        paramLabel = "POSITION",
        description = "Read the source from this position (binlog file:offset or GTIDs).")
    String fromEvent;

    @Option(
        names = {"-skip-seqno", "--skip-seqno"},
        paramLabel = "LIST",
        description = "Seqnos to skip: 42, 40-45 or 40-45,50.")
    String skip;

    @Option(
        names = {"-until-seqno", "--until-seqno"},
        paramLabel = "SEQNO",
        description = "Go offline after applying this seqno.")
    Long untilSeqno;

    @Option(
        names = {"-until-event", "--until-event"},
        paramLabel = "POSITION",
        description = "Go offline after applying the transaction at this source position.")
    String untilEvent;

    @Option(
        names = {"-until-heartbeat", "--until-heartbeat"},
        paramLabel = "NAME",
        description = "Go offline after applying the heartbeat of this name.")
    String untilHeartbeat;

    @Option(
        names = {"-until-time", "--until-time"},
        paramLabel = "TIME",
        description =
            "Go offline before the first transaction the source committed after TIME (2026-11-21T08:00:00Z, UTC).")
    String untilTime;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      put(body, "fromSeqno", fromSeqno);
      put(body, "fromEvent", fromEvent);
      put(body, "skipSeqno", skip);
      put(body, "untilSeqno", untilSeqno);
      put(body, "untilEvent", untilEvent);
      put(body, "untilHeartbeat", untilHeartbeat);
      put(body, "untilTime", untilTime);
      AdminClient client = admin.client();
      String name = service.resolve(client);
      report(
          spec.commandLine().getOut(),
          "online",
          client.post("/api/v1/services/" + name + "/online", body));
      return 0;
    }
  }

  /** {@code ferry offline}. */
  @Command(
      name = "offline",
      header = "Take a service offline cleanly (at a transaction boundary), or at once.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Every stage finishes the transaction it is in and commits, then stops. -immediate"
            + " interrupts the stages instead (what is not committed is rolled back and applied"
            + " again at the next online).",
        ""
      })
  public static final class Offline implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;
    @Mixin ServiceOption service;

    @Option(
        names = {"-immediate", "--immediate"},
        description = "Stop at once.")
    boolean immediate;

    @Override
    public Integer call() {
      AdminClient client = admin.client();
      String name = service.resolve(client);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("immediate", immediate);
      report(
          spec.commandLine().getOut(),
          "offline",
          client.post("/api/v1/services/" + name + "/offline", body));
      return 0;
    }
  }

  /** {@code ferry offline-deferred}. */
  @Command(
      name = "offline-deferred",
      header = "Take an online service offline by itself when it reaches a point.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "The service keeps running and goes offline cleanly right after applying the given seqno,"
            + " event or heartbeat, or before the first transaction committed after the given"
            + " time. A seqno or event already applied takes it offline at once; a time or"
            + " heartbeat takes effect when the next transaction after it (or that heartbeat)"
            + " arrives, so an idle service stays online. status shows the request as"
            + " pendingOffline.",
        ""
      })
  public static final class OfflineDeferred implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;
    @Mixin ServiceOption service;

    @Option(
        names = {"-at-seqno", "--at-seqno"},
        paramLabel = "SEQNO",
        description = "After applying this seqno.")
    Long atSeqno;

    @Option(
        names = {"-at-event", "--at-event"},
        paramLabel = "POSITION",
        description = "After applying the transaction at this source position.")
    String atEvent;

    @Option(
        names = {"-at-heartbeat", "--at-heartbeat"},
        paramLabel = "NAME",
        description = "After applying the heartbeat of this name.")
    String atHeartbeat;

    @Option(
        names = {"-at-time", "--at-time"},
        paramLabel = "TIME",
        description = "Before the first transaction committed after TIME (UTC).")
    String atTime;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      put(body, "atSeqno", atSeqno);
      put(body, "atEvent", atEvent);
      put(body, "atHeartbeat", atHeartbeat);
      put(body, "atTime", atTime);
      if (body.isEmpty()) {
        throw new CliException(
            "say when: -at-seqno, -at-event, -at-heartbeat or -at-time", Cli.EXIT_USAGE);
      }
      AdminClient client = admin.client();
      String name = service.resolve(client);
      JsonNode s = client.post("/api/v1/services/" + name + "/offline-deferred", body);
      spec.commandLine()
          .getOut()
          .println("offline-deferred: service " + name + " will go offline " + describe(body));
      spec.commandLine().getOut().println("state: " + s.get("state").asText());
      spec.commandLine().getOut().flush();
      return 0;
    }

    private static String describe(Map<String, Object> body) {
      Map.Entry<String, Object> e = body.entrySet().iterator().next();
      return e.getKey().substring(2).toLowerCase(java.util.Locale.ROOT) + " " + e.getValue();
    }
  }

  /** {@code ferry heartbeat}. */
  @Command(
      name = "heartbeat",
      header = "Insert a named heartbeat at the source; it travels through the log.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Writes the name to ferry_<service>.heartbeat on the source of a master (or direct)"
            + " service; the extractor turns that change into a heartbeat transaction, which every"
            + " downstream service applies and records (target table ferry_<service>.heartbeat),"
            + " and which online -until-heartbeat waits for.",
        ""
      })
  public static final class Heartbeat implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;
    @Mixin ServiceOption service;

    @Option(
        names = {"-name", "--name"},
        paramLabel = "NAME",
        description = "The heartbeat's name (default HEARTBEAT).")
    String name = "HEARTBEAT";

    @Override
    public Integer call() {
      AdminClient client = admin.client();
      String svc = service.resolve(client);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      client.post("/api/v1/services/" + svc + "/heartbeat", body);
      spec.commandLine()
          .getOut()
          .println("heartbeat " + name + " inserted at the source of " + svc);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code ferry setrole}. */
  @Command(
      name = "setrole",
      header = "Switch an offline service between master and slave (switchover).",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "A slave becomes master of the database it applied to (reading its binlog from the"
            + " current end, continuing its log with a new epoch); a master becomes slave of the"
            + " master at -uri, applying to the database it read. The service's file is rewritten."
            + " See docs/operations.md for the switchover procedure.",
        ""
      })
  public static final class Setrole implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;
    @Mixin ServiceOption service;

    @Option(
        names = {"-role", "--role"},
        required = true,
        paramLabel = "ROLE",
        description = "master or slave.")
    String role;

    @Option(
        names = {"-uri", "--uri"},
        paramLabel = "THL-URI",
        description = "The new master's THL, for a slave: thl://host:port.")
    String uri;

    @Override
    public Integer call() {
      AdminClient client = admin.client();
      String name = service.resolve(client);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("role", role);
      put(body, "uri", uri);
      client.post("/api/v1/services/" + name + "/setrole", body);
      spec.commandLine().getOut().println("setrole: service " + name + " is now a " + role);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code ferry reset}. */
  @Command(
      name = "reset",
      header = "Delete an offline service's THL and/or drop its catalog.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "-thl deletes the service's log (and schema history); -catalog drops ferry_<service> on"
            + " the target; -all does both. The next online starts from nothing (a master from"
            + " source.start, a slave from its master's first record). Without -yes it only says"
            + " what it would do.",
        ""
      })
  public static final class Reset implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;
    @Mixin ServiceOption service;

    @Option(
        names = {"-thl", "--thl"},
        description = "Delete the THL.")
    boolean thl;

    @Option(
        names = {"-catalog", "--catalog"},
        description = "Drop the catalog.")
    boolean catalog;

    @Option(
        names = {"-all", "--all"},
        description = "Both.")
    boolean all;

    @Option(
        names = {"-yes", "--yes", "-y"},
        description = "Do it (the confirmation).")
    boolean yes;

    @Override
    public Integer call() {
      boolean t = thl || all;
      boolean c = catalog || all;
      if (!t && !c) {
        throw new CliException("say what to reset: -thl, -catalog or -all", Cli.EXIT_USAGE);
      }
      AdminClient client = admin.client();
      String name = service.resolve(client);
      PrintWriter out = spec.commandLine().getOut();
      String what =
          (t ? "delete the THL" : "")
              + (t && c ? " and " : "")
              + (c ? "drop the catalog ferry_" + name : "");
      if (!yes) {
        out.println(
            "reset would " + what + " of service " + name + ". Run again with -yes to do it.");
        out.flush();
        return Cli.EXIT_FAILED;
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("thl", t);
      body.put("catalog", c);
      client.post("/api/v1/services/" + name + "/reset", body);
      out.println("reset: " + what + " of service " + name + ": done");
      out.flush();
      return 0;
    }
  }

  /** {@code ferry wait}. */
  @Command(
      name = "wait",
      header =
          "Wait until a service is in a state, or has applied a seqno or a source transaction.",
      mixinStandardHelpOptions = true,
      usageHelpAutoWidth = true,
      description = {
        "Polls the service until it is in -state S (OFFLINE:NORMAL, ONLINE, OFFLINE:ERROR, ...;"
            + " OFFLINE means OFFLINE:NORMAL), has applied -applied SEQNO, or has applied the"
            + " source transaction -native POS, for at most -limit seconds (default: no limit).",
        "",
        "-native takes what the source says of a transaction once it committed: a MariaDB GTID"
            + " (SELECT @@last_gtid) or GTID position (@@gtid_binlog_pos, one GTID per domain), a"
            + " MySQL GTID (uuid:n), or the binlog coordinate after it (file:offset, from SHOW"
            + " MASTER STATUS; only while the service reads that same server's binlog). A"
            + " session that wrote can so wait until its write can be read on this replica.",
        "",
        "Exit status: 0 when it happened, 1 when the limit passed first or the service went to"
            + " OFFLINE:ERROR instead (the error is printed), 2 for a bad command line.",
        ""
      })
  public static final class Wait implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin AdminOptions admin;
    @Mixin ServiceOption service;

    @Option(
        names = {"-state", "--state"},
        paramLabel = "STATE",
        description = "The state to wait for.")
    String state;

    @Option(
        names = {"-applied", "--applied"},
        paramLabel = "SEQNO",
        description = "The seqno to wait for.")
    Long applied;

    @Option(
        names = {"-native", "--native"},
        paramLabel = "POS",
        description = "The source transaction to wait for: GTID, GTID position or file:offset.")
    String nativePosition;

    @Option(
        names = {"-limit", "--limit"},
        paramLabel = "SECONDS",
        description = "The longest wait, in seconds.")
    Double limit;

    @Override
    public Integer call() throws InterruptedException {
      int asked = (state == null ? 0 : 1) + (applied == null ? 0 : 1);
      if (asked + (nativePosition == null ? 0 : 1) != 1) {
        throw new CliException(
            "wait for one of -state S, -applied SEQNO or -native POS", Cli.EXIT_USAGE);
      }
      String wanted;
      io.ferry.core.position.NativePosition source;
      try {
        wanted = state == null ? null : io.ferry.server.Service.State.parse(state).toString();
        source = nativePosition == null ? null : NativeReach.parseWanted(nativePosition);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), Cli.EXIT_USAGE);
      }
      AdminClient client = admin.client();
      String name = service.resolve(client);
      long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + (long) (limit * 1e9);
      PrintWriter out = spec.commandLine().getOut();
      while (true) {
        JsonNode s = client.get("/api/v1/services/" + name);
        String now = s.get("state").asText();
        if (wanted != null && wanted.equals(now)) {
          out.println("service " + name + " is " + now);
          out.flush();
          return 0;
        }
        if (applied != null) {
          long seqno = s.get("appliedLastSeqno").asLong();
          if (seqno >= applied) {
            out.println("service " + name + " has applied seqno " + seqno);
            out.flush();
            return 0;
          }
        }
        if (source != null) {
          String at = s.path("appliedLastEventId").asText(null);
          NativeReach.Result r = NativeReach.of(NativeReach.parseApplied(at), source);
          if (r.answer() == NativeReach.Answer.REACHED) {
            out.println(
                "service "
                    + name
                    + " has applied "
                    + source.text()
                    + " (applied seqno "
                    + s.get("appliedLastSeqno").asText()
                    + ", source position "
                    + at
                    + ")");
            out.flush();
            return 0;
          }
          if (r.answer() == NativeReach.Answer.CANNOT_TELL) {
            out.println(
                "service "
                    + name
                    + ": cannot tell whether "
                    + source.text()
                    + " is applied: "
                    + r.why()
                    + "; give a GTID, or a coordinate of the binlog it reads now");
            out.flush();
            return Cli.EXIT_FAILED;
          }
        }
        if (now.equals("OFFLINE:ERROR")) {
          // It stays there until someone acts: waiting on would only wait for the limit.
          out.println(
              "service "
                  + name
                  + " failed before "
                  + (applied != null
                      ? "applying seqno " + applied
                      : source != null ? "applying " + source.text() : "reaching " + wanted)
                  + ": "
                  + s.path("pendingError").path("message").asText("no detail"));
          out.flush();
          return Cli.EXIT_FAILED;
        }
        if (System.nanoTime() > deadline) {
          out.println(
              "service "
                  + name
                  + " is "
                  + now
                  + " (applied seqno "
                  + s.get("appliedLastSeqno").asText()
                  + (source != null
                      ? ", source position " + s.path("appliedLastEventId").asText()
                      : "")
                  + ") after "
                  + limit
                  + " s");
          out.flush();
          return Cli.EXIT_FAILED;
        }
        Thread.sleep(200);
      }
    }
  }

  private static void put(Map<String, Object> body, String key, Object value) {
    if (value != null) {
      body.put(key, value);
    }
  }
}
