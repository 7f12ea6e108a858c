package io.ferry.cli.backup;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.setup.Endpoint;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry backup}: a logical dump of a server with the position it belongs to. */
@Command(
    name = "backup",
    header = "A consistent logical dump of a source or replica, with its Ferry or binlog position.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Wraps mariadb-dump --single-transaction: one consistent snapshot of the server's schemas"
          + " (default: all but the system's), with routines, events and triggers, written to"
          + " DIR/dump.sql.gz, and a manifest DIR/backup.json. On a Ferry replica the dump holds"
          + " its catalog (ferry_SERVICE), whose position is part of the same snapshot; on a"
          + " server that writes a binlog the manifest records the snapshot's binlog position."
          + " Either way ferry restore seeds a new replica from it, which then catches up from"
          + " the master. Service schemas on a source (ferry_SERVICE without a catalog:"
          + " heartbeats, check markers) are left out. See docs/operations.md.",
      ""
    },
    footerHeading = "%n",
    footer = {
      "Examples:",
      "  ferry backup --from lab:2 --to /backups/replica2-monday",
      "  ferry backup --from mysql://backup:secret@db1:3306 --to /backups/db1 shop",
    })
public final class BackupCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "DB",
      description = "The server: a sandbox server (NAME:N) or mysql://user:password@host:port.")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "DIR",
      description = "A new or empty directory for the backup.")
  Path to;

  @Parameters(paramLabel = "SCHEMA", arity = "0..*", description = "What to dump (default: all).")
  List<String> only = new ArrayList<>();

  @Option(names = "--sandbox-home", paramLabel = "DIR", description = "Where sandboxes live.")
  Path sandboxHome;

  @Override
  public Integer call() throws Exception {
    Endpoint e = Endpoint.parse(from, sandboxHome);
    if (Files.exists(to)) {
      try (var s = Files.list(to)) {
        if (s.findAny().isPresent()) {
          throw new CliException(
              to + " is not empty: give a new directory for the backup", Cli.EXIT_USAGE);
        }
      }
    }
    Files.createDirectories(to);
    List<String> schemas = new ArrayList<>();
    List<String> catalogs = new ArrayList<>();
    boolean logs;
    List<String> notTransactional;
    try (Connection c = Backup.connect(e)) {
      List<String> all = Backup.schemas(c);
      for (String s : only.isEmpty() ? all : only) {
        if (!all.contains(s)) {
          throw new CliException("schema " + s + " is not on " + e.host() + ":" + e.port(), 1);
        }
        boolean catalog = s.startsWith("ferry_") && Backup.hasTable(c, s, "position");
        if (s.startsWith("ferry_") && !catalog && only.isEmpty()) {
          continue; // a service's own tables on its source: not data to restore
        }
        if (s.startsWith("-")) {
          throw new CliException(
              "schema " + s + " starts with '-', which mariadb-dump reads as an option", 1);
        }
        schemas.add(s);
        if (catalog) {
          catalogs.add(s);
        }
      }
      notTransactional = Backup.notTransactional(c, schemas);
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT @@log_bin")) {
        logs = rs.next() && rs.getInt(1) == 1;
      }
    }
    if (schemas.isEmpty()) {
      throw new CliException("nothing to back up on " + e.host() + ":" + e.port(), 1);
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "--single-transaction",
                "--quick",
                "--hex-blob",
                "--routines",
                "--events",
                "--triggers",
                "--default-character-set=utf8mb4"));
    if (logs) {
      args.add("--master-data=2");
      args.add("--gtid");
    }
    args.add("--databases");
    args.addAll(schemas);
    Path log = to.resolve("dump.log");
    String started = Instant.now().toString();
    long begun = System.nanoTime();
    long bytes;
    try (Backup.Tool tool = Backup.tool("mariadb-dump", e, args)) {
      Process p = Backup.start(tool.builder().redirectError(log.toFile()));
      try (InputStream in = p.getInputStream();
          OutputStream out = new GZIPOutputStream(Files.newOutputStream(to.resolve(Backup.DUMP)))) {
        bytes = Backup.copy(in, out);
      }
      if (p.waitFor() != 0) {
        String why = Backup.tail(log);
        Files.deleteIfExists(to.resolve(Backup.DUMP));
        Files.deleteIfExists(log);
        throw new CliException(
            "mariadb-dump failed (exit "
                + p.exitValue()
                + "): "
                + why
                + (why.contains("Table definition has changed")
                    ? " (DDL ran during the dump: take it again)"
                    : "")
                + "; "
                + to
                + " is left empty",
            1);
      }
    }
    List<String> head = head(to.resolve(Backup.DUMP));
    String position = Backup.binlogPosition(head);
    if (logs && position == null) {
      throw new CliException(
          "the dump does not say the binlog position of its snapshot (no CHANGE MASTER line in"
              + " its head): see "
              + log,
          1);
    }
    new Backup.Manifest(
            e.host() + ":" + e.port(), schemas, catalogs, position, Backup.gtid(head), started)
        .write(to);
    Files.deleteIfExists(log);
    var out = spec.commandLine().getOut();
    out.printf(
        "backed up %s of %s:%d to %s (%.1f MB of SQL, %.1f s)%n",
        String.join(", ", schemas),
        e.host(),
        e.port(),
        to,
        bytes / 1e6,
        (System.nanoTime() - begun) / 1e9);
    if (!catalogs.isEmpty()) {
      out.println("Ferry catalogs (a replica's position, in the same snapshot): " + catalogs);
    }
    if (position != null) {
      out.println("binlog position of the snapshot: " + position);
    }
    if (!notTransactional.isEmpty()) {
      out.println(
          "not in the snapshot (not InnoDB: dumped as they were while the dump read them): "
              + String.join(", ", notTransactional));
    }
    return 0;
  }

  /** The first lines of a dump, where mariadb-dump writes the snapshot's position. */
  private static List<String> head(Path dump) throws java.io.IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(dump)), StandardCharsets.UTF_8))) {
      for (String l; lines.size() < 60 && (l = r.readLine()) != null; ) {
        lines.add(l);
      }
    }
    return lines;
  }
}
