package io.ferry.cli.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.Json;
import io.ferry.cli.setup.Endpoint;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backup's directory: {@code dump.sql.gz} (what {@code mariadb-dump --single-transaction} wrote)
 * and {@code backup.json}, its manifest: the server, the schemas, the Ferry catalogs among them
 * (schemas {@code ferry_<service>} with a {@code position} table: a replica's position, consistent
 * with its data because the dump is one snapshot), and the binlog position of the snapshot (when
 * the server logs). Also what both commands share: connecting, running the client tools.
 */
final class Backup {
  static final String DUMP = "dump.sql.gz";
  static final String MANIFEST = "backup.json";

  private static final Pattern CHANGE_MASTER =
      Pattern.compile("MASTER_LOG_FILE='([^']+)',\\s*MASTER_LOG_POS=(\\d+)");

  private Backup() {}

  /**
   * What a manifest says.
   *
   * @param server the server it was taken from (host:port)
   * @param schemas the schemas in the dump
   * @param catalogs the Ferry catalogs among them
   * @param binlogPosition the snapshot's binlog position (FILE:OFFSET), or null
   * @param gtid the snapshot's GTID position, or null
   * @param takenAt when (ISO-8601, UTC)
   */
  record Manifest(
      String server,
      List<String> schemas,
      List<String> catalogs,
      String binlogPosition,
      String gtid,
      String takenAt) {
    void write(Path dir) throws IOException {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("format", "ferry-backup-1");
      m.put("tool", "mariadb-dump --single-transaction");
      m.put("server", server);
      m.put("takenAt", takenAt);
      m.put("schemas", schemas);
      m.put("catalogs", catalogs);
      m.put("binlogPosition", binlogPosition);
      m.put("gtid", gtid);
      Files.writeString(
          dir.resolve(MANIFEST),
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n",
          StandardCharsets.UTF_8);
    }

    static Manifest read(Path dir) {
      Path f = dir.resolve(MANIFEST);
      if (!Files.exists(f) || !Files.exists(dir.resolve(DUMP))) {
        throw new CliException(
            dir + " is not a Ferry backup (it needs " + MANIFEST + " and " + DUMP + ")",
            Cli.EXIT_USAGE);
      }
      try {
        JsonNode n = Json.mapper().readTree(f.toFile());
        if (!"ferry-backup-1".equals(n.path("format").asText())) {
          throw new IOException("format is '" + n.path("format").asText() + "'");
        }
        return new Manifest(
            n.path("server").asText(),
            strings(n.path("schemas")),
            strings(n.path("catalogs")),
            n.path("binlogPosition").isTextual() ? n.get("binlogPosition").asText() : null,
            n.path("gtid").isTextual() ? n.get("gtid").asText() : null,
            n.path("takenAt").asText());
      } catch (IOException e) {
        throw new CliException(
            "cannot read " + f + ": " + e.getMessage() + " (a manifest ferry backup wrote)",
            Cli.EXIT_USAGE);
      }
    }

    private static List<String> strings(JsonNode a) {
      List<String> out = new ArrayList<>();
      a.forEach(x -> out.add(x.asText()));
      return out;
    }
  }

  static Connection connect(Endpoint e) {
    try {
      return SourceProbe.connect(SourceSettings.of(e.host(), e.port(), e.user(), e.password()));
    } catch (RuntimeException x) {
      throw new CliException(x.getMessage(), Cli.EXIT_FAILED);
    }
  }

  /** The schemas of a server that are its own (not the system's), by name. */
  static List<String> schemas(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN"
                    + " ('mysql', 'information_schema', 'performance_schema', 'sys')"
                    + " ORDER BY schema_name")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** Whether a schema holds a table (a catalog: {@code position}; or any, for null). */
  static boolean hasTable(Connection c, String schema, String table) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?"
                + (table == null ? "" : " AND table_name = ?"))) {
      ps.setString(1, schema);
      if (table != null) {
        ps.setString(2, table);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  /** The tables of the schemas that a consistent snapshot does not cover (not InnoDB). */
  static List<String> notTransactional(Connection c, List<String> schemas) throws SQLException {
    List<String> out = new ArrayList<>();
    try (var ps =
        c.prepareStatement(
            "SELECT table_schema, table_name, engine FROM information_schema.tables WHERE"
                + " table_type = 'BASE TABLE' AND engine NOT IN ('InnoDB', 'SEQUENCE')"
                + " AND table_schema = ?")) {
      for (String s : schemas) {
        ps.setString(1, s);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1) + "." + rs.getString(2) + " (" + rs.getString(3) + ")");
          }
        }
      }
    }
    return out;
  }

  /** The snapshot's binlog position in a dump's head ({@code --master-data=2}), or null. */
  static String binlogPosition(List<String> head) {
    for (String line : head) {
      Matcher m = CHANGE_MASTER.matcher(line);
      if (m.find()) {
        return m.group(1) + ":" + m.group(2);
      }
    }
    return null;
  }

  /** The snapshot's GTID position in a dump's head ({@code --gtid}), or null. */
  static String gtid(List<String> head) {
    Matcher m =
        Pattern.compile("gtid_slave_pos\\s*=\\s*'([^']*)'").matcher(String.join("\n", head));
    return m.find() && !m.group(1).isEmpty() ? m.group(1) : null;
  }

  /** A quoted string literal. */
  static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  /**
   * A client tool's command line for a server, its password in an option file of its own (not on
   * the command line, where ps shows it), deleted on close.
   */
  record Tool(ProcessBuilder builder, Path optionFile) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      Files.deleteIfExists(optionFile);
    }
  }

  static Tool tool(String tool, Endpoint e, List<String> args) throws IOException {
    Path options =
        Files.createTempFile(
            "ferry-client",
            ".cnf",
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    String password = e.password().replace("\\", "\\\\").replace("\"", "\\\"");
    Files.writeString(options, "[client]\npassword=\"" + password + "\"\n", StandardCharsets.UTF_8);
    List<String> cmd = new ArrayList<>();
    cmd.add(tool);
    cmd.add("--defaults-extra-file=" + options); // must come first
    cmd.add("--protocol=TCP");
    cmd.add("--host=" + e.host());
    cmd.add("--port=" + e.port());
    cmd.add("--user=" + e.user());
    cmd.addAll(args);
    return new Tool(new ProcessBuilder(cmd), options);
  }

  /** Starts a tool, with a clear error when it is not installed. */
  static Process start(ProcessBuilder pb) {
    try {
      return pb.start();
    } catch (IOException x) {
      throw new CliException(
          "cannot run "
              + pb.command().get(0)
              + " ("
              + x.getMessage()
              + "): install the MariaDB client tools (apt-get install mariadb-client)",
          Cli.EXIT_FAILED);
    }
  }

  /** Copies a stream to another, returning the bytes. */
  static long copy(InputStream in, OutputStream out) throws IOException {
    byte[] b = new byte[1 << 16];
    long n = 0;
    for (int r; (r = in.read(b)) > 0; ) {
      out.write(b, 0, r);
      n += r;
    }
    return n;
  }

  /** The end of a tool's error output (a file it wrote), for a message. */
  static String tail(Path log) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8).strip();
      return s.length() > 2000 ? "…" + s.substring(s.length() - 2000) : s;
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }
}
