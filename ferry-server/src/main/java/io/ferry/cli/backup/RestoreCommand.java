package io.ferry.cli.backup;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.check.CheckCommand;
import io.ferry.cli.control.AdminOptions;
import io.ferry.cli.setup.Endpoint;
import io.ferry.mysql.check.ChunkSql;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry restore}: load a backup into a new server and seed a service from it. */
@Command(
    name = "restore",
    header = "Load a ferry backup into a server, and start a service from the backup's position.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Loads DIR/dump.sql.gz into --to with the mariadb client (not written to that server's"
          + " binlog unless --log-bin). The backup's schemas must not be there yet. With -service"
          + " S (the service that will apply to --to):",
      "* a backup of a Ferry replica: its catalog becomes S's (ferry_S). S then starts right"
          + " after the replica's position: a slave asks its master for the next seqno (the"
          + " master checks it holds the same history), a direct service reads on from the"
          + " native position.",
      "* a backup of a source (no catalog; a binlog position): S must be offline with an empty"
          + " catalog; it is told the snapshot's position (as ferry provision --seeded-at does)"
          + " and goes online from there. A slave starts at the first seqno of its master's THL"
          + " past that position, so the backup must be of the database its master service"
          + " reads.",
      ""
    },
    footerHeading = "%n",
    footer = {
      "Examples:",
      "  ferry restore --from /backups/replica2-monday --to lab:3 -service lab3",
      "  ferry restore --from /backups/db1 --to mysql://ferry:secret@db4:3306 -service db4",
    })
public final class RestoreCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin AdminOptions admin;

  @Option(names = "--from", required = true, paramLabel = "DIR", description = "The backup.")
  Path from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "DB",
      description = "The server: a sandbox server (NAME:N) or mysql://user:password@host:port.")
  String to;

  @Option(
      names = {"-service", "--service"},
      paramLabel = "NAME",
      description = "The service that applies to --to, to start from the backup's position.")
  String service;

  @Option(
      names = "--catalog",
      paramLabel = "SCHEMA",
      description = "Which catalog of the backup is the service's, when it holds several.")
  String catalog;

  @Option(
      names = "--binlog",
      description =
          "Start the service from the backup's binlog position even though it holds a catalog"
              + " (a server that is both a source and a Ferry target).")
  boolean binlog;

  @Option(names = "--log-bin", description = "Write what is loaded to the server's binlog.")
  boolean logBin;

  @Option(names = "--sandbox-home", paramLabel = "DIR", description = "Where sandboxes live.")
  Path sandboxHome;

  @Override
  public Integer call() throws Exception {
    Backup.Manifest m = Backup.Manifest.read(from);
    Endpoint e = Endpoint.parse(to, sandboxHome);
    String chosen = service == null || binlog ? null : chooseCatalog(m);
    String own = service == null ? null : "ferry_" + service;
    if (service != null && chosen == null) {
      if (m.binlogPosition() == null) {
        throw new CliException(
            "the backup has neither a Ferry catalog nor a binlog position (its server wrote no"
                + " binlog): there is no point to start "
                + service
                + " from",
            Cli.EXIT_FAILED);
      }
      // everything the service checks before it is seeded, before anything is loaded
      seed(m.binlogPosition(), true);
    } else if (service != null) {
      refuseOnline();
    }
    try (Connection c = Backup.connect(e)) {
      List<String> there = new ArrayList<>();
      for (String s : m.schemas()) {
        if (Backup.hasTable(c, s, null)) {
          there.add(s);
        }
      }
      if (!there.isEmpty()) {
        throw new CliException(
            e.host()
                + ":"
                + e.port()
                + " has tables in "
                + String.join(", ", there)
                + " already: restore into a server without the backup's schemas (or drop them)",
            Cli.EXIT_FAILED);
      }
      if (chosen != null && !chosen.equals(own) && Backup.hasTable(c, own, "position")) {
        if (applied(c, own)) {
          throw new CliException(
              own + " on the server holds a position: service " + service + " has applied there",
              Cli.EXIT_FAILED);
        }
        try (Statement st = c.createStatement()) {
          st.execute("DROP DATABASE " + ChunkSql.quote(own)); // an empty catalog the service made
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    long begun = System.nanoTime();
    load(e, m);
    out.printf(
        "restored %s into %s:%d (%.1f s)%n",
        String.join(", ", m.schemas()), e.host(), e.port(), (System.nanoTime() - begun) / 1e9);
    disableEvents(e, m, out);
    if (service == null) {
      if (!m.catalogs().isEmpty()) {
        out.println("catalogs " + m.catalogs() + ": give -service to make one a service's");
      }
      if (m.binlogPosition() != null) {
        out.println(
            "binlog position of the snapshot: "
                + m.binlogPosition()
                + "; start a service from it: ferry provision -service NAME --seeded-at "
                + m.binlogPosition());
      }
      return 0;
    }
    if (chosen != null) {
      adopt(e, chosen, own, out);
      if (m.binlogPosition() != null) {
        out.println(
            "(the backup also has its server's binlog position: --binlog starts from that"
                + " instead)");
      }
      return 0;
    }
    try {
      var answer = seed(m.binlogPosition(), false);
      out.printf(
          "service %s starts after the snapshot's binlog position %s: %s%n",
          service, m.binlogPosition(), answer.path("state").asText());
    } catch (CliException x) {
      throw new CliException(
          "the backup is loaded, but service "
              + service
              + " was not started from it: "
              + x.getMessage()
              + ". When that is mended: ferry provision -service "
              + service
              + " --seeded-at "
              + m.binlogPosition(),
          x.exitCode());
    }
    return 0;
  }

  private com.fasterxml.jackson.databind.JsonNode seed(String position, boolean dryRun) {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("seededAt", position);
    body.put("dryRun", dryRun);
    return admin.client().post(CheckCommand.path(service, "provision"), body);
  }

  /**
   * Refuses a service its replicator runs that is not offline: it would apply onto the rows being
   * loaded (a service the replicator does not know yet, or a replicator not running, is fine).
   */
  private void refuseOnline() {
    com.fasterxml.jackson.databind.JsonNode status;
    try {
      io.ferry.cli.control.AdminClient client = admin.client();
      if (!client.reachable()) {
        return;
      }
      status =
          client.get(
              "/api/v1/services/"
                  + java.net.URLEncoder.encode(service, java.nio.charset.StandardCharsets.UTF_8));
    } catch (CliException x) {
      return; // no such service (yet)
    }
    String state = status.path("state").asText();
    if (!state.startsWith("OFFLINE")) {
      throw new CliException(
          "service "
              + service
              + " is "
              + state
              + ": take it offline first (ferry offline -service "
              + service
              + "), with nothing applied to --to",
          Cli.EXIT_FAILED);
    }
    if (!status.path("storedLastSeqno").isNull() && status.has("storedLastSeqno")) {
      throw new CliException(
          "service "
              + service
              + "'s THL holds transactions: a restored slave starts with an empty one (ferry"
              + " reset -service "
              + service
              + " -thl)",
          Cli.EXIT_FAILED);
    }
  }

  /** Events come back enabled: on a replica they must not run (the source's do). */
  private static void disableEvents(Endpoint e, Backup.Manifest m, PrintWriter out)
      throws SQLException {
    List<String> events = new ArrayList<>();
    try (Connection c = Backup.connect(e);
        Statement st = c.createStatement()) {
      for (String schema : m.schemas()) {
        try (var ps =
            c.prepareStatement(
                "SELECT event_name FROM information_schema.events WHERE event_schema = ?"
                    + " AND status = 'ENABLED'")) {
          ps.setString(1, schema);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              events.add(ChunkSql.quote(schema) + "." + ChunkSql.quote(rs.getString(1)));
            }
          }
        }
      }
      for (String ev : events) {
        st.execute("ALTER EVENT " + ev + " DISABLE ON SLAVE");
      }
    }
    if (!events.isEmpty()) {
      out.println(
          "events set to DISABLE ON SLAVE (the source runs them; enable them here when it is the"
              + " source): "
              + String.join(", ", events));
    }
  }

  /** The backup's catalog that becomes the service's, or null (a backup of a source). */
  private String chooseCatalog(Backup.Manifest m) {
    if (catalog != null) {
      if (!m.catalogs().contains(catalog)) {
        throw new CliException(
            "the backup has no catalog " + catalog + " (it has " + m.catalogs() + ")",
            Cli.EXIT_USAGE);
      }
      return catalog;
    }
    if (m.catalogs().size() > 1) {
      throw new CliException(
          "the backup holds the catalogs of several services "
              + m.catalogs()
              + ": say which is "
              + service
              + "'s with --catalog",
          Cli.EXIT_USAGE);
    }
    return m.catalogs().isEmpty() ? null : m.catalogs().get(0);
  }

  private void load(Endpoint e, Backup.Manifest m) throws Exception {
    List<String> args = new ArrayList<>(List.of("--binary-mode", "--batch"));
    if (!logBin) {
      args.add("--init-command=SET SESSION sql_log_bin = 0");
    }
    Path log = Files.createTempFile("ferry-restore", ".log");
    try (Backup.Tool tool = Backup.tool("mariadb", e, args)) {
      Process p = Backup.start(tool.builder().redirectError(log.toFile()));
      String readError = null;
      try (InputStream in = new GZIPInputStream(Files.newInputStream(from.resolve(Backup.DUMP)));
          OutputStream o = p.getOutputStream()) {
        Backup.copy(in, o);
      } catch (java.io.IOException x) {
        readError = x.getMessage();
        if (p.isAlive()) {
          p.destroy(); // the dump cannot be read to its end: nothing more goes in
        }
      }
      int code = p.waitFor();
      String error = Backup.tail(log);
      if (code != 0 || readError != null) {
        throw new CliException(
            "loading "
                + from.resolve(Backup.DUMP)
                + " failed ("
                + (readError != null ? "reading it: " + readError + "; " : "")
                + "mariadb exit "
                + code
                + (error.isEmpty() ? "" : ": " + error)
                + ")"
                + (!logBin && error.contains("sql_log_bin")
                    ? "; without the privilege to set sql_log_bin, give --log-bin"
                    : "")
                + ". What was loaded stays: drop "
                + String.join(", ", m.schemas())
                + " on the server before restoring again",
            Cli.EXIT_FAILED);
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Makes the backup's catalog the service's (moving its tables), and says where it starts. */
  private void adopt(Endpoint e, String chosen, String own, PrintWriter out) throws SQLException {
    try (Connection c = Backup.connect(e);
        Statement st = c.createStatement()) {
      if (!chosen.equals(own)) {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs =
            st.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                    + Backup.literal(chosen))) {
          while (rs.next()) {
            tables.add(rs.getString(1));
          }
        }
        st.execute("CREATE DATABASE " + ChunkSql.quote(own));
        List<String> moves = new ArrayList<>();
        for (String t : tables) {
          moves.add(
              ChunkSql.quote(chosen)
                  + "."
                  + ChunkSql.quote(t)
                  + " TO "
                  + ChunkSql.quote(own)
                  + "."
                  + ChunkSql.quote(t));
        }
        st.execute("RENAME TABLE " + String.join(", ", moves)); // all or none
        st.execute("DROP DATABASE " + ChunkSql.quote(chosen));
      }
      try (ResultSet rs =
          st.executeQuery(
              "SELECT seqno, (SELECT MAX(seqno) FROM "
                  + ChunkSql.quote(own)
                  + ".position), native_position FROM "
                  + ChunkSql.quote(own)
                  + ".position WHERE seqno >= 0 ORDER BY seqno LIMIT 1")) {
        if (!rs.next()) {
          throw new CliException(
              "catalog " + chosen + " holds no position: the replica had applied nothing", 1);
        }
        out.printf(
            "catalog %s is now %s's, at seqno %d%s (%s): it fetches what follows from its master;"
                + " bring it online: ferry online -service %s%n",
            chosen,
            service,
            rs.getLong(1),
            rs.getLong(1) == rs.getLong(2) ? "" : " to " + rs.getLong(2) + " (its channels)",
            rs.getString(3),
            service);
      }
    }
  }

  private static boolean applied(Connection c, String schema) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT COUNT(*) FROM " + ChunkSql.quote(schema) + ".position WHERE seqno >= 0")) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }
}
